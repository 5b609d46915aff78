package mfa

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// upnPattern accepts what Entra allows in a UPN or mail: a local part, "@",
// a domain with a dot. Guest UPNs (#EXT#) pass here and are refused later
// by the user type, with a clearer message.
var upnPattern = regexp.MustCompile(`^[A-Za-z0-9._%+'#\-]{1,113}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z0-9\-]{2,63}$`)

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Input limits. Microsoft Entra allows a user principal name of at most
// 113 characters, 64 of them before the @ (and 48 after)
// (https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#username-policies);
// a mail address, which also names a target, has at most 254 (RFC 5321).
// Longer input names nobody and is refused before any lookup.
const (
	MaxTarget    = 256
	MaxLocalPart = 64
	// maxShown is how much of a refused input an audit record or an answer
	// repeats.
	maxShown = 80
)

// Bounded is s as audit records and answers repeat it: at most 80
// characters, the rest counted, so what anyone types cannot bloat the
// append-only audit.
func Bounded(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	r := []rune(s)
	return fmt.Sprintf("%s… (%d characters)", string(r[:maxShown]), len(r))
}

// ValidateTarget checks a target key before anything is asked of Graph.
func ValidateTarget(key string) (string, error) {
	key = strings.TrimSpace(key)
	key = strings.Trim(key, "<>")
	if strings.HasPrefix(strings.ToLower(key), "mailto:") {
		key = key[len("mailto:"):]
	}
	local, _, _ := strings.Cut(key, "@")
	switch {
	case key == "":
		return "", Errorf(EInvalid, "say whose MFA to reset: a user principal name like alice@contoso.com")
	case utf8.RuneCountInString(key) > MaxTarget:
		return "", Errorf(EInvalid, "%s is %d characters long; a user principal name or mail address has at most %d", Bounded(key), utf8.RuneCountInString(key), MaxTarget)
	case utf8.RuneCountInString(local) > MaxLocalPart:
		return "", Errorf(EInvalid, "%s has %d characters before the @; a user principal name has at most %d", Bounded(key), utf8.RuneCountInString(local), MaxLocalPart)
	case guidPattern.MatchString(key):
		return strings.ToLower(key), nil
	case !upnPattern.MatchString(key):
		return "", Errorf(EInvalid, "%q is not a user principal name or mail address (expected something like alice@contoso.com)", Bounded(key))
	}
	return key, nil
}

// IsObjectID reports whether s has the form of an Entra object id (a GUID:
// 8-4-4-4-12 hex digits).
func IsObjectID(s string) bool { return guidPattern.MatchString(s) }

// member checks group membership, failing closed: an error is a refusal.
func (s *Service) member(ctx context.Context, userID, groupID, what string) error {
	if groupID == "" {
		return Errorf(EForbidden, "no %s group is configured, so nobody may do this", what)
	}
	ok, err := s.dir.IsMemberOf(ctx, userID, groupID)
	if err != nil {
		return Wrap(EForbidden, err, "could not check membership of the %s group, so the action is refused (%s)", what, Message(err))
	}
	if !ok {
		return Errorf(EForbidden, "you are not in the %s group", what)
	}
	return nil
}
