package graphfake

import (
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Stable ids of the demo tenant's groups.
const (
	DemoHelpdeskGroupID       = "0d1e2f30-0000-4000-8000-000000000001"
	DemoApproverGroupID       = "0d1e2f30-0000-4000-8000-000000000002"
	DemoProtectedGroupID      = "0d1e2f30-0000-4000-8000-000000000003"
	DemoRoleAssignableGroupID = "0d1e2f30-0000-4000-8000-000000000004"
	DemoTier2GroupID          = "0d1e2f30-0000-4000-8000-000000000005" // nested in the helpdesk group
	// DemoPhishedGroupID is "Phished users (incident demo)": DemoPhishedUsers
	// users of three methods each (phished-00001@contoso.com …), a Global
	// Administrator, a PIM-eligible engineer, the break-glass account and a
	// guest — the target of an incident reset, whose plan skips those four.
	DemoPhishedGroupID = "0d1e2f30-0000-4000-8000-000000000006"
	// DemoIncidentGroupID is "Incident responders": who may ask for an
	// incident reset (Ines Incident, and Hanna Helpdesk, who asks in the
	// demo's agent window).
	DemoIncidentGroupID = "0d1e2f30-0000-4000-8000-000000000007"
	DemoParisUnitID     = "0d1e2f30-0000-4000-8000-0000000000a1" // an administrative unit
)

// Stable ids of the demo tenant's apps and service principals.
const (
	// MicrosoftGraphAppID is Microsoft Graph's well-known application id.
	MicrosoftGraphAppID   = "00000003-0000-0000-c000-000000000000"
	DemoGraphSPID         = "5b000000-0000-4000-8000-000000000001"
	DemoPayrollAppID      = "5b000000-0000-4000-8000-000000000002" // object id of the app registration
	DemoPayrollClientID   = "5b000000-0000-4000-8000-000000000003" // its appId
	DemoPayrollSPID       = "5b000000-0000-4000-8000-000000000004"
	GraphUserReadAllRole  = "df021288-bdef-4463-88db-98f22de89214" // User.Read.All
	GraphUserReadWriteAll = "741f803b-c850-494e-b5df-cde7c675a1ca" // User.ReadWrite.All
)

// Stable ids of the demo tenant's users.
const (
	DemoAgentID         = "a0000000-0000-4000-8000-000000000001" // hanna@contoso.com, helpdesk
	DemoAgent2ID        = "a0000000-0000-4000-8000-000000000002" // harry@contoso.com, helpdesk
	DemoApproverID      = "a0000000-0000-4000-8000-000000000003" // ada@contoso.com, approver
	DemoApprover2ID     = "a0000000-0000-4000-8000-000000000004" // abe@contoso.com, approver
	DemoManagerID       = "a0000000-0000-4000-8000-000000000005" // mona@contoso.com, manager of Alice, Bob and Carol
	DemoAliceID         = "a0000000-0000-4000-8000-000000000010" // default mobile, alternate, office, Authenticator, OATH, FIDO2
	DemoBobID           = "a0000000-0000-4000-8000-000000000011" // Authenticator only
	DemoCarolID         = "a0000000-0000-4000-8000-000000000012" // default Authenticator, phone, Windows Hello, hardware OATH, email
	DemoAdminID         = "a0000000-0000-4000-8000-000000000020" // gloria@contoso.com, Global Administrator
	DemoBreakGlassID    = "a0000000-0000-4000-8000-000000000021" // breakglass@contoso.com, protected group
	DemoEligibleID      = "a0000000-0000-4000-8000-000000000022" // eli@contoso.com, PIM-eligible
	DemoTierZeroID      = "a0000000-0000-4000-8000-000000000023" // rita@contoso.com, role-assignable group member
	DemoGroupOwnerID    = "a0000000-0000-4000-8000-000000000024" // owen@contoso.com, role-assignable group owner
	DemoGuestID         = "a0000000-0000-4000-8000-000000000030" // guest
	DemoNoMethodsID     = "a0000000-0000-4000-8000-000000000031" // nora@contoso.com, password only
	DemoDisabledID      = "a0000000-0000-4000-8000-000000000032" // dan@contoso.com, disabled
	DemoApproverOwnerID = "a0000000-0000-4000-8000-000000000025" // olga@contoso.com, owner of the approver group
	DemoPIMGroupID      = "a0000000-0000-4000-8000-000000000026" // pia@contoso.com, PIM-eligible member of Tier 0 Operators
	DemoFutureAdminID   = "a0000000-0000-4000-8000-000000000027" // fred@contoso.com, Global Administrator eligible from 2030
	DemoAppOwnerID      = "a0000000-0000-4000-8000-000000000028" // andy@contoso.com, owns Payroll Sync (User.ReadWrite.All)
	DemoUnitAdminID     = "a0000000-0000-4000-8000-000000000029" // aurelia@contoso.com, User Administrator of the Paris unit
	DemoExternalID      = "a0000000-0000-4000-8000-000000000033" // xena, a member from Fabrikam (cross-tenant sync)
	DemoResponderID     = "a0000000-0000-4000-8000-000000000034" // ines@contoso.com, incident responder
	demoAuthenticator   = "6803c096-c096-6803-96c0-036896c00368"
)

// DemoPhishedUsers is how many ordinary users the demo's phished group has.
const DemoPhishedUsers = 300

// DemoTenant is a small Contoso: helpdesk agents, approvers, ordinary users
// with various methods, every kind of protected target, and a group of
// DemoPhishedUsers phished users for an incident reset.
func DemoTenant() Tenant { return DemoTenantPhished(DemoPhishedUsers) }

// DemoTenantPhished is DemoTenant with n users in the phished group (beside
// its four protected members).
func DemoTenantPhished(n int) Tenant {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	phone := func(id, typ, number string) Method {
		return Method{Kind: mfa.KindPhone, ID: id, PhoneType: typ, PhoneNumber: number, Created: t0}
	}
	app := func(id, device string) Method {
		return Method{Kind: mfa.KindAuthenticator, ID: id, DisplayName: device, Created: t0}
	}
	user := func(id, upn, name, title, dept string, def string, ms ...Method) User {
		return User{ID: id, UPN: upn, Mail: upn, DisplayName: name, JobTitle: title, Department: dept,
			AccountEnabled: true, UserType: "Member", Methods: ms, DefaultMethodID: def}
	}
	t := Tenant{
		Users: []User{
			user(DemoAgentID, "hanna@contoso.com", "Hanna Helpdesk", "Service Desk Agent", "IT", demoAuthenticator, app(demoAuthenticator, "Hanna's Pixel")),
			user(DemoAgent2ID, "harry@contoso.com", "Harry Helpdesk", "Service Desk Agent", "IT", demoAuthenticator, app(demoAuthenticator, "Harry's iPhone")),
			user(DemoApproverID, "ada@contoso.com", "Ada Approver", "Service Desk Lead", "IT", demoAuthenticator, app(demoAuthenticator, "Ada's iPhone")),
			user(DemoApprover2ID, "abe@contoso.com", "Abe Approver", "Security Analyst", "Security", demoAuthenticator, app(demoAuthenticator, "Abe's Galaxy")),
			user(DemoManagerID, "mona@contoso.com", "Mona Manager", "Sales Director", "Sales", demoAuthenticator, app(demoAuthenticator, "Mona's iPhone")),
			user(DemoAliceID, "alice@contoso.com", "Alice Example", "Account Executive", "Sales", MobilePhoneID,
				phone(MobilePhoneID, mfa.PhoneMobile, "+1 2065555555"),
				phone(AlternatePhoneID, mfa.PhoneAlternateMobile, "+1 2065555556"),
				phone(OfficePhoneID, mfa.PhoneOffice, "+1 2065555557"),
				app(demoAuthenticator, "Alice's iPhone"),
				Method{Kind: mfa.KindSoftwareOATH, ID: "b172893e-893e-b172-3e89-72b13e8972b1", Created: t0},
				Method{Kind: mfa.KindFIDO2, ID: "-2_GRUg2-HYz6_1YG4YRAQ2", DisplayName: "Red key", Created: t0}),
			user(DemoBobID, "bob@contoso.com", "Bob Example", "Account Manager", "Sales", demoAuthenticator, app(demoAuthenticator, "Bob's Pixel")),
			user(DemoCarolID, "carol@contoso.com", "Carol Example", "Engineer", "R&D", demoAuthenticator,
				app(demoAuthenticator, "Carol's iPhone"),
				phone(MobilePhoneID, mfa.PhoneMobile, "+44 7700900123"),
				Method{Kind: mfa.KindWindowsHello, ID: "b5e01f81-1f81-b5e0-811f-e0b5811fe0b5", DisplayName: "Carol's Surface", Created: t0},
				Method{Kind: mfa.KindHardwareOATH, ID: "aad49556-fd6d-4a8a-9b44-9c4b45e4ac11", DisplayName: "Token 1234"},
				Method{Kind: mfa.KindEmail, ID: EmailMethodID, Email: "carol.home@example.com"}),
			user(DemoAdminID, "gloria@contoso.com", "Gloria Admin", "IT Director", "IT", MobilePhoneID, phone(MobilePhoneID, mfa.PhoneMobile, "+1 4255550100")),
			user(DemoBreakGlassID, "breakglass@contoso.com", "Break Glass", "", "", "", Method{Kind: mfa.KindFIDO2, ID: "bg-fido-1", DisplayName: "Vault key", Created: t0}),
			user(DemoEligibleID, "eli@contoso.com", "Eli Eligible", "Systems Engineer", "IT", MobilePhoneID, phone(MobilePhoneID, mfa.PhoneMobile, "+1 4255550101")),
			user(DemoTierZeroID, "rita@contoso.com", "Rita Tier0", "Identity Engineer", "IT", demoAuthenticator, app(demoAuthenticator, "Rita's iPhone")),
			user(DemoGroupOwnerID, "owen@contoso.com", "Owen Owner", "IT Manager", "IT", demoAuthenticator, app(demoAuthenticator, "Owen's iPhone")),
			{ID: DemoGuestID, UPN: "gus_fabrikam.com#EXT#@contoso.com", Mail: "gus@fabrikam.com", DisplayName: "Gus Guest", UserType: "Guest",
				AccountEnabled: true, Methods: []Method{phone(MobilePhoneID, mfa.PhoneMobile, "+1 3125550199")}, DefaultMethodID: MobilePhoneID},
			user(DemoNoMethodsID, "nora@contoso.com", "Nora Nomethods", "Intern", "Sales", ""),
			user(DemoApproverOwnerID, "olga@contoso.com", "Olga Owner", "IT Operations Manager", "IT", demoAuthenticator, app(demoAuthenticator, "Olga's iPhone")),
			user(DemoPIMGroupID, "pia@contoso.com", "Pia PIM", "Cloud Engineer", "IT", demoAuthenticator, app(demoAuthenticator, "Pia's Pixel")),
			user(DemoFutureAdminID, "fred@contoso.com", "Fred Future", "Incoming IT Director", "IT", demoAuthenticator, app(demoAuthenticator, "Fred's iPhone")),
			user(DemoResponderID, "ines@contoso.com", "Ines Incident", "Incident Responder", "Security", demoAuthenticator, app(demoAuthenticator, "Ines's iPhone")),
			user(DemoAppOwnerID, "andy@contoso.com", "Andy AppOwner", "Developer", "R&D", demoAuthenticator, app(demoAuthenticator, "Andy's Pixel")),
			user(DemoUnitAdminID, "aurelia@contoso.com", "Aurelia Unit", "Paris Site IT", "IT", demoAuthenticator, app(demoAuthenticator, "Aurelia's iPhone")),
			{ID: DemoExternalID, UPN: "xena_fabrikam.com#EXT#@contoso.com", Mail: "xena@fabrikam.com", DisplayName: "Xena External",
				JobTitle: "Consultant", UserType: "Member", CreationType: "Invitation", ExternalUserState: "Accepted", AccountEnabled: true,
				Identities: []Identity{{SignInType: "federated", Issuer: "ExternalAzureAD", IssuerID: "xena@fabrikam.com"}},
				Methods:    []Method{app(demoAuthenticator, "Xena's iPhone")}, DefaultMethodID: demoAuthenticator},
			func() User {
				u := user(DemoDisabledID, "dan@contoso.com", "Dan Departed", "Former Employee", "Sales", MobilePhoneID, phone(MobilePhoneID, mfa.PhoneMobile, "+1 2065550111"))
				u.AccountEnabled = false
				return u
			}(),
		},
		Groups: []Group{
			{ID: DemoHelpdeskGroupID, DisplayName: "MFA Helpdesk", Members: []string{DemoAgentID, DemoTier2GroupID}},
			{ID: DemoTier2GroupID, DisplayName: "Service Desk Tier 2", Members: []string{DemoAgent2ID}},
			{ID: DemoApproverGroupID, DisplayName: "MFA Approvers", Members: []string{DemoApproverID, DemoApprover2ID}, Owners: []string{DemoApproverOwnerID}},
			{ID: DemoProtectedGroupID, DisplayName: "Break-glass and VIP", Members: []string{DemoBreakGlassID}},
			{ID: DemoRoleAssignableGroupID, DisplayName: "Tier 0 Operators", IsAssignableToRole: true,
				Members: []string{DemoTierZeroID}, Owners: []string{DemoGroupOwnerID}},
			{ID: DemoIncidentGroupID, DisplayName: "Incident responders", Members: []string{DemoResponderID, DemoAgentID}},
		},
		Roles: []Role{
			{ID: "d1000000-0000-4000-8000-000000000001", TemplateID: GlobalAdminRoleID, DisplayName: "Global Administrator",
				Members: []string{DemoAdminID, DemoBreakGlassID}},
		},
		Eligible: []Eligibility{
			{ID: "e1000000-0000-4000-8000-000000000001", PrincipalID: DemoEligibleID, RoleTemplateID: PrivRoleAdminID, RoleName: "Privileged Role Administrator"},
			{ID: "e1000000-0000-4000-8000-000000000002", PrincipalID: DemoFutureAdminID, RoleTemplateID: GlobalAdminRoleID, RoleName: "Global Administrator",
				Start: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		},
		Assignments: []Assignment{
			{ID: "f1000000-0000-4000-8000-000000000001", PrincipalID: DemoUnitAdminID, RoleTemplateID: UserAdminRoleID, RoleName: "User Administrator",
				Scope: "/administrativeUnits/" + DemoParisUnitID},
			{ID: "f1000000-0000-4000-8000-000000000002", PrincipalID: DemoPayrollSPID, RoleTemplateID: UserAdminRoleID, RoleName: "User Administrator", Scope: "/"},
		},
		GroupSchedules: []GroupSchedule{
			{ID: "c1000000-0000-4000-8000-000000000001", PrincipalID: DemoPIMGroupID, GroupID: DemoRoleAssignableGroupID, Access: "member", Eligible: true},
		},
		Apps: []App{
			{ID: DemoPayrollAppID, AppID: DemoPayrollClientID, DisplayName: "Payroll Sync", Owners: []string{DemoAppOwnerID}},
		},
		ServicePrincipals: []ServicePrincipal{
			{ID: DemoGraphSPID, AppID: MicrosoftGraphAppID, DisplayName: "Microsoft Graph",
				AppRoles: []AppRole{{ID: GraphUserReadAllRole, Value: "User.Read.All"}, {ID: GraphUserReadWriteAll, Value: "User.ReadWrite.All"}}},
			{ID: DemoPayrollSPID, AppID: DemoPayrollClientID, DisplayName: "Payroll Sync",
				Granted: []AppRoleGrant{{ResourceID: DemoGraphSPID, AppRoleID: GraphUserReadWriteAll}}},
		},
	}
	for i, u := range t.Users {
		switch u.ID {
		case DemoAliceID, DemoBobID, DemoCarolID:
			t.Users[i].ManagerID = DemoManagerID
		}
	}
	t.AddIncident(IncidentSeed{Users: n, GroupID: DemoPhishedGroupID, GroupName: "Phished users (incident demo)", Prefix: "phished",
		Also: []string{DemoAdminID, DemoEligibleID, DemoBreakGlassID, DemoGuestID}})
	return t
}
