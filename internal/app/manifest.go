package app

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/manifest"
)

func runManifest(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "mfabot.zip", "where to write the app package")
	version := fs.String("version", "1.0.0", "the app's version (semver)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return &usageError{usageFor("manifest")}
	}
	cfg, err := config.FromEnvFor(config.Package)
	if err != nil {
		return err
	}
	opts := manifest.Options{BotID: cfg.Bot.AppID, Version: *version, Name: cfg.BotName,
		WebsiteURL: cfg.Manifest.WebsiteURL, PrivacyURL: cfg.Manifest.PrivacyURL, TermsURL: cfg.Manifest.TermsURL,
		Commands: commandMenu()}
	for _, name := range cfg.PlaceholderURLs() {
		fmt.Fprintf(stderr, "mfabot: warning: %s is still the placeholder %s; Teams shows it in the app's details\n", name, cfg.Value(name))
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

// commandMenu is the bot's command list as Teams' command menu shows it.
func commandMenu() []manifest.Command {
	var out []manifest.Command
	for _, c := range bot.Commands() {
		out = append(out, manifest.Command{Title: string(c.Verb), Description: c.Menu})
	}
	return out
}
