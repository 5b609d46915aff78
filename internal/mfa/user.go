package mfa

// User is a directory user as the domain sees it.
type User struct {
	ID             string `json:"id"`
	UPN            string `json:"upn"`
	Mail           string `json:"mail,omitempty"`
	DisplayName    string `json:"displayName"`
	JobTitle       string `json:"jobTitle,omitempty"`
	Department     string `json:"department,omitempty"`
	AccountEnabled bool   `json:"accountEnabled"`
	// UserType is "Member" or "Guest".
	UserType string `json:"userType,omitempty"`
}

// Guest reports whether the user is a B2B guest, whose MFA lives in their
// home tenant.
func (u User) Guest() bool { return u.UserType == "Guest" }

// Privileges lists everything that makes a user a protected target. A user
// with any of them is refused.
type Privileges struct {
	// ActiveRoles are directory roles held now, directly or through a group.
	ActiveRoles []string `json:"activeRoles,omitempty"`
	// EligibleRoles are PIM-eligible role assignments.
	EligibleRoles []string `json:"eligibleRoles,omitempty"`
	// RoleAssignableGroups are role-assignable groups the user is a member
	// or owner of.
	RoleAssignableGroups []string `json:"roleAssignableGroups,omitempty"`
}

// Any reports whether the user holds any privilege.
func (p Privileges) Any() bool {
	return len(p.ActiveRoles)+len(p.EligibleRoles)+len(p.RoleAssignableGroups) > 0
}

// Actor is a person acting on a request: a helpdesk agent, an approver, the
// target confirming, or an operator at the CLI.
type Actor struct {
	// ID is the Entra object id (Teams' aadObjectId).
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	UPN  string `json:"upn,omitempty"`
	// Via is the channel: "teams" or "cli".
	Via string `json:"via,omitempty"`
}

// String names the actor for people.
func (a Actor) String() string {
	switch {
	case a.Name != "" && a.UPN != "":
		return a.Name + " (" + a.UPN + ")"
	case a.Name != "":
		return a.Name
	case a.UPN != "":
		return a.UPN
	}
	return a.ID
}
