package graphfake

import (
	"net/http"
	"regexp"
	"slices"

	"github.com/mfabot/mfabot/internal/mfa"
)

// phoneNumberFormat is Graph's documented phone number format:
// "+{country code} {number}x{extension}", the extension optional;
// "+1 5555551234" and "+1 5555551234x123" are valid, and numbers that do not
// match are rejected
// (https://learn.microsoft.com/graph/api/authentication-post-phonemethods).
var phoneNumberFormat = regexp.MustCompile(`^\+[0-9]{1,3} [0-9]{4,15}(x[0-9]+)?$`)

// phoneIDs are the fixed ids Graph gives phone methods, one per type.
var phoneIDs = map[string]string{
	mfa.PhoneMobile:          MobilePhoneID,
	mfa.PhoneAlternateMobile: AlternatePhoneID,
	mfa.PhoneOffice:          OfficePhoneID,
}

// createPhone serves POST phoneMethods as Microsoft documents it: the body
// must have phoneNumber and phoneType and not the read-only smsSignInState;
// a user has at most one phone of each type, and must have a mobile phone
// before an alternateMobile one; 201 with the method
// (https://learn.microsoft.com/graph/api/authentication-post-phonemethods).
// The status of the refusals is not documented: 400 here.
func (s *Server) createPhone(w http.ResponseWriter, r *http.Request, key string) {
	var body struct {
		PhoneNumber    *string `json:"phoneNumber"`
		PhoneType      *string `json:"phoneType"`
		SMSSignInState *string `json:"smsSignInState"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.PhoneNumber == nil || body.PhoneType == nil:
		badRequest(w, r, "phoneNumber and phoneType are required.")
		return
	case body.SMSSignInState != nil:
		badRequest(w, r, "smsSignInState is read-only.")
		return
	case !phoneNumberFormat.MatchString(*body.PhoneNumber):
		badRequest(w, r, "Invalid phone number format: use +{country code} {number}x{extension}.")
		return
	case phoneIDs[*body.PhoneType] == "":
		badRequest(w, r, "Invalid phoneType: use mobile, alternateMobile or office.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var refusal string
	if u != nil {
		has := func(t string) bool {
			return slices.ContainsFunc(u.Methods, func(m Method) bool { return m.Kind == mfa.KindPhone && m.PhoneType == t })
		}
		switch {
		case has(*body.PhoneType):
			refusal = "The user already has a phone method of type " + *body.PhoneType + "."
		case *body.PhoneType == mfa.PhoneAlternateMobile && !has(mfa.PhoneMobile):
			refusal = "The user must have a mobile phone before an alternateMobile phone is added."
		}
	}
	var m Method
	if u != nil && refusal == "" {
		m = Method{Kind: mfa.KindPhone, ID: phoneIDs[*body.PhoneType], PhoneType: *body.PhoneType, PhoneNumber: *body.PhoneNumber, Created: s.opts.Now().UTC()}
		u.Methods = append(u.Methods, m)
		s.methodAdded(u.ID, m.ID)
	}
	now := s.opts.Now()
	s.mu.Unlock()
	switch {
	case u == nil:
		notFoundUser(w, r, key)
	case refusal != "":
		badRequest(w, r, refusal)
	default:
		j := methodJSON(m, now)
		j["@odata.context"] = "https://graph.microsoft.com/" + version(r) + "/$metadata#users('" + key + "')/authentication/phoneMethods/$entity"
		w.Header().Set("Location", "https://graph.microsoft.com/"+version(r)+"/users/"+u.ID+"/authentication/phoneMethods/"+m.ID)
		writeJSON(w, http.StatusCreated, j)
	}
}
