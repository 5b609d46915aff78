package graphfake

import (
	"net/http"
	"slices"
	"strings"
)

// TAPPolicy is the tenant's Temporary Access Pass policy, in Graph's terms
// (https://learn.microsoft.com/graph/api/resources/temporaryaccesspassauthenticationmethodconfiguration).
type TAPPolicy struct {
	// State is "enabled" or "disabled".
	State string
	// IncludeGroups are group ids, or "all_users" for everyone.
	IncludeGroups []string
	ExcludeGroups []string
	// Lifetimes in minutes.
	MinLifetime, MaxLifetime, DefaultLifetime int
	// IsUsableOnce restricts every pass to one use.
	IsUsableOnce bool
}

// DefaultTAPPolicy is the policy of Microsoft's example answer: enabled for
// all users, passes of 60 to 480 minutes, 60 by default, reusable
// (https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get).
func DefaultTAPPolicy() TAPPolicy {
	return TAPPolicy{State: "enabled", IncludeGroups: []string{"all_users"}, MinLifetime: 60, MaxLifetime: 480, DefaultLifetime: 60}
}

// SetTAPPolicy replaces the tenant's TAP policy.
func (s *Server) SetTAPPolicy(p TAPPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tapPolicy = p
}

// getAuthMethodConfig serves
// policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id};
// only TemporaryAccessPass is modelled.
func (s *Server) getAuthMethodConfig(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.PathValue("id"), "TemporaryAccessPass") {
		writeError(w, r, http.StatusNotFound, "itemNotFound", "Authentication method configuration '"+r.PathValue("id")+"' is not modelled by this fake.")
		return
	}
	s.mu.Lock()
	p := s.tapPolicy
	s.mu.Unlock()
	targets := func(ids []string, include bool) []map[string]any {
		out := []map[string]any{}
		for _, id := range ids {
			t := map[string]any{"targetType": "group", "id": id}
			if include {
				t["isRegistrationRequired"] = false
			}
			out = append(out, t)
		}
		return out
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context":           "https://graph.microsoft.com/" + version(r) + "/$metadata#authenticationMethodConfigurations/$entity",
		"@odata.type":              "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
		"id":                       "TemporaryAccessPass",
		"state":                    p.State,
		"defaultLifetimeInMinutes": p.DefaultLifetime,
		"defaultLength":            8,
		"minimumLifetimeInMinutes": p.MinLifetime,
		"maximumLifetimeInMinutes": p.MaxLifetime,
		"isUsableOnce":             p.IsUsableOnce,
		"includeTargets":           targets(p.IncludeGroups, true),
		"excludeTargets":           targets(p.ExcludeGroups, false),
	})
}

// tapAllowed reports whether the policy lets userID have a pass; the
// caller holds s.mu. Graph refuses a pass outside the policy with
// "Converged UserCredentialPolicy does not allow creating or updating this
// authentication method" (reported in
// https://github.com/MicrosoftDocs/azure-docs/issues/111778).
func (s *Server) tapAllowed(userID string) bool {
	p := s.tapPolicy
	if p.State != "enabled" {
		return false
	}
	groups := s.groupsOf(userID)
	for _, g := range p.ExcludeGroups {
		if slices.Contains(groups, g) {
			return false
		}
	}
	for _, g := range p.IncludeGroups {
		if g == "all_users" || slices.Contains(groups, g) {
			return true
		}
	}
	return false
}

const tapPolicyRefusal = "Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass]."
