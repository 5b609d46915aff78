package app

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/manifest"
)

func runManifest(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "mfabot.zip", "where to write the app package")
	version := fs.String("version", "1.0.0", "the app's version (semver)")
	website := fs.String("website", "", "the app's website, privacy and terms base URL")
	if err := fs.Parse(args); err != nil {
		return &usageError{"usage: mfabot manifest [-o FILE] [-version X.Y.Z] [-website URL]"}
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	if cfg.Bot.AppID == "" {
		return &usageError{"MicrosoftAppId must be set: the package names the Azure Bot's app id"}
	}
	opts := manifest.Options{BotID: cfg.Bot.AppID, Version: *version, Name: cfg.BotName}
	if *website != "" {
		opts.WebsiteURL, opts.PrivacyURL, opts.TermsURL = *website, *website+"/privacy", *website+"/terms"
	}
	if dir := filepath.Dir(*out); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := manifest.Build(f, opts); err != nil {
		f.Close()
		os.Remove(*out)
		return &usageError{err.Error()}
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: upload it in Teams (Apps → Manage your apps → Upload an app) or through the Teams admin center\n", *out)
	return nil
}
