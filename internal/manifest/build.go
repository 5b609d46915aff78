package manifest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"time"

	appfiles "github.com/mfabot/mfabot/manifest"
)

// ManifestFile is the name of the manifest inside the app package.
const ManifestFile = "manifest.json"

// placeholder matches a template value of the form "${NAME}", quotes
// included: each is replaced by a JSON value, so the result stays valid JSON
// whatever the option holds.
var placeholder = regexp.MustCompile(`"\$\{([A-Z_]+)\}"`)

// zipTime is the modification time written for every file of the package,
// so building twice from the same options gives the same bytes.
var zipTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Build writes the Teams app package (a zip of manifest.json, color.png and
// outline.png at its root) for opts to w.
func Build(w io.Writer, opts Options) error {
	doc, err := Manifest(opts)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{ManifestFile, func() ([]byte, error) { return doc, nil }},
		{appfiles.ColorIconFile, func() ([]byte, error) { return appfiles.FS.ReadFile(appfiles.ColorIconFile) }},
		{appfiles.OutlineIconFile, func() ([]byte, error) { return appfiles.FS.ReadFile(appfiles.OutlineIconFile) }},
	}
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("teams app package: read %s: %w", f.name, err)
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return fmt.Errorf("teams app package: add %s: %w", f.name, err)
		}
		if _, err := fw.Write(data); err != nil {
			return fmt.Errorf("teams app package: write %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("teams app package: finish zip: %w", err)
	}
	return nil
}

// Manifest returns the filled-in manifest.json for opts.
func Manifest(opts Options) ([]byte, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	tmpl, err := appfiles.FS.ReadFile(appfiles.TemplateFile)
	if err != nil {
		return nil, fmt.Errorf("teams app package: read template: %w", err)
	}
	values := map[string]any{
		"BOT_ID": o.BotID,
		// webApplicationInfo.resource: the bot's Application ID URI in the
		// form Teams uses for bots (api://botid-{app id}).
		"BOT_RESOURCE":  "api://botid-" + o.BotID,
		"APP_ID":        o.AppID,
		"VERSION":       o.Version,
		"NAME":          o.Name,
		"NAME_FULL":     o.Name + nameFullSuffix,
		"WEBSITE_URL":   o.WebsiteURL,
		"PRIVACY_URL":   o.PrivacyURL,
		"TERMS_URL":     o.TermsURL,
		"VALID_DOMAINS": o.ValidDomains,
		"COMMANDS":      o.Commands,
	}
	if n := bytes.Count(tmpl, []byte("${")); n != len(placeholder.FindAllIndex(tmpl, -1)) {
		return nil, fmt.Errorf("teams app package: template has a placeholder that is not a whole JSON string")
	}
	var fillErr error
	out := placeholder.ReplaceAllFunc(tmpl, func(m []byte) []byte {
		key := string(placeholder.FindSubmatch(m)[1])
		v, ok := values[key]
		if !ok {
			fillErr = fmt.Errorf("teams app package: template has unknown placeholder %s", m)
			return m
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			fillErr = fmt.Errorf("teams app package: encode %s: %w", key, err)
			return m
		}
		return bytes.TrimRight(b.Bytes(), "\n")
	})
	if fillErr != nil {
		return nil, fillErr
	}
	if !json.Valid(out) {
		return nil, fmt.Errorf("teams app package: filled template is not valid JSON")
	}
	return out, nil
}
