package mfa

import "time"

// MethodKind is the type of a registered authentication method.
type MethodKind string

// The method kinds Graph lists under /users/{id}/authentication/methods.
const (
	KindPhone              MethodKind = "phone"
	KindAuthenticator      MethodKind = "microsoftAuthenticator"
	KindSoftwareOATH       MethodKind = "softwareOath"
	KindHardwareOATH       MethodKind = "hardwareOath"
	KindFIDO2              MethodKind = "fido2"
	KindEmail              MethodKind = "email"
	KindWindowsHello       MethodKind = "windowsHelloForBusiness"
	KindTAP                MethodKind = "temporaryAccessPass"
	KindPlatformCredential MethodKind = "platformCredential"
	KindPassword           MethodKind = "password"
	KindUnknown            MethodKind = "unknown"
)

// Phone types of a phone method.
const (
	PhoneMobile          = "mobile"
	PhoneAlternateMobile = "alternateMobile"
	PhoneOffice          = "office"
)

// Method is one registered authentication method. Label never holds a full
// phone number: adapters mask numbers before they build a Method.
type Method struct {
	Kind      MethodKind `json:"kind"`
	ID        string     `json:"id"`
	PhoneType string     `json:"phoneType,omitempty"`
	Label     string     `json:"label"`
	Created   time.Time  `json:"created,omitzero"`
}

// Deletable reports whether mfabot can delete the method through Graph.
// The password is never deleted, and unknown kinds have no typed collection.
func (m Method) Deletable() bool {
	return m.Kind != KindPassword && m.Kind != KindUnknown
}

// Key identifies the method within a user's registration.
func (m Method) Key() string { return string(m.Kind) + "/" + m.ID }

// KindName is the human name of a kind.
func KindName(k MethodKind) string {
	switch k {
	case KindPhone:
		return "Phone"
	case KindAuthenticator:
		return "Microsoft Authenticator"
	case KindSoftwareOATH:
		return "Software OATH token"
	case KindHardwareOATH:
		return "Hardware OATH token"
	case KindFIDO2:
		return "FIDO2 security key"
	case KindEmail:
		return "Email"
	case KindWindowsHello:
		return "Windows Hello for Business"
	case KindTAP:
		return "Temporary Access Pass"
	case KindPlatformCredential:
		return "Platform credential"
	case KindPassword:
		return "Password"
	}
	return "Other method"
}

// phoneNames are people's words for Graph's phone types.
var phoneNames = map[string]string{
	PhoneMobile:          "Mobile phone",
	PhoneAlternateMobile: "Alternate mobile phone",
	PhoneOffice:          "Office phone",
}

// Describe is the one-line human description of a method, e.g.
// "Mobile phone +1 ••• ••• 5555", in people's words, not Graph's.
func (m Method) Describe() string {
	name := KindName(m.Kind)
	if m.Kind == KindPhone && phoneNames[m.PhoneType] != "" {
		name = phoneNames[m.PhoneType]
	} else if m.Kind == KindPhone && m.PhoneType != "" {
		name += " (" + m.PhoneType + ")"
	}
	if m.Label != "" && m.Label != KindName(m.Kind) {
		name += " " + m.Label
	}
	return name
}
