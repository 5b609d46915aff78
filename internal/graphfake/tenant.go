package graphfake

import (
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Tenant is the seed of a fake directory.
type Tenant struct {
	Users  []User
	Groups []Group
	// Roles are activated directory roles and their direct members (user
	// or group ids); a group member passes the role on to its members.
	Roles []Role
	// Eligible are PIM-eligible role assignments.
	Eligible []Eligibility
	// Assignments are role assignments at any scope (an administrative
	// unit, say), beside the tenant-wide members of Roles.
	Assignments []Assignment
	// GroupSchedules are PIM for Groups eligibility and assignment
	// schedules.
	GroupSchedules []GroupSchedule
	// Apps are application registrations; ServicePrincipals are
	// applications instantiated in the tenant (Microsoft Graph's own among
	// them, with the app roles it offers).
	Apps              []App
	ServicePrincipals []ServicePrincipal
	// TAPPolicy is the Temporary Access Pass policy; DefaultTAPPolicy()
	// when nil.
	TAPPolicy *TAPPolicy
}

// Assignment is a directory role assigned to a principal (user, group or
// service principal) at a scope: "/" for the tenant,
// "/administrativeUnits/{id}" for an administrative unit.
type Assignment struct {
	ID          string
	PrincipalID string
	// RoleTemplateID is the role definition id; RoleName its display name
	// ("" answers a definition without a name).
	RoleTemplateID string
	RoleName       string
	Scope          string
}

// GroupSchedule is a PIM for Groups schedule: a principal eligible for
// (Eligible) or assigned to membership or ownership (Access "member" or
// "owner") of a group, from Start (zero: already in force).
type GroupSchedule struct {
	ID          string
	PrincipalID string
	GroupID     string
	Access      string
	Eligible    bool
	Start       time.Time
}

// App is an application registration and its owners (user ids).
type App struct {
	ID          string
	AppID       string
	DisplayName string
	Owners      []string
}

// ServicePrincipal is an application in the tenant: its owners, the app
// roles it offers as a resource, and the app roles (application
// permissions) granted to it.
type ServicePrincipal struct {
	ID          string
	AppID       string
	DisplayName string
	Owners      []string
	AppRoles    []AppRole
	Granted     []AppRoleGrant
}

// AppRole is an application permission a resource offers.
type AppRole struct {
	ID    string
	Value string
}

// AppRoleGrant is an app role of a resource service principal granted to
// a service principal.
type AppRoleGrant struct {
	ResourceID string
	AppRoleID  string
}

// User is a directory user and their authentication methods.
type User struct {
	ID             string
	UPN            string
	Mail           string
	DisplayName    string
	JobTitle       string
	Department     string
	AccountEnabled bool
	// UserType is "Member" (the default) or "Guest".
	UserType string
	// CreationType ("Invitation" for B2B), ExternalUserState ("Accepted")
	// and Identities describe external users as Graph does.
	CreationType      string
	ExternalUserState string
	Identities        []Identity
	ManagerID         string
	// Methods are the registered methods; a password method is added when
	// none is given, as every cloud user has one.
	Methods []Method
	// DefaultMethodID is the id of the user's default MFA method.
	DefaultMethodID string
}

// Identity is one of a user's sign-in identities (Graph's objectIdentity):
// signInType "userPrincipalName" with the tenant as issuer for employees;
// "federated" with issuer "ExternalAzureAD", "MicrosoftAccount", "mail" …
// for external users.
// https://learn.microsoft.com/en-us/graph/api/resources/objectidentity
type Identity struct {
	SignInType string
	Issuer     string
	IssuerID   string
}

// Method is a registered authentication method. Kind names Graph's type:
// the collection is Kind+"Methods" and the @odata.type is
// "#microsoft.graph."+Kind+"AuthenticationMethod".
type Method struct {
	Kind        mfa.MethodKind
	ID          string
	DisplayName string
	// PhoneType and PhoneNumber are for phone methods ("+1 2065555555").
	PhoneType   string
	PhoneNumber string
	// Email is for email methods.
	Email   string
	Created time.Time
	// Lifetime, OneTime and Start are for Temporary Access Passes.
	Lifetime time.Duration
	OneTime  bool
	Start    time.Time
}

// Group is a group with members (user or group ids) and owners (user ids).
type Group struct {
	ID                 string
	DisplayName        string
	IsAssignableToRole bool
	Members            []string
	Owners             []string
	// Limited makes listings show the group with its id and type only, as
	// Graph does for an object the app may not read.
	// https://learn.microsoft.com/en-us/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects
	Limited bool
}

// Role is an activated directory role.
type Role struct {
	ID          string
	TemplateID  string
	DisplayName string
	Members     []string
}

// Eligibility is a PIM-eligible assignment of a role to a principal.
type Eligibility struct {
	ID          string
	PrincipalID string
	// RoleTemplateID is the role definition id (a built-in role's template id).
	RoleTemplateID string
	RoleName       string
	// Start is when the eligibility begins; zero means it is in force.
	Start time.Time
	// Scope is the directory scope ("" or "/" for the tenant).
	Scope string
}

// Well-known ids Graph uses.
const (
	MobilePhoneID     = "3179e48a-750b-4051-897c-87b9720928f7"
	AlternatePhoneID  = "b6332ec1-7057-4abe-9331-3d72feddfe41"
	OfficePhoneID     = "e37fc753-ff3b-4958-9484-eaa9425c82bc"
	EmailMethodID     = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f"
	PasswordMethodID  = "28c10230-6103-485e-b985-444c60001490"
	GlobalAdminRoleID = "62e90394-69f5-4237-9190-012177145e10"
	PrivRoleAdminID   = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	HelpdeskAdminRole = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
	AuthAdminRoleID   = "c4e39bd9-1100-46d3-8c65-fb160da0071f"
	PrivAuthAdminRole = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
	UserAdminRoleID   = "fe930be7-5e62-47db-91af-98c3a49a38b1"
)

// Mail is a message sent through sendMail.
type Mail struct {
	From        string
	To          []string
	Subject     string
	ContentType string
	Body        string
	At          time.Time
}

// Request is a request the fake answered.
type Request struct {
	Method string
	// Path is the decoded URL path, with its version prefix.
	Path  string
	Query string
	Time  time.Time
	// Status is the status the fake answered.
	Status int
	// Authorization is the Authorization header's scheme and whether a
	// token came with it: "Bearer" or "".
	Authorization string
	// Gzip reports a gzip-compressed request body.
	Gzip bool
	// ConsistencyLevel is the request's ConsistencyLevel header ("eventual"
	// asks for advanced queries over an index that may lag behind).
	ConsistencyLevel string
}
