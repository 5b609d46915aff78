package graphfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /users", s.listUsers)
	m.HandleFunc("GET /users/{user}", s.getUser)
	m.HandleFunc("GET /users/{user}/manager", s.getManager)
	m.HandleFunc("POST /users/{user}/revokeSignInSessions", s.revoke)
	m.HandleFunc("POST /users/{user}/checkMemberGroups", s.checkMemberGroups)
	m.HandleFunc("POST /users/{user}/sendMail", s.sendMail)
	m.HandleFunc("GET /users/{user}/transitiveMemberOf", s.transitiveMemberOf)
	m.HandleFunc("GET /users/{user}/transitiveMemberOf/{cast}", s.transitiveMemberOf)
	m.HandleFunc("GET /groups/{group}/transitiveMembers/{cast}", s.transitiveMembers)
	m.HandleFunc("GET /users/{user}/ownedObjects", s.ownedObjects)
	m.HandleFunc("GET /users/{user}/ownedObjects/{cast}", s.ownedObjects)
	m.HandleFunc("GET /users/{user}/authentication/methods", s.listMethods)
	m.HandleFunc("GET /users/{user}/authentication/{coll}", s.listMethods)
	m.HandleFunc("GET /users/{user}/authentication/{coll}/{id}", s.getMethod)
	m.HandleFunc("DELETE /users/{user}/authentication/{coll}/{id}", s.deleteMethod)
	m.HandleFunc("POST /users/{user}/authentication/{coll}", s.createMethod)
	m.HandleFunc("GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}", s.getAuthMethodConfig)
	m.HandleFunc("GET /roleManagement/directory/roleAssignments", s.roleAssignments)
	m.HandleFunc("GET /roleManagement/directory/roleEligibilityScheduleInstances", s.eligibilityInstances)
	m.HandleFunc("GET /roleManagement/directory/roleEligibilitySchedules", s.eligibilitySchedules)
	m.HandleFunc("GET /identityGovernance/privilegedAccess/group/{coll}", s.pimGroup)
	m.HandleFunc("GET /groups", s.listGroups)
	m.HandleFunc("GET /groups/{group}", s.getGroup)
	m.HandleFunc("POST /groups/{group}/checkMemberGroups", s.groupCheckMemberGroups)
	m.HandleFunc("GET /servicePrincipals", s.listServicePrincipals)
	m.HandleFunc("GET /servicePrincipals/{sp}", s.getServicePrincipal)
	m.HandleFunc("GET /servicePrincipals/{sp}/appRoleAssignments", s.appRoleAssignments)
	m.HandleFunc("GET /servicePrincipals/{sp}/ownedObjects", s.spOwnedObjects)
	m.HandleFunc("GET /users/{user}/teamwork/installedApps", s.listInstalledApps)
	m.HandleFunc("POST /users/{user}/teamwork/installedApps", s.installApp)
	m.HandleFunc("GET /users/{user}/teamwork/installedApps/{installation}/chat", s.installationChat)
	s.mux = m
}

// castType reads an OData cast segment: "microsoft.graph.group" or the
// alias "graph.group" (which the Go SDK sends) both give "group".
func castType(seg string) (string, bool) {
	switch {
	case seg == "":
		return "", true
	case strings.HasPrefix(seg, "microsoft.graph."):
		return seg[len("microsoft.graph."):], true
	case strings.HasPrefix(seg, "graph."):
		return seg[len("graph."):], true
	}
	return "", false
}

// eqClause is one "prop eq 'value'" of a $filter.
type eqClause struct{ prop, value string }

// parseEqFilter parses "a eq 'x' or b eq 'y'" over the allowed properties.
func parseEqFilter(f string, allowed ...string) ([]eqClause, error) {
	var out []eqClause
	for _, part := range splitOr(f) {
		part = strings.TrimSpace(part)
		prop, val, ok := strings.Cut(part, " eq ")
		prop, val = strings.TrimSpace(prop), strings.TrimSpace(val)
		if !ok || len(val) < 2 || val[0] != '\'' || val[len(val)-1] != '\'' || strings.Contains(strings.ReplaceAll(val[1:len(val)-1], "''", ""), "'") {
			//lint:ignore ST1005 Graph's own message, word for word
			return nil, fmt.Errorf("Invalid filter clause: %s", part)
		}
		okProp := false
		for _, a := range allowed {
			okProp = okProp || strings.EqualFold(a, prop)
		}
		if !okProp {
			//lint:ignore ST1005 Graph's own message, word for word
			return nil, fmt.Errorf("Unsupported or invalid query filter clause specified for property '%s'.", prop)
		}
		out = append(out, eqClause{prop: strings.ToLower(prop), value: strings.ReplaceAll(val[1:len(val)-1], "''", "'")})
	}
	return out, nil
}

// splitOr splits on " or " outside quotes.
func splitOr(f string) []string {
	var parts []string
	in := false
	start := 0
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '\'':
			in = !in
		case !in && strings.HasPrefix(f[i:], " or "):
			parts = append(parts, f[start:i])
			start = i + len(" or ")
			i += len(" or ") - 1
		}
	}
	return append(parts, f[start:])
}

// collection answers an OData collection one page at a time, as Graph
// does: $top objects (at most 999), or the server's page size, per page;
// later pages through an absolute @odata.nextLink carrying $skiptoken.
// https://learn.microsoft.com/en-us/graph/paging
func collection(w http.ResponseWriter, r *http.Request, context string, items []map[string]any) {
	if items == nil {
		items = []map[string]any{}
	}
	q := r.URL.Query()
	size, _ := r.Context().Value(pageSizeKey).(int)
	if size <= 0 {
		size = 100
	}
	if top, err := strconv.Atoi(q.Get("$top")); err == nil && top > 0 {
		size = min(top, 999)
	}
	from := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "X'"))
		if err != nil || n < 0 || n > len(items) {
			writeError(w, r, http.StatusBadRequest, "Request_BadRequest", "The skip token is not valid.")
			return
		}
		from = n
	}
	to := min(from+size, len(items))
	out := map[string]any{
		"@odata.context": "https://graph.microsoft.com/" + version(r) + "/$metadata#" + context,
		"value":          items[from:to],
	}
	if q.Get("$count") == "true" {
		out["@odata.count"] = len(items)
	}
	if to < len(items) {
		q.Set("$skiptoken", "X'"+strconv.Itoa(to))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		out["@odata.nextLink"] = scheme + "://" + r.Host + "/" + version(r) + r.URL.Path + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
	}
	writeJSON(w, http.StatusOK, out)
}

// decodeBody reads a JSON request body (already gunzipped).
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		return false
	}
	return true
}

// selectFields keeps the $select-ed properties of full, or the default
// set when there is no $select. An unknown property is a 400.
func selectFields(r *http.Request, full map[string]any, defaults []string) (map[string]any, error) {
	keys := defaults
	if sel := r.URL.Query().Get("$select"); sel != "" {
		keys = strings.Split(sel, ",")
	}
	out := map[string]any{}
	for _, k := range keys {
		k = strings.TrimSpace(k)
		v, ok := full[k]
		if !ok {
			//lint:ignore ST1005 Graph's own message, word for word
			return nil, fmt.Errorf("Could not find a property named '%s' on type 'microsoft.graph.user'.", k)
		}
		out[k] = v
	}
	return out, nil
}
