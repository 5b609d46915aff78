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
	UserType  string
	ManagerID string
	// Methods are the registered methods; a password method is added when
	// none is given, as every cloud user has one.
	Methods []Method
	// DefaultMethodID is the id of the user's default MFA method.
	DefaultMethodID string
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
}
