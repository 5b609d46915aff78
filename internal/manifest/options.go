package manifest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Defaults used for the Options left empty.
const (
	DefaultName       = "mfabot"
	DefaultVersion    = "1.0.0"
	DefaultWebsiteURL = "https://mfabot.example.org/"
	DefaultPrivacyURL = "https://mfabot.example.org/#privacy"
	DefaultTermsURL   = "https://mfabot.example.org/#terms"
)

// Limits of the manifest schema that Options must respect.
const (
	maxNameLen     = 30
	maxDomains     = 16
	maxURLLen      = 2048
	maxVersionLen  = 256
	maxDomainLen   = 2048
	maxCommands    = 10
	maxTitleLen    = 32
	maxDescLen     = 128
	nameFullSuffix = ": MFA resets with four-eyes approval"
)

// Options are the values that vary between deployments of the app package.
// Only BotID is required.
type Options struct {
	// BotID is the Microsoft Entra app id of the Azure Bot (a GUID).
	BotID string
	// AppID is the Teams app id (a GUID). Empty means one derived from
	// BotID by AppIDFor, so rebuilding the package keeps the same app.
	AppID string
	// Version is the app version, MAJOR.MINOR.PATCH in digits; a leading
	// "v" is dropped. Empty means DefaultVersion. Teams only accepts an
	// updated package whose version is higher than the installed one.
	Version string
	// Name is the short app name Teams shows (at most 30 characters).
	// Empty means DefaultName.
	Name string
	// WebsiteURL, PrivacyURL and TermsURL are the developer's https pages.
	// Empty means the Default*URL constants.
	WebsiteURL, PrivacyURL, TermsURL string
	// Commands are the bot's chat commands, shown in Teams' command menu
	// in every scope (at most 10; title at most 32 characters, description
	// at most 128).
	Commands []Command
	// ValidDomains are extra domains (no scheme or path; wildcards such as
	// *.example.org are allowed) that the app may open. It may be empty.
	ValidDomains []string
}

// Command is one entry of the bot's command menu: the title is what Teams
// inserts into the compose box, the description shows its syntax.
type Command struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

var (
	guidPattern    = regexp.MustCompile(`^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`)
	versionPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	domainPattern  = regexp.MustCompile(`^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(:[0-9]+)?$`)
)

// IsGUID reports whether s has the GUID form the manifest schema requires.
func IsGUID(s string) bool { return guidPattern.MatchString(s) }

// resolved returns o with its defaults applied, or an error naming every
// option that is wrong.
func (o Options) resolved() (Options, error) {
	o.BotID = strings.TrimSpace(o.BotID)
	o.AppID = strings.TrimSpace(o.AppID)
	o.Version = strings.TrimPrefix(strings.TrimSpace(o.Version), "v")
	o.Name = strings.TrimSpace(o.Name)
	o.WebsiteURL = orDefault(o.WebsiteURL, DefaultWebsiteURL)
	o.PrivacyURL = orDefault(o.PrivacyURL, DefaultPrivacyURL)
	o.TermsURL = orDefault(o.TermsURL, DefaultTermsURL)
	o.Version = orDefault(o.Version, DefaultVersion)
	o.Name = orDefault(o.Name, DefaultName)

	var errs []error
	switch {
	case o.BotID == "":
		errs = append(errs, errors.New("bot id is empty: set it to the Azure Bot's Microsoft Entra app id"))
	case !IsGUID(o.BotID):
		errs = append(errs, fmt.Errorf("bot id %q is not a GUID: set it to the Azure Bot's Microsoft Entra app id", o.BotID))
	}
	if o.AppID == "" && IsGUID(o.BotID) {
		o.AppID = AppIDFor(o.BotID)
	} else if o.AppID != "" && !IsGUID(o.AppID) {
		errs = append(errs, fmt.Errorf("app id %q is not a GUID", o.AppID))
	}
	if !versionPattern.MatchString(o.Version) || len(o.Version) > maxVersionLen {
		errs = append(errs, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH in digits", o.Version))
	}
	if n := len([]rune(o.Name)); n > maxNameLen {
		errs = append(errs, fmt.Errorf("name %q has %d characters: Teams allows %d", o.Name, n, maxNameLen))
	}
	for _, u := range []struct{ what, value string }{
		{"website URL", o.WebsiteURL}, {"privacy URL", o.PrivacyURL}, {"terms URL", o.TermsURL},
	} {
		if err := checkHTTPS(u.value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u.what, err))
		}
	}
	if len(o.Commands) > maxCommands {
		errs = append(errs, fmt.Errorf("%d commands: Teams shows %d", len(o.Commands), maxCommands))
	}
	for _, c := range o.Commands {
		if c.Title == "" || len([]rune(c.Title)) > maxTitleLen {
			errs = append(errs, fmt.Errorf("command title %q: Teams wants 1 to %d characters", c.Title, maxTitleLen))
		}
		if c.Description == "" || len([]rune(c.Description)) > maxDescLen {
			errs = append(errs, fmt.Errorf("command %q: the description needs 1 to %d characters, has %d", c.Title, maxDescLen, len([]rune(c.Description))))
		}
	}
	if o.Commands == nil {
		o.Commands = []Command{}
	}
	if len(o.ValidDomains) > maxDomains {
		errs = append(errs, fmt.Errorf("%d valid domains: Teams allows %d", len(o.ValidDomains), maxDomains))
	}
	domains := make([]string, 0, len(o.ValidDomains))
	for _, d := range o.ValidDomains {
		d = strings.TrimSpace(d)
		if len(d) > maxDomainLen || !domainPattern.MatchString(d) {
			errs = append(errs, fmt.Errorf("valid domain %q is not a domain name (no scheme or path)", d))
			continue
		}
		domains = append(domains, d)
	}
	o.ValidDomains = domains
	if len(errs) > 0 {
		return Options{}, fmt.Errorf("teams app package: %w", errors.Join(errs...))
	}
	return o, nil
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s == "" {
		return def
	}
	return s
}

func checkHTTPS(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https URL", raw)
	}
	if len(raw) > maxURLLen {
		return fmt.Errorf("%q is longer than %d characters", raw, maxURLLen)
	}
	return nil
}
