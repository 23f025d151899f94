// Package draw paints the pictures of a guide (export/guide) with Fyne's
// software renderer: Canvas gives the Fyne object the window shows, Image
// and PNG the same pixels for files, and WriteHTML one self-contained page
// with every picture embedded. Only this package (and ui) link Fyne; the
// guide text and the description of each picture are plain Go in
// export/guide.
package draw

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"mailsetup/export/guide"
)

// Picture geometry, in Fyne units (the PNG is drawn at Scale pixels per unit).
const (
	desktopWidth = 460
	phoneWidth   = 300
	// Scale is the pixel density of exported PNGs.
	Scale    = 2
	textSize = 13
	rowH     = 30
	pad      = 14
)

var (
	colBG        = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	colPage      = color.NRGBA{0xEE, 0xF0, 0xF3, 0xFF}
	colText      = color.NRGBA{0x1F, 0x23, 0x28, 0xFF}
	colMuted     = color.NRGBA{0x5F, 0x66, 0x6D, 0xFF}
	colLine      = color.NRGBA{0xC4, 0xC9, 0xCF, 0xFF}
	colHighlight = color.NRGBA{0xF5, 0x7C, 0x00, 0xFF}
	colHiFill    = color.NRGBA{0xFF, 0xF3, 0xE0, 0xFF}
	colOn        = color.NRGBA{0x34, 0xA8, 0x53, 0xFF}
	colButton    = color.NRGBA{0xE4, 0xE7, 0xEB, 0xFF}
)

// titleColour is the title-bar colour of each platform.
func titleColour(p guide.Platform) color.NRGBA {
	switch p {
	case guide.PlatformWindows:
		return color.NRGBA{0x0F, 0x6C, 0xBD, 0xFF}
	case guide.PlatformMac:
		return color.NRGBA{0xDD, 0xDF, 0xE2, 0xFF}
	case guide.PlatformPhone:
		return color.NRGBA{0xF7, 0xF7, 0xF8, 0xFF}
	default:
		return color.NRGBA{0x3C, 0x40, 0x43, 0xFF}
	}
}

type drawer struct {
	objs []fyne.CanvasObject
	w    float32
}

func (d *drawer) rect(x, y, w, h float32, fill, stroke color.Color, sw, radius float32) {
	r := canvas.NewRectangle(fill)
	r.StrokeColor, r.StrokeWidth, r.CornerRadius = stroke, sw, radius
	r.Move(fyne.NewPos(x, y))
	r.Resize(fyne.NewSize(w, h))
	d.objs = append(d.objs, r)
}

// textIn draws s vertically centred in a box of height h starting at y.
func (d *drawer) textIn(s string, x, y, h, maxW float32, c color.Color, size float32, bold bool) float32 {
	return d.text(s, x, y+(h-measureH(size))/2, maxW, c, size, bold)
}

// text draws s at (x, y), cut with an ellipsis to fit maxW; it returns the width used.
func (d *drawer) text(s string, x, y, maxW float32, c color.Color, size float32, bold bool) float32 {
	t := canvas.NewText(s, c)
	t.TextSize, t.FontSource = size, fontFor(s)
	t.TextStyle.Bold = bold
	min := t.MinSize()
	for min.Width > maxW && len([]rune(t.Text)) > 2 {
		r := []rune(t.Text)
		t.Text = string(r[:len(r)-2]) + "…"
		min = t.MinSize()
	}
	t.Move(fyne.NewPos(x, y))
	t.Resize(min)
	d.objs = append(d.objs, t)
	return min.Width
}

