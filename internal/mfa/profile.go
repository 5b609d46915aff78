package mfa

import (
	"fmt"
	"sort"
)

// Profile names which methods a reset removes.
type Profile string

// Reset profiles.
const (
	// ProfileReregister removes what the Entra portal's "Require re-register
	// MFA" removes: phones, Microsoft Authenticator, software OATH tokens,
	// and hardware OATH tokens (which the portal deactivates; Graph's beta
	// API unassigns them).
	ProfileReregister Profile = "reregister"
	// ProfileAll removes every deletable method except the password.
	ProfileAll Profile = "all"
)

// ParseProfile validates a profile name; "" means the default.
func ParseProfile(s string) (Profile, error) {
	switch Profile(s) {
	case "", ProfileReregister:
		return ProfileReregister, nil
	case ProfileAll:
		return ProfileAll, nil
	}
	return "", Errorf(EInvalid, "unknown reset profile %q: use %q (phones, Authenticator, software and hardware OATH) or %q (every method but the password)", s, ProfileReregister, ProfileAll)
}

// Includes reports whether the profile removes the method.
func (p Profile) Includes(m Method) bool {
	if !m.Deletable() {
		return false
	}
	switch p {
	case ProfileAll:
		return true
	default:
		return p.IncludesKind(m.Kind)
	}
}

// IncludesKind reports whether the profile removes methods of the kind.
func (p Profile) IncludesKind(k MethodKind) bool {
	switch k {
	case KindPassword, KindUnknown:
		return false
	case KindPhone, KindAuthenticator, KindSoftwareOATH, KindHardwareOATH:
		return true
	}
	return p == ProfileAll
}

// Select returns the methods of ms the profile removes, in deletion order:
// alternateMobile and office phones before mobile (Graph does not allow
// alternateMobile without mobile), everything else in listing order.
func (p Profile) Select(ms []Method) []Method {
	var out []Method
	for _, m := range ms {
		if p.Includes(m) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return phoneRank(out[i]) < phoneRank(out[j]) })
	return out
}

func phoneRank(m Method) int {
	if m.Kind == KindPhone && m.PhoneType == PhoneMobile {
		return 1
	}
	return 0
}

// String is the profile's name.
func (p Profile) String() string { return string(p) }

// Explain says in words what the profile removes.
func (p Profile) Explain() string {
	switch p {
	case ProfileAll:
		return "every method except the password"
	}
	return "phones, Microsoft Authenticator, software and hardware OATH tokens"
}

var _ fmt.Stringer = Profile("")
