package graphfake

import (
	"crypto/rand"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/graphrules"
	"github.com/mfabot/mfabot/internal/mfa"
)

// kindOfCollection maps a collection segment to a method kind.
func kindOfCollection(coll string) (mfa.MethodKind, bool) {
	k, ok := strings.CutSuffix(coll, "Methods")
	if !ok {
		return "", false
	}
	switch kind := mfa.MethodKind(k); kind {
	case mfa.KindPhone, mfa.KindAuthenticator, mfa.KindSoftwareOATH, mfa.KindHardwareOATH, mfa.KindFIDO2,
		mfa.KindEmail, mfa.KindWindowsHello, mfa.KindTAP, mfa.KindPlatformCredential, mfa.KindPassword:
		return kind, true
	}
	return "", false
}

func odataType(k mfa.MethodKind) string {
	return "#microsoft.graph." + string(k) + "AuthenticationMethod"
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// methodJSON renders a method as Graph lists it. Secrets (TAP value,
// password, OATH secret) are null on reads, as in Graph.
func methodJSON(m Method, now time.Time) map[string]any {
	j := map[string]any{"@odata.type": odataType(m.Kind), "id": m.ID}
	switch m.Kind {
	case mfa.KindPhone:
		j["phoneNumber"], j["phoneType"] = m.PhoneNumber, m.PhoneType
		j["smsSignInState"] = "notSupported"
	case mfa.KindAuthenticator:
		j["displayName"], j["deviceTag"], j["phoneAppVersion"], j["createdDateTime"] = m.DisplayName, "SoftwareTokenActivated", "6.8.7", stamp(m.Created)
	case mfa.KindSoftwareOATH:
		j["secretKey"] = nil
	case mfa.KindHardwareOATH:
		// The beta shape: the token is the method's device
		// (https://learn.microsoft.com/graph/api/authentication-list-hardwareoathmethods?view=graph-rest-beta).
		j["device"] = map[string]any{
			"id": m.ID, "displayName": m.DisplayName, "serialNumber": "TOTP" + m.ID[:min(6, len(m.ID))],
			"manufacturer": "Contoso", "model": "Hardware Token 1000", "secretKey": nil,
			"timeIntervalInSeconds": 30, "status": "activated", "hashFunction": "hmacsha1",
		}
	case mfa.KindFIDO2:
		j["displayName"], j["createdDateTime"], j["model"], j["attestationLevel"] = m.DisplayName, stamp(m.Created), "NFC key", "attested"
		j["aaGuid"] = "2fc0579f-8113-47ea-b116-555a8db9202a"
	case mfa.KindEmail:
		j["emailAddress"] = m.Email
	case mfa.KindWindowsHello, mfa.KindPlatformCredential:
		j["displayName"], j["createdDateTime"], j["keyStrength"] = m.DisplayName, stamp(m.Created), "normal"
		if m.Kind == mfa.KindPlatformCredential {
			j["platform"] = "macOS"
		}
	case mfa.KindTAP:
		start := m.Start
		if start.IsZero() {
			start = m.Created
		}
		usable, reason := true, "EnabledByPolicy"
		switch {
		case now.Before(start):
			usable, reason = false, "NotYetValid"
		case now.After(start.Add(m.Lifetime)):
			usable, reason = false, "Expired"
		}
		j["temporaryAccessPass"] = nil
		j["createdDateTime"], j["startDateTime"] = stamp(m.Created), stamp(start)
		j["lifetimeInMinutes"], j["isUsableOnce"] = int(m.Lifetime/time.Minute), m.OneTime
		j["isUsable"], j["methodUsabilityReason"] = usable, reason
	case mfa.KindPassword:
		j["password"], j["createdDateTime"] = nil, stamp(m.Created)
	}
	return j
}

// listMethods serves authentication/methods and the typed collections.
func (s *Server) listMethods(w http.ResponseWriter, r *http.Request) {
	key, coll := r.PathValue("user"), r.PathValue("coll")
	var kind mfa.MethodKind
	if coll != "" {
		k, ok := kindOfCollection(coll)
		if !ok || !graphrules.InVersion(k, version(r)) {
			writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+coll+"'.")
			return
		}
		kind = k
	}
	s.mu.Lock()
	u := s.user(key)
	var items []map[string]any
	if u != nil {
		now := s.opts.Now()
		for _, m := range u.Methods {
			// v1.0 lists "only the methods supported on this API version"
			// (https://learn.microsoft.com/graph/api/authentication-list-methods).
			if kind == "" && graphrules.InVersion(m.Kind, version(r)) || m.Kind == kind {
				items = append(items, methodJSON(m, now))
			}
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	if coll == "" {
		coll = "methods"
	}
	collection(w, r, "users('"+key+"')/authentication/"+coll, items)
}

func (s *Server) getMethod(w http.ResponseWriter, r *http.Request) {
	key, coll, id := r.PathValue("user"), r.PathValue("coll"), r.PathValue("id")
	if coll == "methods" {
		genericMethodsFailure(w, r, key, id)
		return
	}
	kind, ok := kindOfCollection(coll)
	if !ok || !graphrules.InVersion(kind, version(r)) {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+coll+"'.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var j map[string]any
	if u != nil {
		if i := slices.IndexFunc(u.Methods, func(m Method) bool { return m.Kind == kind && m.ID == id }); i >= 0 {
			j = methodJSON(u.Methods[i], s.opts.Now())
		}
	}
	s.mu.Unlock()
	switch {
	case u == nil:
		notFoundUser(w, r, key)
	case j == nil:
		writeError(w, r, http.StatusNotFound, "itemNotFound", "The requested authentication method was not found.")
	default:
		writeJSON(w, http.StatusOK, j)
	}
}

// genericMethodsFailure is what Graph answers to a DELETE or GET of
// authentication/methods/{id}: the backend has no such route.
func genericMethodsFailure(w http.ResponseWriter, r *http.Request, user, id string) {
	writeError(w, r, http.StatusNotFound, "UnknownError",
		"No HTTP resource was found that matches the request URI 'https://mface.windowsazure.com/odata/users("+user+")/authentication/methods("+id+")'.")
}

// deleteMethod applies Graph's rules for typed DELETEs.
func (s *Server) deleteMethod(w http.ResponseWriter, r *http.Request) {
	key, coll, id := r.PathValue("user"), r.PathValue("coll"), r.PathValue("id")
	switch coll {
	case "methods":
		genericMethodsFailure(w, r, key, id)
		return
	case "passwordMethods":
		writeError(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method 'DELETE'.")
		return
	}
	kind, ok := kindOfCollection(coll)
	if !ok || !graphrules.InVersion(kind, version(r)) {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+coll+"'.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user(key)
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	idx := slices.IndexFunc(u.Methods, func(m Method) bool { return m.Kind == kind && m.ID == id })
	if idx < 0 {
		writeError(w, r, http.StatusNotFound, "itemNotFound", "The requested authentication method was not found.")
		return
	}
	m := u.Methods[idx]
	if rf := graphrules.DeleteRefusal(ruleMethods(u.Methods), m.rule(), m.ID == u.DefaultMethodID, s.opts.AnyMethodBlocksDefault); rf != nil {
		status := http.StatusBadRequest
		if rf.Reason == mfa.ReasonNotFound {
			status = http.StatusNotFound
		}
		writeErrorInner(w, r, status, rf.Code, rf.Message, map[string]any{"message": rf.Message})
		return
	}
	u.Methods = slices.Delete(u.Methods, idx, idx+1)
	s.methodDeleted(u.ID, m.ID)
	if u.DefaultMethodID == m.ID {
		u.DefaultMethodID = ""
	}
	w.WriteHeader(http.StatusNoContent)
}

// rule is the method as internal/graphrules sees it.
func (m Method) rule() mfa.Method {
	return mfa.Method{Kind: m.Kind, ID: m.ID, PhoneType: m.PhoneType}
}

func ruleMethods(ms []Method) []mfa.Method {
	out := make([]mfa.Method, len(ms))
	for i, m := range ms {
		out[i] = m.rule()
	}
	return out
}

// createMethod supports POST temporaryAccessPassMethods and phoneMethods.
func (s *Server) createMethod(w http.ResponseWriter, r *http.Request) {
	key, coll := r.PathValue("user"), r.PathValue("coll")
	if coll == "phoneMethods" {
		s.createPhone(w, r, key)
		return
	}
	if coll != "temporaryAccessPassMethods" {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Creating "+coll+" is not supported by this fake.")
		return
	}
	var body struct {
		IsUsableOnce      *bool      `json:"isUsableOnce"`
		LifetimeInMinutes *int       `json:"lifetimeInMinutes"`
		StartDateTime     *time.Time `json:"startDateTime"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	p := s.tapPolicy
	lifetime := p.DefaultLifetime
	if body.LifetimeInMinutes != nil {
		lifetime = *body.LifetimeInMinutes
	}
	u := s.user(key)
	var refusal string
	switch {
	case lifetime < 10 || lifetime > 43200:
		refusal = "The lifetime of a Temporary Access Pass must be between 10 and 43200 minutes."
	case u != nil && !s.tapAllowed(u.ID):
		refusal = tapPolicyRefusal
	case lifetime < p.MinLifetime || lifetime > p.MaxLifetime:
		refusal = "The lifetime of the Temporary Access Pass is outside the tenant's policy (" + strconv.Itoa(p.MinLifetime) + " to " + strconv.Itoa(p.MaxLifetime) + " minutes)."
	}
	if refusal != "" {
		s.mu.Unlock()
		badRequest(w, r, refusal)
		return
	}
	var m Method
	if u != nil {
		now := s.opts.Now().UTC()
		m = Method{Kind: mfa.KindTAP, ID: newID(), Created: now, Start: now, Lifetime: time.Duration(lifetime) * time.Minute}
		if body.IsUsableOnce != nil {
			m.OneTime = *body.IsUsableOnce
		}
		// "If true, all the passes in the tenant will be restricted to
		// one-time use."
		m.OneTime = m.OneTime || p.IsUsableOnce
		if body.StartDateTime != nil {
			m.Start = body.StartDateTime.UTC()
		}
		// One pass per user: a new one replaces the old.
		u.Methods = slices.DeleteFunc(u.Methods, func(x Method) bool { return x.Kind == mfa.KindTAP })
		u.Methods = append(u.Methods, m)
		s.methodAdded(u.ID, m.ID)
	}
	now := s.opts.Now()
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	j := methodJSON(m, now)
	j["temporaryAccessPass"] = newPass(8)
	j["@odata.context"] = "https://graph.microsoft.com/" + version(r) + "/$metadata#users('" + key + "')/authentication/temporaryAccessPassMethods/$entity"
	w.Header().Set("Location", "https://graph.microsoft.com/"+version(r)+"/users/"+u.ID+"/authentication/temporaryAccessPassMethods/"+m.ID)
	writeJSON(w, http.StatusCreated, j)
}

// newPass returns a random pass like Graph's ("+drkzqAD").
func newPass(n int) string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789+#!$%"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