// Canvas draws the picture as a Fyne object of fixed size (Size); the
// window shows it directly and Image captures it.
func Canvas(p guide.Picture) fyne.CanvasObject {
	w := width(p)
	d := &drawer{w: w}
	h := height(p)
	y := d.frame(p, h)
	y = d.path(p.Path, y)
	if len(p.Fields)+len(p.Checks) > 0 {
		panelH := float32(len(p.Fields)*(rowH+20)+len(p.Checks)*rowH) + 4
		d.rect(pad/2, y-6, w-pad, panelH, colBG, colLine, 1, 6)
	}
	y = d.fields(p.Fields, y)
	y = d.checks(p.Platform, p.Checks, y)
	d.buttons(p.Buttons, y)
	c := container.NewWithoutLayout(d.objs...)
	c.Resize(fyne.NewSize(w, h))
	return c
}

func width(p guide.Picture) float32 {
	if p.Platform == guide.PlatformPhone {
		return phoneWidth
	}
	return desktopWidth
}

// frame draws the page and the title bar; it returns where content starts.
func (d *drawer) frame(p guide.Picture, h float32) float32 {
	w := d.w
	d.rect(0, 0, w, h, colPage, colLine, 1, 8)
	tc := titleColour(p.Platform)
	d.rect(0, 0, w, 36, tc, color.Transparent, 0, 8)
	d.rect(0, 28, w, 8, tc, color.Transparent, 0, 0)
	light := p.Platform == guide.PlatformWindows || p.Platform == guide.PlatformWeb
	titleCol := colText
	if light {
		titleCol = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	}
	tx := float32(pad)
	if p.Platform == guide.PlatformMac {
		for i, c := range []color.NRGBA{{0xFF, 0x5F, 0x57, 0xFF}, {0xFE, 0xBC, 0x2E, 0xFF}, {0x28, 0xC8, 0x40, 0xFF}} {
			d.rect(float32(12+i*18), 12, 12, 12, c, color.Transparent, 0, 6)
		}
		tx = 72
	}
	d.textIn(p.Title, tx, 0, 36, w-tx-pad, titleCol, 14, true)
	return float32(36 + pad)
}

// path draws a menu path as chips joined by arrows, the last one highlighted.
func (d *drawer) path(path []string, y float32) float32 {
	if len(path) == 0 {
		return y
	}
	w := d.w
	x := float32(pad)
	for i, s := range path {
		last := i == len(path)-1
		tw := measure(s, textSize)
		if x+tw+16 > w-pad && x > pad {
			x, y = pad, y+rowH
		}
		if tw+16 > w-2*pad {
			tw = w - 2*pad - 16
		}
		if last {
			d.rect(x-2, y-2, tw+20, 28, colHiFill, colHighlight, 2.5, 5)
		} else {
			d.rect(x, y, tw+16, 24, colBG, colLine, 1, 5)
		}
		d.textIn(s, x+8, y, 24, tw, colText, textSize, last)
		x += tw + 16
		if !last {
			aw := d.textIn("›", x+5, y, 24, 12, colMuted, 15, true)
			x += aw + 10
		}
	}
	return y + rowH + 8
}

func (d *drawer) fields(fields []guide.Field, y float32) float32 {
	w := d.w
	for _, f := range fields {
		d.text(f.Label, pad, y, w-2*pad, colMuted, 11.5, false)
		y += 17
		stroke, sw, fill := colLine, float32(1), colBG
		if f.Highlight {
			stroke, sw, fill = colHighlight, 2.5, colHiFill
		}
		d.rect(pad, y, w-2*pad, 26, fill, stroke, sw, 4)
		v := f.Value
		if f.Secret {
			v = "••••••••••"
		}
		d.textIn(v, pad+8, y, 26, w-2*pad-16, colText, textSize, false)
		y += rowH + 3
	}
	return y
}

