package mfatest

import (
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Ids of the standard test tenant.
const (
	HelpdeskGroup  = "g-helpdesk"
	ApproverGroup  = "g-approvers"
	ProtectedGroup = "g-protected"
	AgentID        = "u-agent"
	Agent2ID       = "u-agent2"
	ApproverID     = "u-approver"
	Approver2ID    = "u-approver2"
	AliceID        = "u-alice"
	BobID          = "u-bob"
	AdminID        = "u-admin"
	BreakGlassID   = "u-breakglass"
	EligibleID     = "u-eligible"
	GuestID        = "u-guest"
	EmptyID        = "u-empty"
	ManagerID      = "u-manager"
)

// Actors of the standard tenant.
var (
	Agent     = mfa.Actor{ID: AgentID, Name: "Hanna Helpdesk", UPN: "hanna@contoso.com", Via: "teams"}
	Agent2    = mfa.Actor{ID: Agent2ID, Name: "Harry Helpdesk", UPN: "harry@contoso.com", Via: "teams"}
	Approver  = mfa.Actor{ID: ApproverID, Name: "Ada Approver", UPN: "ada@contoso.com", Via: "teams"}
	Approver2 = mfa.Actor{ID: Approver2ID, Name: "Abe Approver", UPN: "abe@contoso.com", Via: "teams"}
	Alice     = mfa.Actor{ID: AliceID, Name: "Alice Example", UPN: "alice@contoso.com", Via: "teams"}
	Manager   = mfa.Actor{ID: ManagerID, Name: "Mona Manager", UPN: "mona@contoso.com", Via: "teams"}
)

// Phone and app methods used by the standard tenant.
var (
	Mobile    = mfa.Method{Kind: mfa.KindPhone, ID: "3179e48a-750b-4051-897c-87b9720928f7", PhoneType: mfa.PhoneMobile, Label: "+1 ••• ••• 5555"}
	AltMobile = mfa.Method{Kind: mfa.KindPhone, ID: "b6332ec1-7057-4abe-9331-3d72feddfe41", PhoneType: mfa.PhoneAlternateMobile, Label: "+1 ••• ••• 5556"}
	Office    = mfa.Method{Kind: mfa.KindPhone, ID: "e37fc753-ff3b-4958-9484-eaa9425c82bc", PhoneType: mfa.PhoneOffice, Label: "+1 ••• ••• 5557"}
	AuthApp   = mfa.Method{Kind: mfa.KindAuthenticator, ID: "6803c096-c096-6803-96c0-036896c00368", Label: "Alice's iPhone"}
	OATH      = mfa.Method{Kind: mfa.KindSoftwareOATH, ID: "b172893e-893e-b172-3e89-72b13e8972b1", Label: "Software OATH token"}
	FIDO      = mfa.Method{Kind: mfa.KindFIDO2, ID: "-2_GRUg2-HYz6_1YG4YRAQ2", Label: "Red key"}
)

// Policy is the standard policy for the tenant: every setting at its
// declared default, the tenant's groups, TAP allowed and one-time.
func Policy() mfa.Policy {
	p := config.DefaultPolicy()
	p.HelpdeskGroupID, p.ApproverGroupID, p.ProtectedGroupID = HelpdeskGroup, ApproverGroup, ProtectedGroup
	p.TAPEnabled, p.TAPOneTime = true, true
	return p
}

// Tenant returns a directory with the standard users: agents, approvers,
// Alice (mobile default, alternate, office, Authenticator, OATH, FIDO2), Bob
// (Authenticator only), a Global Admin, a break-glass account, a PIM-eligible
// admin, a guest and a user with no methods.
func Tenant() *Directory {
	d := NewDirectory()
	add := func(id, name, upn string, ms ...mfa.Method) {
		d.AddUser(mfa.User{ID: id, UPN: upn, Mail: upn, DisplayName: name, JobTitle: "Staff", Department: "Sales", AccountEnabled: true}, ms...)
	}
	add(AgentID, Agent.Name, Agent.UPN, AuthApp)
	add(Agent2ID, Agent2.Name, Agent2.UPN, AuthApp)
	add(ApproverID, Approver.Name, Approver.UPN, AuthApp)
	add(Approver2ID, Approver2.Name, Approver2.UPN, AuthApp)
	add(ManagerID, Manager.Name, Manager.UPN, AuthApp)
	add(AliceID, "Alice Example", "alice@contoso.com", Mobile, AltMobile, Office, AuthApp, OATH, FIDO)
	add(BobID, "Bob Example", "bob@contoso.com", AuthApp)
	add(AdminID, "Gloria Admin", "gloria@contoso.com", Mobile)
	add(BreakGlassID, "Break Glass", "breakglass@contoso.com", FIDO)
	add(EligibleID, "Eli Eligible", "eli@contoso.com", Mobile)
	add(EmptyID, "Nora Nomethods", "nora@contoso.com")
	d.AddUser(mfa.User{ID: GuestID, UPN: "gus_fabrikam.com#EXT#@contoso.com", DisplayName: "Gus Guest", UserType: "Guest", AccountEnabled: true}, Mobile)
	d.AddMember(HelpdeskGroup, AgentID)
	d.AddMember(HelpdeskGroup, Agent2ID)
	d.AddMember(ApproverGroup, ApproverID)
	d.AddMember(ApproverGroup, Approver2ID)
	d.AddMember(ProtectedGroup, BreakGlassID)
	d.Privs[AdminID] = mfa.Privileges{ActiveRoles: []string{"Global Administrator"}}
	d.Privs[EligibleID] = mfa.Privileges{EligibleRoles: []string{"Privileged Role Administrator"}}
	d.Managers[AliceID] = ManagerID
	return d
}
