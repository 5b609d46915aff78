// Package manifest builds the Teams app package of mfabot: the zip of
// manifest.json, color.png and outline.png that an administrator uploads to
// Teams. The template and icons are embedded from the top-level manifest
// directory; nothing here needs a network.
package manifest
