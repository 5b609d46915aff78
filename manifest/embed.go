// Package manifest holds the Teams app manifest template and the two app
// icons, embedded so the binary can build the app package anywhere.
// internal/manifest fills the template and zips the package.
//
// The icons are drawn by internal/icon; regenerate them after changing it.
package manifest

import "embed"

//go:generate go run ./internal/gen .

// File names inside FS. The icon names are also the names the template
// refers to and the names inside the app package.
const (
	TemplateFile    = "manifest.json.tmpl"
	ColorIconFile   = "color.png"
	OutlineIconFile = "outline.png"
)

// FS holds the manifest template and the icons.
//
//go:embed manifest.json.tmpl color.png outline.png
var FS embed.FS
