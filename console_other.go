//go:build !windows

package main

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets"
	"mailsetup/ui"
)

// attachConsole does nothing outside Windows: a program started from a
// terminal already has it.
func attachConsole() {}

// systemLocale is empty outside Windows: the locale is in the environment.
func systemLocale() string { return "" }

// showStartupError shows the error in a small window when there is a
// display, so a person who started mailsetup from a desktop launcher (no
// terminal to read standard error in) sees why it did not start.
func showStartupError(lang, title, text, ok string) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return
	}
	a := app.NewWithID(ui.AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	a.Settings().SetTheme(ui.NewTheme(lang)) // its fonts draw every script
	w := a.NewWindow(title)
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	closeBtn := widget.NewButton(ok, a.Quit)
	closeBtn.Importance = widget.HighImportance
	w.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), closeBtn), nil, nil, container.NewVScroll(msg)))
	w.Resize(fyne.NewSize(560, 260))
	w.CenterOnScreen()
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter || k.Name == fyne.KeyEscape {
			a.Quit()
		}
	})
	w.ShowAndRun()
}
