// Package graphrules holds the rules of Microsoft Graph's authentication
// methods API that a reset depends on, as one table shared by the fake Graph
// (internal/graphfake, which answers them over HTTP) and the domain's
// in-memory directory (internal/mfa/mfatest), so the two fakes cannot
// disagree. It has no HTTP: the fake maps a Refusal's reason to a status.
// internal/graph recognises the same refusals in Graph's answers.
package graphrules

import (
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
)

// DefaultMethodMessage is Graph's answer (400 badRequest) to deleting the
// user's default method while other methods remain, as reported in
// https://github.com/microsoftgraph/microsoft-graph-docs/issues/14470 (see
// also the phone delete doc: "If the phone number is the user's default
// ... MFA method, it can't be deleted",
// https://learn.microsoft.com/graph/api/phoneauthenticationmethod-delete).
const DefaultMethodMessage = "Cannot delete default method with other methods configured. Please change default method before deletion."

// MobileWithAlternateMessage is the fake's wording for deleting the mobile
// phone while an alternate mobile exists. Graph documents the rule
// ("a user can't have an alternateMobile number without a mobile number",
// https://learn.microsoft.com/graph/api/phoneauthenticationmethod-delete)
// but not the message.
const MobileWithAlternateMessage = "Cannot delete the mobile phone method while an alternate mobile phone method exists. Update the mobile number or delete the alternate mobile number first."

// IsDefaultMethodRefusal recognises Graph's refusal to delete the default
// method by its code and message. Two wordings are reported, both HTTP 400
// "badRequest": DefaultMethodMessage, and, for a phone, "The requested
// authentication method id of [...] matches the user's current default
// authentication method, and cannot be deleted until the default
// authentication method is changed"
// (https://github.com/microsoftgraph/microsoft-graph-docs/issues/18091).
func IsDefaultMethodRefusal(code, message string) bool {
	if !strings.EqualFold(code, "badRequest") {
		return false
	}
	m := strings.ToLower(message)
	return strings.Contains(m, "cannot delete default method") ||
		strings.Contains(m, "matches the user's current default authentication method")
}

// BlocksDefault reports whether a remaining method keeps the default method
// from being deleted. Graph documents "other methods" without a list; the
// fakes take the methods that can be a default second factor (phones,
// Authenticator, software and hardware OATH), which matches the portal's
// "Require re-register MFA" removing exactly those while FIDO2, Windows
// Hello and email may stay. anyBlocks takes the other reading (every
// method but the password); the service handles both (partial).
func BlocksDefault(k mfa.MethodKind, anyBlocks bool) bool {
	if k == mfa.KindPassword {
		return false
	}
	if anyBlocks {
		return true
	}
	switch k {
	case mfa.KindPhone, mfa.KindAuthenticator, mfa.KindSoftwareOATH, mfa.KindHardwareOATH:
		return true
	}
	return false
}

// InV1 reports whether Graph v1.0 knows the kind. GET
// /users/{id}/authentication/methods "returns only the methods supported on
// this API version"
// (https://learn.microsoft.com/graph/api/authentication-list-methods):
// hardware OATH tokens are beta only
// (https://learn.microsoft.com/graph/api/authentication-list-hardwareoathmethods?view=graph-rest-beta).
func InV1(k mfa.MethodKind) bool { return k != mfa.KindHardwareOATH }

// InVersion reports whether Graph serves the kind in the version ("v1.0"
// or "beta").
func InVersion(k mfa.MethodKind, version string) bool { return version == "beta" || InV1(k) }

// Refusal is why Graph refuses a delete; nil means Graph deletes.
type Refusal struct {
	Reason  mfa.DirectoryReason
	Code    string
	Message string
}

// DeleteRefusal applies Graph's rules for deleting target from ms (the
// user's methods, target among them when it exists). isDefault says target
// is the user's default method.
func DeleteRefusal(ms []mfa.Method, target mfa.Method, isDefault, anyBlocks bool) *Refusal {
	found, blocked, hasAlt := false, false, false
	for _, x := range ms {
		if x.Kind == target.Kind && x.ID == target.ID {
			found = true
			continue
		}
		blocked = blocked || BlocksDefault(x.Kind, anyBlocks)
		hasAlt = hasAlt || x.Kind == mfa.KindPhone && x.PhoneType == mfa.PhoneAlternateMobile
	}
	switch {
	case !found:
		return &Refusal{Reason: mfa.ReasonNotFound, Code: "itemNotFound", Message: "The requested authentication method was not found."}
	case target.Kind == mfa.KindPassword:
		return &Refusal{Reason: mfa.ReasonRejected, Code: "MethodNotAllowed", Message: "The requested resource does not support http method 'DELETE'."}
	case isDefault && blocked:
		return &Refusal{Reason: mfa.ReasonDefaultMethod, Code: "badRequest", Message: DefaultMethodMessage}
	case target.Kind == mfa.KindPhone && target.PhoneType == mfa.PhoneMobile && hasAlt:
		return &Refusal{Reason: mfa.ReasonRejected, Code: "badRequest", Message: MobileWithAlternateMessage}
	}
	return nil
}
