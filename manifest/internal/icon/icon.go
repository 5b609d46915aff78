// Package icon draws the two Teams app icons of mfabot: a shield with a
// keyhole. Shapes are described in unit coordinates (0..1 on both axes) and
// rasterised with supersampling, so the output is smooth and reproducible
// byte for byte from this code.
package icon

import (
	"image"
	"image/color"
	"math"
)

// Sizes Teams requires for the app package icons.
const (
	ColorSize   = 192
	OutlineSize = 32
)

// Accent is the app's accent colour: the colour icon's background and the
// manifest's accentColor.
var Accent = color.NRGBA{R: 0x2F, G: 0x55, B: 0x97, A: 0xFF}

// shade is the tint of the shield's right half on the colour icon.
var shade = color.NRGBA{R: 0xD6, G: 0xE0, B: 0xF1, A: 0xFF}

// samples is the number of subsamples per pixel along each axis.
const samples = 8

// shield is a heater shield: flat sides that narrow to a point at the bottom,
// with a shallow dip in the middle of the top edge.
type shield struct {
	half   float64 // half width of the straight part
	top    float64 // y of the top corners
	dip    float64 // how far the top edge sinks at the centre
	waist  float64 // y where the sides start to narrow
	bottom float64 // y of the point
}

func (s shield) contains(x, y float64) bool {
	dx := math.Abs(x - 0.5)
	if dx > s.half {
		return false
	}
	r := dx / s.half
	if y < s.top+s.dip*(1-r*r) || y > s.bottom {
		return false
	}
	if y <= s.waist {
		return true
	}
	t := (y - s.waist) / (s.bottom - s.waist)
	return dx <= s.half*(1-t*t)
}

// nearEdge reports whether a point of the shield lies within d of its edge,
// probing 24 directions: this draws a stroke of even width along the curve.
func (s shield) nearEdge(x, y, d float64) bool {
	for i := range 24 {
		a := float64(i) * math.Pi / 12
		if !s.contains(x+d*math.Cos(a), y+d*math.Sin(a)) {
			return true
		}
	}
	return false
}

// keyhole is a round head over a stem that widens downwards.
type keyhole struct {
	cy, r            float64 // centre height and radius of the head
	stemTop, stemEnd float64 // vertical extent of the stem
	narrow, wide     float64 // half widths of the stem at its top and bottom
}

func (k keyhole) contains(x, y float64) bool {
	dx, dy := x-0.5, y-k.cy
	if dx*dx+dy*dy <= k.r*k.r {
		return true
	}
	if y < k.stemTop || y > k.stemEnd {
		return false
	}
	t := (y - k.stemTop) / (k.stemEnd - k.stemTop)
	return math.Abs(dx) <= k.narrow+(k.wide-k.narrow)*t
}

var (
	outer = shield{half: 0.31, top: 0.15, dip: 0.035, waist: 0.50, bottom: 0.87}
	hole  = keyhole{cy: 0.42, r: 0.085, stemTop: 0.44, stemEnd: 0.67, narrow: 0.032, wide: 0.062}
)

// Color draws the 192×192 full-colour icon: a white shield with a keyhole on
// the accent colour.
func Color() *image.NRGBA {
	return render(ColorSize, func(x, y float64) color.NRGBA {
		switch {
		case !outer.contains(x, y) || hole.contains(x, y):
			return Accent
		case x > 0.5:
			return shade
		default:
			return color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
		}
	})
}

// Outline draws the 32×32 outline icon: the shield's outline and the keyhole
// in white on a transparent background, as Teams requires.
func Outline() *image.NRGBA {
	small := keyhole{cy: 0.41, r: 0.095, stemTop: 0.43, stemEnd: 0.63, narrow: 0.04, wide: 0.07}
	return render(OutlineSize, func(x, y float64) color.NRGBA {
		if (outer.contains(x, y) && outer.nearEdge(x, y, 0.075)) || small.contains(x, y) {
			return color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
		}
		return color.NRGBA{}
	})
}

// render rasterises paint, averaging samples×samples subpixels per pixel.
// Colours are averaged with alpha weighting, so a pixel whose samples are all
// white or transparent stays white with partial alpha.
func render(size int, paint func(x, y float64) color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	n := float64(samples * samples)
	for py := range size {
		for px := range size {
			var r, g, b, a float64
			for sy := range samples {
				for sx := range samples {
					x := (float64(px) + (float64(sx)+0.5)/samples) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/samples) / float64(size)
					c := paint(x, y)
					ca := float64(c.A)
					r += float64(c.R) * ca
					g += float64(c.G) * ca
					b += float64(c.B) * ca
					a += ca
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)),
				G: uint8(math.Round(g / a)),
				B: uint8(math.Round(b / a)),
				A: uint8(math.Round(a / n)),
			})
		}
	}
	return img
}