// checks draws switches (phone, web) or checkboxes (desktop).
func (d *drawer) checks(pl guide.Platform, checks []guide.Check, y float32) float32 {
	w := d.w
	for _, c := range checks {
		if c.Highlight {
			d.rect(pad-4, y-3, w-2*pad+8, 26, colHiFill, colHighlight, 2.5, 5)
		}
		if pl == guide.PlatformPhone || pl == guide.PlatformWeb {
			// A switch, on the right.
			fill := colLine
			if c.On {
				fill = colOn
			}
			d.rect(w-pad-40, y, 36, 20, fill, color.Transparent, 0, 10)
			kx := w - pad - 38
			if c.On {
				kx = w - pad - 22
			}
			d.rect(kx, y+2, 16, 16, colBG, color.Transparent, 0, 8)
			d.textIn(c.Label, pad+4, y, 20, w-2*pad-50, colText, textSize, false)
		} else {
			fill := colBG
			if c.On {
				fill = titleColour(guide.PlatformWindows)
			}
			d.rect(pad+2, y+2, 16, 16, fill, colMuted, 1, 3)
			if c.On {
				d.textIn("✓", pad+4, y+2, 16, 14, colBG, 12, true)
			}
			d.textIn(c.Label, pad+26, y, 20, w-2*pad-30, colText, textSize, false)
		}
		y += rowH
	}
	return y
}

// buttons draws the buttons right-aligned, the last one rightmost.
func (d *drawer) buttons(buttons []guide.Button, y float32) {
	if len(buttons) == 0 {
		return
	}
	w := d.w
	y += 8
	x := w - pad
	for i := len(buttons) - 1; i >= 0; i-- {
		b := buttons[i]
		tw := measure(b.Label, textSize)
		if tw > w/2 {
			tw = w / 2
		}
		x -= tw + 28
		fill, stroke, sw := colButton, colLine, float32(1)
		if b.Highlight {
			fill, stroke, sw = colHiFill, colHighlight, 2.5
		}
		d.rect(x, y, tw+28, 28, fill, stroke, sw, 6)
		d.textIn(b.Label, x+14, y, 28, tw, colText, textSize, b.Highlight)
		x -= 8
	}
}

// Size is the picture's size in Fyne units.
func Size(p guide.Picture) fyne.Size {
	return fyne.NewSize(width(p), height(p))
}

func height(p guide.Picture) float32 {
	w := width(p)
	h := float32(36 + pad)
	if len(p.Path) > 0 {
		x, rows := float32(pad), 1
		for i, s := range p.Path {
			tw := measure(s, textSize)
			if x+tw+16 > w-pad && x > pad {
				x, rows = pad, rows+1
			}
			x += tw + 16
			if i < len(p.Path)-1 {
				x += measure("›", 15) + 10
			}
		}
		h += float32(rows*rowH) + 8
	}
	h += float32(len(p.Fields)*(rowH+20) + len(p.Checks)*rowH)
	if len(p.Buttons) > 0 {
		h += 8 + 28
	}
	return h + pad
}

var measureMu sync.Mutex

// measureH is the height of a line of text at size.
func measureH(size float32) float32 {
	ensureApp()
	measureMu.Lock()
	defer measureMu.Unlock()
	h, _ := fyne.CurrentApp().Driver().RenderedTextSize("Ag", size, fyne.TextStyle{}, CJKFont)
	return h.Height
}

func measure(s string, size float32) float32 {
	ensureApp()
	measureMu.Lock()
	defer measureMu.Unlock()
	w, _ := fyne.CurrentApp().Driver().RenderedTextSize(s, size, fyne.TextStyle{}, fontFor(s))
	return w.Width
}

var renderMu sync.Mutex

// Image renders the picture with Fyne's software painter at Scale, with no
// display, on a transparent background. The same picture always gives the same pixels.
func Image(p guide.Picture) image.Image {
	ensureApp()
	// The lock covers building the objects too: batch draws guides on
	// several goroutines, and Fyne objects are not meant to be made and
	// painted concurrently.
	renderMu.Lock()
	defer renderMu.Unlock()
	obj := Canvas(p)
	c := software.NewTransparentCanvas()
	c.SetPadded(false)
	c.SetScale(Scale)
	c.SetContent(obj)
	c.Resize(Size(p))
	return c.Capture()
}

// PNG renders the picture and encodes it as PNG.
func PNG(p guide.Picture) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&b, Image(p)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
