package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

func env(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const (
	g1 = "11111111-1111-1111-1111-111111111111"
	g2 = "22222222-2222-2222-2222-222222222222"
	g3 = "33333333-3333-3333-3333-333333333333"
)

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 3978 || c.Bot.AppType != "SingleTenant" || c.Graph.URL != "https://graph.microsoft.com" ||
		c.Policy.Profile != mfa.ProfileReregister || c.Policy.RequestTTL != 30*time.Minute || c.Policy.PerRequesterLimit != 5 ||
		c.Policy.PerTargetLimit != 1 || c.Policy.BreakerLimit != 20 || c.Policy.Confirm != mfa.ConfirmReachable || !c.Policy.TAPEnabled || c.Policy.TAPDefault {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestEveryProblemIsNamed(t *testing.T) {
	_, err := Load(env(map[string]string{
		"PORT": "99999", "MFABOT_REQUEST_TTL": "forever", "MFABOT_HELPDESK_GROUP_ID": "helpdesk",
		"MicrosoftAppType": "Sometimes", "MFABOT_RESET_PROFILE": "everything", "MFABOT_GRAPH_URL": "graph",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"PORT", "MFABOT_REQUEST_TTL", "MFABOT_HELPDESK_GROUP_ID", "MicrosoftAppType", "MFABOT_RESET_PROFILE", "MFABOT_GRAPH_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(f, []byte("s3cr3t-value\n"), 0o600)
	c, err := Load(env(map[string]string{"MicrosoftAppPassword_FILE": f}))
	if err != nil || c.Bot.AppPassword != "s3cr3t-value" {
		t.Fatalf("%v %q", err, c.Bot.AppPassword)
	}
	for _, line := range c.Listing(Serve) {
		if strings.Contains(line, "s3cr3t") {
			t.Fatalf("secret in redacted dump: %s", line)
		}
	}
	if _, err := Load(env(map[string]string{"MicrosoftAppPassword_FILE": f, "MicrosoftAppPassword": "x"})); err == nil {
		t.Fatal("both set accepted")
	}
}

func TestValidateServe(t *testing.T) {
	c, _ := Load(env(nil))
	err := c.ValidateServe()
	for _, name := range []string{"MicrosoftAppId", "MicrosoftAppTenantId", "MicrosoftAppPassword", "MFABOT_HELPDESK_GROUP_ID", "MFABOT_APPROVER_GROUP_ID"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("ValidateServe does not name %s: %v", name, err)
		}
	}
	c, err = Load(env(map[string]string{"MicrosoftAppId": g1, "MicrosoftAppTenantId": g2, "MicrosoftAppPassword": "p",
		"MFABOT_HELPDESK_GROUP_ID": g1, "MFABOT_APPROVER_GROUP_ID": g3}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ValidateServe(); err != nil {
		t.Fatal(err)
	}
	c.Policy.ApproverGroupID = c.Policy.HelpdeskGroupID
	if err := c.ValidateServe(); err == nil || !strings.Contains(err.Error(), "four eyes") {
		t.Fatalf("same groups accepted: %v", err)
	}
}

func TestDatabaseURLIsRedacted(t *testing.T) {
	for _, db := range []string{
		"postgres://mfabot:hunter2pass@db.internal:5432/mfabot",
		"postgres://mfabot@db.internal:5432/mfabot?sslmode=require&password=hunter2pass",
		"postgresql://mfabot@db.internal/mfabot?sslpassword=hunter2pass",
	} {
		c, err := Load(env(map[string]string{"MFABOT_DATABASE": db}))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, line := range c.Listing(Serve) {
			if strings.Contains(line, "hunter2pass") {
				t.Fatalf("database password in the redacted dump: %s", line)
			}
			found = found || strings.HasPrefix(line, "MFABOT_DATABASE=postgres")
		}
		if !found {
			t.Fatalf("no database line in the dump of %s", c.Listing(Serve))
		}
	}
}

// A database URL that does not parse is hidden whole, password included.
func TestUnparsableDatabaseURLIsHidden(t *testing.T) {
	c, err := Load(env(map[string]string{"MFABOT_DATABASE": "postgres://u:hunter2pass@[::1:bad/x"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range c.Listing(Serve) {
		if strings.Contains(line, "hunter2pass") {
			t.Fatalf("database password in the redacted dump: %s", line)
		}
	}
}

// A value that is set but malformed is called invalid, not missing; a value
// that is not set is called required.
func TestMissingAndInvalidAreToldApart(t *testing.T) {
	_, err := LoadFor(env(map[string]string{"MicrosoftAppId": "mfabot-prod"}), Serve)
	if err == nil || !strings.Contains(err.Error(), `MicrosoftAppId="mfabot-prod" is not a GUID`) {
		t.Fatalf("invalid app id not named as invalid: %v", err)
	}
	if strings.Contains(err.Error(), "MicrosoftAppId is required") {
		t.Fatalf("a set app id called missing: %v", err)
	}
	if !strings.Contains(err.Error(), "MicrosoftAppTenantId is required") {
		t.Fatalf("missing tenant not named as required: %v", err)
	}
}

// Every problem shows in one run: values that do not parse, values that
// are missing and values that conflict.
func TestOnePassNamesEveryProblem(t *testing.T) {
	_, err := LoadFor(env(map[string]string{
		"PORT": "99999", "MFABOT_TAP": "true", "MicrosoftAppId": g1, "MicrosoftAppPassword": "p",
		"MFABOT_HELPDESK_GROUP_ID": g1, "MFABOT_APPROVER_GROUP_ID": strings.ToUpper(g1),
	}), Serve)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a configuration error: %v", err)
	}
	for _, want := range []string{`PORT="99999" is not a whole number`, `MFABOT_TAP="true" is not one of off, optional, always`,
		"MicrosoftAppTenantId is required", "four eyes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, ce.Problems)
		}
	}
}

// A secret's value never appears in a problem.
func TestInvalidSecretIsNotRepeated(t *testing.T) {
	_, err := Load(env(map[string]string{"MFABOT_ALERT_WEBHOOK_URL": "hunter2-not-a-url"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "MFABOT_ALERT_WEBHOOK_URL is not") {
		t.Fatalf("%v", err)
	}
}

// The listing names every declared setting once, in its documented form,
// and marks what serve needs but lacks.
func TestListingShowsEverySettingInItsForm(t *testing.T) {
	c, _ := LoadFor(env(map[string]string{"MFABOT_TAP": "Always", "MicrosoftAppPassword": "s3cr3t"}), Serve)
	lines := strings.Join(c.Listing(Serve), "\n")
	for _, s := range Settings() {
		if n := strings.Count(lines, "\n"+s.Name+"="); n != 1 && !strings.HasPrefix(lines, s.Name+"=") {
			t.Errorf("%s listed %d times", s.Name, n)
		}
	}
	for _, want := range []string{"MFABOT_TAP=always ", "MFABOT_TAP_ONE_TIME=true ", "MFABOT_REQUEST_TTL=30m ",
		"MicrosoftAppPassword=(set)", "MFABOT_BIND_ADDRESS=", "unset: all interfaces",
		"MFABOT_OPERATOR=", "unset; required by mfabot reset"} {
		if !strings.Contains(lines, want) {
			t.Errorf("listing lacks %q:\n%s", want, lines)
		}
	}
	for _, name := range []string{"MicrosoftAppId", "MicrosoftAppTenantId", "MFABOT_HELPDESK_GROUP_ID", "MFABOT_APPROVER_GROUP_ID"} {
		if !regexp.MustCompile(`(?m)^` + name + `=\s+MISSING: required by mfabot serve`).MatchString(lines) {
			t.Errorf("%s not marked missing:\n%s", name, lines)
		}
	}
	if strings.Contains(lines, "s3cr3t") {
		t.Fatal("secret in the listing")
	}
}

// The domain's defaults are the table's defaults.
func TestDefaultPolicyIsTheTable(t *testing.T) {
	p := DefaultPolicy()
	for name, got := range map[string]string{
		"MFABOT_REQUEST_TTL": p.RequestTTL.String(), "MFABOT_TAP_LIFETIME": p.TAPLifetime.String(),
		"MFABOT_LIMIT_PER_REQUESTER": strconv.Itoa(p.PerRequesterLimit), "MFABOT_LIMIT_PER_TARGET": strconv.Itoa(p.PerTargetLimit),
		"MFABOT_BREAKER_LIMIT": strconv.Itoa(p.BreakerLimit), "MFABOT_RESET_PROFILE": string(p.Profile),
		"MFABOT_USER_CONFIRMATION": string(p.Confirm), "MFABOT_MANAGER_APPROVAL": string(p.Manager),
	} {
		s, _ := lookupSetting(name)
		want := s.Default
		if d, err := time.ParseDuration(want); err == nil {
			want = d.String()
		}
		if got != want {
			t.Errorf("%s: policy %s, table %s", name, got, want)
		}
	}
}
