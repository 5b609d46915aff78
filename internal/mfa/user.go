package mfa

import "strings"

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
	// CreationType is "Invitation" for a B2B user, among others.
	CreationType string `json:"creationType,omitempty"`
	// ExternalUserState is set ("PendingAcceptance", "Accepted") for a
	// user invited from another organisation.
	ExternalUserState string `json:"externalUserState,omitempty"`
	// Issuers are the issuers of the user's sign-in identities
	// ("contoso.com", "ExternalAzureAD", "MicrosoftAccount", "mail", …).
	Issuers []string `json:"issuers,omitempty"`
}

// Guest reports whether the user is a B2B guest, whose MFA lives in their
// home tenant.
func (u User) Guest() bool { return strings.EqualFold(u.UserType, "Guest") }

// externalIssuers are the identity issuers Microsoft documents for users
// who sign in with an identity from outside the tenant: another Entra
// tenant (B2B collaboration, cross-tenant synchronization), a Microsoft
// account, email one-time passcode, Google, Facebook.
// https://learn.microsoft.com/en-us/entra/external-id/user-properties
var externalIssuers = []string{"ExternalAzureAD", "MicrosoftAccount", "mail", "google.com", "facebook.com"}

// External names the evidence that the user signs in with an identity
// from another organisation, whatever their userType: a B2B member or a
// user synchronised from another tenant. "" for an ordinary employee.
// Revoking their sessions here does not revoke those at home.
func (u User) External() string {
	for _, iss := range u.Issuers {
		for _, e := range externalIssuers {
			if strings.EqualFold(iss, e) {
				return "their sign-in identity is issued by " + iss
			}
		}
	}
	switch {
	case strings.Contains(strings.ToUpper(u.UPN), "#EXT#"):
		return "their user principal name marks an external account (#EXT#)"
	case u.ExternalUserState != "":
		return "they were invited from another organisation (externalUserState " + u.ExternalUserState + ")"
	case strings.EqualFold(u.CreationType, "Invitation"):
		return "their account was created by a B2B invitation"
	}
	return ""
}

// Privileges lists everything that makes a user a protected target, as
// the directory read it. A user with any of them is refused.
type Privileges struct {
	// ActiveRoles are directory roles held now, directly or through a
	// group, at any scope (tenant or administrative unit).
	ActiveRoles []string `json:"activeRoles,omitempty"`
	// EligibleRoles are PIM-eligible role assignments, active now or
	// starting later, at any scope.
	EligibleRoles []string `json:"eligibleRoles,omitempty"`
	// RoleAssignableGroups are role-assignable groups the user is a member
	// or owner of now.
	RoleAssignableGroups []string `json:"roleAssignableGroups,omitempty"`
	// EligibleGroups are role-assignable groups the user is PIM-eligible
	// for, or scheduled to join, as member or owner (PIM for Groups).
	EligibleGroups []string `json:"eligibleGroups,omitempty"`
	// Watched are the watched groups (the bot's own) the user can act
	// through: member or owner, directly, nested or through PIM.
	Watched []GroupPath `json:"watched,omitempty"`
	// OwnedApps are applications and service principals the user owns that
	// hold a directory role or a high-privilege application permission.
	OwnedApps []string `json:"ownedApps,omitempty"`
	// Unread names what could not be read completely. Anything here
	// refuses the reset: an unread privilege may be there.
	Unread []string `json:"unread,omitempty"`
}

// GroupPath is how a user reaches a watched group.
type GroupPath struct {
	GroupID string `json:"groupId"`
	// How, e.g. "member", "owner", "owner of the nested group X",
	// "PIM-eligible member".
	How string `json:"how"`
}

// Any reports whether the user holds any privilege or any lookup was
// incomplete.
func (p Privileges) Any() bool {
	return len(p.ActiveRoles)+len(p.EligibleRoles)+len(p.RoleAssignableGroups)+len(p.EligibleGroups)+
		len(p.Watched)+len(p.OwnedApps)+len(p.Unread) > 0
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
