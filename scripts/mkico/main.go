// Command mkico writes a Windows .ico file from a PNG: the image scaled to
// 256, 64, 48, 32 and 16 pixels, each stored as PNG (supported since Windows
// Vista). build-windows.sh compiles it into the executable's resources.
//
//	go run ./scripts/mkico assets/icon.png app.ico
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
)

var sizes = []int{256, 64, 48, 32, 16}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkico IN.png OUT.ico")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkico:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	data, err := encodeICO(src)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// encodeICO builds the ICO container: a header, one directory entry per
// size, then the PNG images.
func encodeICO(src image.Image) ([]byte, error) {
	var images [][]byte
	for _, s := range sizes {
		var b bytes.Buffer
		if err := png.Encode(&b, scale(src, s)); err != nil {
			return nil, err
		}
		images = append(images, b.Bytes())
	}
	var out bytes.Buffer
	le := func(v any) { _ = binary.Write(&out, binary.LittleEndian, v) }
	le(uint16(0))          // reserved
	le(uint16(1))          // type: icon
	le(uint16(len(sizes))) // count
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		dim := uint8(s)
		if s >= 256 {
			dim = 0 // 0 means 256
		}
		out.WriteByte(dim)
		out.WriteByte(dim)
		out.WriteByte(0) // palette
		out.WriteByte(0) // reserved
		le(uint16(1))    // planes
		le(uint16(32))   // bits per pixel
		le(uint32(len(images[i])))
		le(uint32(offset))
		offset += len(images[i])
	}
	for _, img := range images {
		out.Write(img)
	}
	return out.Bytes(), nil
}

// scale resizes src to size×size with a box filter (averaging the source
// pixels each target pixel covers), in premultiplied alpha.
func scale(src image.Image, size int) *image.NRGBA {
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		y0 := b.Min.Y + y*b.Dy()/size
		y1 := max(b.Min.Y+(y+1)*b.Dy()/size, y0+1)
		for x := 0; x < size; x++ {
			x0 := b.Min.X + x*b.Dx()/size
			x1 := max(b.Min.X+(x+1)*b.Dx()/size, x0+1)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, ca := src.At(sx, sy).RGBA()
					r, g, bl, a, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), a+uint64(ca), n+1
				}
			}
			c := color.RGBA64{uint16(r / n), uint16(g / n), uint16(bl / n), uint16(a / n)}
			dst.Set(x, y, c)
		}
	}
	return dst
}
