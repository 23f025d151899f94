package draw

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var appOnce sync.Once

// ensureApp makes sure a Fyne app is current before text is measured or
// painted. The window has its own (app.New in main); the command line has
// none, and this file is the one place outside tests that deals with that.
//
// Why Fyne's in-memory test app, after reading fyne v2.8.1: Fyne measures
// text only through the current app's driver — canvas.Text.MinSize calls
// fyne.CurrentApp().Driver().RenderedTextSize (canvas/text.go:42-45), and the
// software painter calls MinSize for every text it paints
// (internal/painter/software/draw.go:242, drawText). The measuring code itself
// (painter.RenderedTextSize, internal/painter/font.go:239) is internal, and
// the only exported driver that needs no display is fyne/v2/test's; Fyne's
// own display-free build does the same (build tag ci: app/app_software.go:14
// builds its app on test.NewDriverWithPainter). The other drivers
// (app.NewWithID) start a scheduler, watch the settings file and load
// preferences — worse side effects for a command line. Note that linking fyne/v2/test already
// installs its app (test/app.go:20, init calls NewApp), so this is a guard
// for the order of initialisation, not a second app; the window's app.New
// replaces it. A copy of Fyne's shaper here would measure with a second
// text stack whose results must match Fyne's to the pixel — the thing the
// drawing-with-Fyne choice exists to avoid.
func ensureApp() {
	appOnce.Do(func() {
		if fyne.CurrentApp() == nil {
			test.NewApp()
		}
	})
}
