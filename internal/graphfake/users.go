package graphfake

import (
	"net/http"
	"slices"
	"strings"
)

var userDefaults = []string{"id", "displayName", "jobTitle", "mail", "userPrincipalName", "businessPhones", "givenName", "surname", "mobilePhone", "officeLocation", "preferredLanguage"}

func userJSON(u *User) map[string]any {
	var mail any
	if u.Mail != "" {
		mail = u.Mail
	}
	given, sur, _ := strings.Cut(u.DisplayName, " ")
	return map[string]any{
		"id": u.ID, "userPrincipalName": u.UPN, "mail": mail, "displayName": u.DisplayName,
		"jobTitle": nilIfEmpty(u.JobTitle), "department": nilIfEmpty(u.Department),
		"accountEnabled": u.AccountEnabled, "userType": u.UserType,
		"businessPhones": []string{}, "givenName": nilIfEmpty(given), "surname": nilIfEmpty(sur),
		"mobilePhone": nil, "officeLocation": nil, "preferredLanguage": nil,
		"creationType": nilIfEmpty(u.CreationType), "externalUserState": nilIfEmpty(u.ExternalUserState),
		"identities": identitiesJSON(u),
	}
}

// identitiesJSON is the user's sign-in identities; an employee without
// any seeded has their UPN's domain as issuer, as Graph shows.
// https://learn.microsoft.com/en-us/graph/api/resources/objectidentity
func identitiesJSON(u *User) []map[string]any {
	ids := u.Identities
	if len(ids) == 0 {
		_, domain, _ := strings.Cut(u.UPN, "@")
		ids = []Identity{{SignInType: "userPrincipalName", Issuer: domain, IssuerID: u.UPN}}
	}
	out := make([]map[string]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"signInType": id.SignInType, "issuer": id.Issuer, "issuerAssignedId": nilIfEmpty(id.IssuerID)}
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	s.mu.Lock()
	u := s.user(key)
	var full map[string]any
	if u != nil {
		full = userJSON(u)
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	out, err := selectFields(r, full, userDefaults)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "Request_BadRequest", err.Error())
		return
	}
	out["@odata.context"] = "https://graph.microsoft.com/" + version(r) + "/$metadata#users/$entity"
	writeJSON(w, http.StatusOK, out)
}

// listUsers supports $filter=mail eq '…' or userPrincipalName eq '…'.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	var clauses []eqClause
	if f := r.URL.Query().Get("$filter"); f != "" {
		var err error
		if clauses, err = parseEqFilter(f, "mail", "userPrincipalName", "id"); err != nil {
			writeError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", err.Error())
			return
		}
	}
	s.mu.Lock()
	var items []map[string]any
	for _, u := range s.candidates(clauses) {
		if matchUser(u, clauses) {
			items = append(items, userJSON(u))
		}
	}
	s.mu.Unlock()
	for i, it := range items {
		out, err := selectFields(r, it, userDefaults)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, "Request_BadRequest", err.Error())
			return
		}
		items[i] = out
	}
	collection(w, r, "users", items)
}

func matchUser(u *User, cs []eqClause) bool {
	if len(cs) == 0 {
		return true
	}
	for _, c := range cs {
		switch c.prop {
		case "mail":
			if u.Mail != "" && strings.EqualFold(u.Mail, c.value) {
				return true
			}
		case "userprincipalname":
			if strings.EqualFold(u.UPN, c.value) {
				return true
			}
		case "id":
			if u.ID == c.value {
				return true
			}
		}
	}
	return false
}

func (s *Server) getManager(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	s.mu.Lock()
	u := s.user(key)
	var m *User
	if u != nil {
		m = s.users[u.ManagerID]
	}
	var full map[string]any
	if m != nil {
		full = userJSON(m)
	}
	s.mu.Unlock()
	switch {
	case u == nil:
		notFoundUser(w, r, key)
		return
	case m == nil:
		notFoundUser(w, r, "manager")
		return
	}
	out, err := selectFields(r, full, userDefaults)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "Request_BadRequest", err.Error())
		return
	}
	out["@odata.type"] = "#microsoft.graph.user"
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	s.mu.Lock()
	u := s.user(key)
	if u != nil {
		s.revoked[u.ID]++
	}
	s.mu.Unlock()
	switch {
	case u == nil:
		notFoundUser(w, r, key)
	case s.opts.RevokeNoContent:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": "https://graph.microsoft.com/" + version(r) + "/$metadata#Edm.Boolean", "value": true})
	}
}

func (s *Server) sortedUsers() []*User {
	us := make([]*User, 0, len(s.users))
	for _, u := range s.users {
		us = append(us, u)
	}
	slices.SortFunc(us, func(a, b *User) int { return strings.Compare(a.UPN, b.UPN) })
	return us
}

// candidates are the users a filter may match, sorted by UPN: every user
// without a filter, else those the index finds for each clause; the caller
// holds s.mu.
func (s *Server) candidates(cs []eqClause) []*User {
	if len(cs) == 0 {
		return s.sortedUsers()
	}
	var us []*User
	for _, c := range cs {
		switch c.prop {
		case "mail":
			us = append(us, s.ix.byMail[strings.ToLower(c.value)]...)
		case "userprincipalname":
			if u := s.ix.byUPN[strings.ToLower(c.value)]; u != nil {
				us = append(us, u)
			}
		case "id":
			if u := s.users[c.value]; u != nil {
				us = append(us, u)
			}
		}
	}
	slices.SortFunc(us, func(a, b *User) int { return strings.Compare(a.UPN, b.UPN) })
	return slices.CompactFunc(us, func(a, b *User) bool { return a == b })
}
