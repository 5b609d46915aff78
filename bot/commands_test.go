package bot

import (
	"errors"
	"reflect"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
)

func TestParse(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	tests := []struct {
		in   string
		want Command
	}{
		{"reset mfa alice@contoso.com lost phone, ticket 4711", Command{Verb: CmdReset, Target: "alice@contoso.com", Reason: "lost phone, ticket 4711"}},
		{"RESET MFA Alice@Contoso.com Lost Phone", Command{Verb: CmdReset, Target: "Alice@Contoso.com", Reason: "Lost Phone"}},
		{"  reset   mfa\talice@contoso.com   new   phone ", Command{Verb: CmdReset, Target: "alice@contoso.com", Reason: "new phone"}},
		{"<at>MFA Bot</at> reset mfa alice@contoso.com", Command{Verb: CmdReset, Target: "alice@contoso.com"}},
		{"<at>MFA Bot</at>&nbsp;reset mfa alice@contoso.com x", Command{Verb: CmdReset, Target: "alice@contoso.com", Reason: "x"}},
		{"reset mfa alice@contoso.com --tap new phone", Command{Verb: CmdReset, Target: "alice@contoso.com", Reason: "new phone", TAP: &yes}},
		{"reset mfa --no-tap alice@contoso.com", Command{Verb: CmdReset, Target: "alice@contoso.com", TAP: &no}},
		{"reset mfa alice@contoso.com --profile all stolen laptop", Command{Verb: CmdReset, Target: "alice@contoso.com", Reason: "stolen laptop", Profile: mfa.ProfileAll}},
		{"reset mfa alice@contoso.com --PROFILE=ALL", Command{Verb: CmdReset, Target: "alice@contoso.com", Profile: mfa.ProfileAll}},
		{`reset mfa <a href="mailto:alice@contoso.com">alice@contoso.com</a> phone`, Command{Verb: CmdReset, Target: "alice@contoso.com", Reason: "phone"}},
		{"reset mfa mailto:alice@contoso.com", Command{Verb: CmdReset, Target: "alice@contoso.com"}},
		{"show mfa bob@contoso.com", Command{Verb: CmdShow, Target: "bob@contoso.com"}},
		{"Show MFA bob@contoso.com", Command{Verb: CmdShow, Target: "bob@contoso.com"}},
		{"status", Command{Verb: CmdStatus}},
		{"status r-7k3qw9", Command{Verb: CmdStatus, RequestID: "R-7K3QW9"}},
		{"history bob@contoso.com", Command{Verb: CmdHistory, Target: "bob@contoso.com"}},
		{"cancel R-7K3QW9", Command{Verb: CmdCancel, RequestID: "R-7K3QW9"}},
		{"help", Command{Verb: CmdHelp}},
		{"", Command{Verb: CmdHelp}},
		{"<at>MFA Bot</at>", Command{Verb: CmdHelp}},
		{"Approvals Here", Command{Verb: CmdApprovalsHere}},
		{"resume resets checked with security", Command{Verb: CmdResume, Reason: "checked with security"}},
		{"status b-7k3qw9", Command{Verb: CmdStatus, RequestID: "B-7K3QW9"}},
		// Incident mode: a quoted name with spaces, typographic quotes
		// (Teams clients type them on some keyboards), an object id, the
		// quotes as HTML entities, and a mention first.
		{`reset mfa group "Phished users" AiTM campaign INC-4711`, Command{Verb: CmdResetGroup, Group: "Phished users", Reason: "AiTM campaign INC-4711"}},
		{"Reset MFA Group “Phished  users (incident demo)” phish", Command{Verb: CmdResetGroup, Group: "Phished users (incident demo)", Reason: "phish"}},
		{"reset mfa group „Phished users“ phish", Command{Verb: CmdResetGroup, Group: "Phished users", Reason: "phish"}},
		{"reset mfa group 0b7c2d1e-5a4f-4e8b-9c3d-2f1e0a9b8c7d clicked the link", Command{Verb: CmdResetGroup, Group: "0b7c2d1e-5a4f-4e8b-9c3d-2f1e0a9b8c7d", Reason: "clicked the link"}},
		{`<at>MFA Bot</at> reset mfa group &quot;Phished users&quot;phish "kit"`, Command{Verb: CmdResetGroup, Group: "Phished users", Reason: `phish "kit"`}},
		// A user whose name begins with "group" is still a single reset.
		{"reset mfa group@contoso.com lost phone", Command{Verb: CmdReset, Target: "group@contoso.com", Reason: "lost phone"}},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		verb Verb
	}{
		{"reset mfa", CmdReset},
		{"reset mfa --tap", CmdReset},
		{"reset mfa alice@contoso.com --profile", CmdReset},
		{"reset mfa alice@contoso.com --profile everything", CmdReset},
		{"reset mfa alice@contoso.com --force", CmdReset},
		{"show mfa", CmdShow},
		{"show mfa a@b.com c@d.com", CmdShow},
		{"history", CmdHistory},
		{"cancel", CmdCancel},
		{"status R-1 R-2", CmdStatus},
		{"resume resets", CmdResume},
		{"reset mfa group", CmdResetGroup},
		{"reset mfa group Phished", CmdResetGroup},
		{`reset mfa group "Phished users" `, CmdResetGroup},
		{`reset mfa group "Phished users phish`, CmdResetGroup},
		{`reset mfa group "" phish`, CmdResetGroup},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("Parse(%q) = %v, want a usage error", tc.in, err)
			continue
		}
		if ue.Verb != tc.verb {
			t.Errorf("Parse(%q) usage of %q, want %q", tc.in, ue.Verb, tc.verb)
		}
	}
}

func TestParseUnknownSuggestsClosest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Verb
	}{
		{"rest mfa alice@contoso.com", CmdReset},
		{"reset mf alice@contoso.com", CmdReset},
		{"shw mfa bob@contoso.com", CmdShow},
		{"stauts", CmdStatus},
		{"histroy bob@contoso.com", CmdHistory},
		{"cancle R-1", CmdCancel},
		{"hlep", CmdHelp},
		{"aprovals here", CmdApprovalsHere},
		{"rest mfa group x y", CmdReset},
		{"what is the weather like today", ""},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		var ue *UnknownError
		if !errors.As(err, &ue) {
			t.Errorf("Parse(%q) = %v, want unknown", tc.in, err)
			continue
		}
		if ue.Suggestion != tc.want {
			t.Errorf("Parse(%q) suggests %q, want %q", tc.in, ue.Suggestion, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"help", "hlep", 2}, {"reset", "reset", 0}} {
		if got := distance(tc.a, tc.b); got != tc.d {
			t.Errorf("distance(%q,%q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}

// A group name written back by String parses to the same command, quoted
// or not.
func TestResetGroupRoundTrip(t *testing.T) {
	t.Parallel()
	// A name with a space and a quote, or starting with a quote, cannot be
	// typed (Parse never returns one): such a group is named by its id.
	for _, g := range []string{"Phished users", "0b7c2d1e", `it's"ours"`, "a\u201cb", "Sales (EMEA) & Co"} {
		c := Command{Verb: CmdResetGroup, Group: g, Reason: "phish"}
		got, err := Parse(c.String())
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.String(), got, err, c)
		}
	}
}
