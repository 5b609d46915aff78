package config

import (
	"os"
	"path/filepath"
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
	for _, line := range c.Redacted() {
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
		for _, line := range c.Redacted() {
			if strings.Contains(line, "hunter2pass") {
				t.Fatalf("database password in the redacted dump: %s", line)
			}
			found = found || strings.HasPrefix(line, "MFABOT_DATABASE=postgres")
		}
		if !found {
			t.Fatalf("no database line in the dump of %s", c.Redacted())
		}
	}
}

// A database URL that does not parse is hidden whole, password included.
func TestUnparsableDatabaseURLIsHidden(t *testing.T) {
	c, err := Load(env(map[string]string{"MFABOT_DATABASE": "postgres://u:hunter2pass@[::1:bad/x"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range c.Redacted() {
		if strings.Contains(line, "hunter2pass") {
			t.Fatalf("database password in the redacted dump: %s", line)
		}
	}
}
