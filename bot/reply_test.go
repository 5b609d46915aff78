package bot

import (
	"errors"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
)

func TestHumanErrorReadsAsSentences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want string
	}{
		{mfa.Errorf(mfa.ENotFound, "request R-NOPE00 not found"), "Status: request R-NOPE00 not found."},
		{mfa.Wrap(mfa.EUnavailable, errors.New("disk full"), "the audit log could not be written, so nothing was done"),
			"Status failed: the audit log could not be written, so nothing was done. Try again in a minute."},
		{mfa.Errorf(mfa.EForbidden, "only Hanna can cancel it."), "Status refused: only Hanna can cancel it."},
	}
	for _, c := range cases {
		if got := humanError("Status", c.err); got != c.want {
			t.Errorf("humanError(%v)\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

func TestSentenceCapitalisesWordsButNotAddresses(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"there is no user nobody@contoso.com in the directory": "There is no user nobody@contoso.com in the directory.",
		"bob@contoso.com already has an open request":          "bob@contoso.com already has an open request.",
		"say which request to cancel":                          "Say which request to cancel.",
		"--profile needs a value: all":                         "--profile needs a value: all.",
		"Temporary Access Passes are turned off?":              "Temporary Access Passes are turned off?",
		"": "",
	}
	for in, want := range cases {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
