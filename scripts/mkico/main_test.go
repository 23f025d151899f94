package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestEncodeICO(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 512, 512))
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			if x < 256 {
				src.Set(x, y, color.NRGBA{255, 0, 0, 255})
			}
		}
	}
	data, err := encodeICO(src)
	if err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint16(data[2:]) != 1 || int(binary.LittleEndian.Uint16(data[4:])) != len(sizes) {
		t.Fatalf("header % x", data[:6])
	}
	for i, s := range sizes {
		e := data[6+16*i:]
		size, off := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		img, err := png.Decode(bytes.NewReader(data[off : off+size]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if img.Bounds().Dx() != s || img.Bounds().Dy() != s {
			t.Errorf("entry %d is %v, want %d", i, img.Bounds(), s)
		}
		if w := int(e[0]); (s == 256 && w != 0) || (s < 256 && w != s) {
			t.Errorf("entry %d width byte %d", i, w)
		}
		// left half red and opaque, right half transparent
		if r, _, _, a := img.At(0, 0).RGBA(); r>>8 != 255 || a>>8 != 255 {
			t.Errorf("entry %d: left pixel %v", i, img.At(0, 0))
		}
		if _, _, _, a := img.At(s-1, 0).RGBA(); a != 0 {
			t.Errorf("entry %d: right pixel %v", i, img.At(s-1, 0))
		}
	}
}
