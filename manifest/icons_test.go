package manifest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/mfabot/mfabot/manifest"
	"github.com/mfabot/mfabot/manifest/internal/icon"
)

func decodeIcon(t *testing.T, name string) image.Image {
	t.Helper()
	data, err := manifest.FS.ReadFile(name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return img
}

func TestIconSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
	}{
		{manifest.ColorIconFile, 192},
		{manifest.OutlineIconFile, 32},
	} {
		b := decodeIcon(t, tc.name).Bounds()
		if b.Dx() != tc.size || b.Dy() != tc.size {
			t.Errorf("%s is %dx%d, Teams wants %dx%d", tc.name, b.Dx(), b.Dy(), tc.size, tc.size)
		}
	}
}

// Teams requires the outline icon to be white on a transparent background.
func TestOutlineIsWhiteOnTransparent(t *testing.T) {
	img := decodeIcon(t, manifest.OutlineIconFile)
	var white, clear int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			switch {
			case c.A == 0:
				clear++
			case c.R == 0xFF && c.G == 0xFF && c.B == 0xFF:
				white++
			default:
				t.Fatalf("outline pixel (%d,%d) is %v: only white or transparent is allowed", x, y, c)
			}
		}
	}
	if white == 0 || clear == 0 {
		t.Errorf("outline has %d white and %d transparent pixels: want both", white, clear)
	}
}

// The colour icon is opaque: Teams shows it as is on any background.
func TestColorIconIsOpaque(t *testing.T) {
	img := decodeIcon(t, manifest.ColorIconFile)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xFFFF {
				t.Fatalf("colour icon pixel (%d,%d) has alpha %d", x, y, a>>8)
			}
		}
	}
}

// The committed PNGs are what internal/icon draws: a change to the drawing
// code without `go generate ./manifest` fails here.
func TestIconsAreGenerated(t *testing.T) {
	for _, tc := range []struct {
		name string
		want *image.NRGBA
	}{
		{manifest.ColorIconFile, icon.Color()},
		{manifest.OutlineIconFile, icon.Outline()},
	} {
		got := decodeIcon(t, tc.name)
		if got.Bounds() != tc.want.Bounds() {
			t.Errorf("%s: bounds %v, drawing gives %v", tc.name, got.Bounds(), tc.want.Bounds())
			continue
		}
		b := got.Bounds()
	pixels:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				g := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
				w := tc.want.NRGBAAt(x, y)
				if g != w {
					t.Errorf("%s differs from internal/icon at (%d,%d): %v, want %v; run go generate ./manifest", tc.name, x, y, g, w)
					break pixels
				}
			}
		}
	}
}

// The colour icon's background is the manifest's accent colour, so Teams
// shows the icon on a matching tile.
func TestAccentColorMatchesIcon(t *testing.T) {
	data, err := manifest.FS.ReadFile(manifest.TemplateFile)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		AccentColor string `json:"accentColor"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("template is not JSON: %v", err)
	}
	a := icon.Accent
	if want := fmt.Sprintf("#%02X%02X%02X", a.R, a.G, a.B); m.AccentColor != want {
		t.Errorf("accentColor %q, icon background %s", m.AccentColor, want)
	}
	corner := color.NRGBAModel.Convert(decodeIcon(t, manifest.ColorIconFile).At(0, 0)).(color.NRGBA)
	if corner != a {
		t.Errorf("colour icon corner is %v, want the accent colour %v", corner, a)
	}
}
