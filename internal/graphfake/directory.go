package graphfake

import (
	"net/http"
	"slices"
	"strings"
)

func groupJSON(g *Group) map[string]any {
	return map[string]any{"@odata.type": "#microsoft.graph.group", "id": g.ID, "displayName": g.DisplayName,
		"isAssignableToRole": g.IsAssignableToRole, "securityEnabled": true, "mailEnabled": false}
}

func roleJSON(r Role) map[string]any {
	return map[string]any{"@odata.type": "#microsoft.graph.directoryRole", "id": r.ID, "displayName": r.DisplayName,
		"roleTemplateId": r.TemplateID, "description": r.DisplayName + " role"}
}

// transitiveMemberOf lists groups and directory roles, optionally cast.
func (s *Server) transitiveMemberOf(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	cast, ok := castType(r.PathValue("cast"))
	if !ok || (cast != "" && cast != "group" && cast != "directoryRole") {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("cast")+"'.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var items []map[string]any
	if u != nil {
		if cast != "directoryRole" {
			for _, id := range s.groupsOf(u.ID) {
				items = append(items, groupJSON(s.groups[id]))
			}
		}
		if cast != "group" {
			for _, role := range s.rolesOf(u.ID) {
				items = append(items, roleJSON(role))
			}
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	collection(w, r, "directoryObjects", items)
}

// ownedObjects lists the groups the user owns.
func (s *Server) ownedObjects(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	cast, ok := castType(r.PathValue("cast"))
	if !ok || (cast != "" && cast != "group") {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("cast")+"'.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var items []map[string]any
	if u != nil {
		for _, g := range s.sortedGroups() {
			if slices.Contains(g.Owners, u.ID) {
				items = append(items, groupJSON(g))
			}
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	collection(w, r, "directoryObjects", items)
}

// principalFilter reads "$filter=principalId eq '…'" (required here).
func principalFilter(w http.ResponseWriter, r *http.Request) (string, bool) {
	cs, err := parseEqFilter(r.URL.Query().Get("$filter"), "principalId")
	if err != nil || len(cs) != 1 {
		msg := "A filter on principalId is required."
		if err != nil {
			msg = err.Error()
		}
		writeError(w, r, http.StatusBadRequest, "BadRequest", msg)
		return "", false
	}
	return cs[0].value, true
}

func expandsRoleDefinition(r *http.Request) bool {
	return strings.Contains(r.URL.Query().Get("$expand"), "roleDefinition")
}

func roleDefinitionJSON(templateID, name string) map[string]any {
	return map[string]any{"id": templateID, "templateId": templateID, "displayName": name, "isBuiltIn": true, "isEnabled": true}
}

// roleAssignments lists a principal's direct active role assignments.
func (s *Server) roleAssignments(w http.ResponseWriter, r *http.Request) {
	pid, ok := principalFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, role := range s.roles {
		if slices.Contains(role.Members, pid) {
			it := map[string]any{"id": role.TemplateID + "_" + pid, "principalId": pid, "roleDefinitionId": role.TemplateID,
				"directoryScopeId": "/", "resourceScope": "/"}
			if expandsRoleDefinition(r) {
				it["roleDefinition"] = roleDefinitionJSON(role.TemplateID, role.DisplayName)
			}
			items = append(items, it)
		}
	}
	s.mu.Unlock()
	collection(w, r, "roleManagement/directory/roleAssignments", items)
}

// eligibilityInstances lists a principal's PIM-eligible role assignments.
func (s *Server) eligibilityInstances(w http.ResponseWriter, r *http.Request) {
	pid, ok := principalFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, e := range s.eligible {
		if e.PrincipalID != pid {
			continue
		}
		it := map[string]any{"id": e.ID, "principalId": pid, "roleDefinitionId": e.RoleTemplateID, "directoryScopeId": "/",
			"memberType": "Direct", "roleEligibilityScheduleId": e.ID, "startDateTime": "2024-01-01T00:00:00Z", "endDateTime": nil}
		if expandsRoleDefinition(r) {
			it["roleDefinition"] = roleDefinitionJSON(e.RoleTemplateID, e.RoleName)
		}
		items = append(items, it)
	}
	s.mu.Unlock()
	collection(w, r, "roleManagement/directory/roleEligibilityScheduleInstances", items)
}

// checkMemberGroups answers which of up to 20 groups the user is a
// transitive member of.
func (s *Server) checkMemberGroups(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	var body struct {
		GroupIDs []string `json:"groupIds"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if len(body.GroupIDs) == 0 || len(body.GroupIDs) > 20 {
		writeError(w, r, http.StatusBadRequest, "Request_BadRequest", "groupIds must hold between 1 and 20 ids.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var in []string
	if u != nil {
		all := s.groupsOf(u.ID)
		for _, id := range body.GroupIDs {
			if slices.Contains(all, id) {
				in = append(in, id)
			}
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	if in == nil {
		in = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/" + version(r) + "/$metadata#Collection(Edm.String)", "value": in})
}
