package graphfake

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// IncidentSeed describes many users in one group, the target of an
// incident reset: user i (1..Users) is "<Prefix>-00001@<Domain>" (a
// made-up name such as "Ava Brooks" for display), an
// enabled member with three methods — a mobile phone (the default),
// Microsoft Authenticator and a software OATH token — beside the password.
type IncidentSeed struct {
	// Users is how many users.
	Users int
	// GroupID and GroupName name the group they are all direct members of
	// (IncidentGroupID and IncidentGroupName when empty).
	GroupID, GroupName string
	// Prefix starts each UPN ("incident" when empty); Domain ends it
	// ("contoso.com" when empty).
	Prefix, Domain string
	// Also are more members of the group (ids of users or groups seeded
	// otherwise: an administrator or a guest, say).
	Also []string
}

// The group IncidentTenant makes.
const (
	IncidentGroupID   = "0d1e2f30-0000-4000-8000-0000000000e1"
	IncidentGroupName = "Phished users"
)

// Method ids the incident users share (ids are per user in Graph; a
// phone's is well known).
const (
	IncidentAuthenticatorID = "1a7c0e2b-0000-4000-8000-00000000a001"
	IncidentOATHID          = "1a7c0e2b-0000-4000-8000-00000000a002"
)

func (in IncidentSeed) withDefaults() IncidentSeed {
	if in.GroupID == "" {
		in.GroupID = IncidentGroupID
	}
	if in.GroupName == "" {
		in.GroupName = IncidentGroupName
	}
	if in.Prefix == "" {
		in.Prefix = "incident"
	}
	if in.Domain == "" {
		in.Domain = "contoso.com"
	}
	return in
}

// IncidentUserID is the object id of user i (1-based) of the seed's
// prefix ("" for "incident"): 8 hex digits from the prefix, then i.
func IncidentUserID(prefix string, i int) string {
	if prefix == "" {
		prefix = "incident"
	}
	h := fnv.New32a()
	h.Write([]byte(prefix))
	return fmt.Sprintf("%08x-0000-4000-8000-%012d", h.Sum32(), i)
}

// IncidentUserUPN is the UPN of user i (1-based) of a seed.
func IncidentUserUPN(prefix, domain string, i int) string {
	in := IncidentSeed{Prefix: prefix, Domain: domain}.withDefaults()
	return fmt.Sprintf("%s-%05d@%s", in.Prefix, i, in.Domain)
}

// AddIncident adds the seed's users and their group to t.
func (t *Tenant) AddIncident(in IncidentSeed) {
	in = in.withDefaults()
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	g := Group{ID: in.GroupID, DisplayName: in.GroupName, Members: make([]string, 0, in.Users+len(in.Also))}
	t.Users = slices.Grow(t.Users, in.Users)
	for i := 1; i <= in.Users; i++ {
		id := IncidentUserID(in.Prefix, i)
		upn := IncidentUserUPN(in.Prefix, in.Domain, i)
		t.Users = append(t.Users, User{
			ID: id, UPN: upn, Mail: upn, DisplayName: incidentName(i),
			JobTitle: "Clerk", Department: "Operations", AccountEnabled: true, UserType: "Member",
			Methods: []Method{
				{Kind: mfa.KindPassword, ID: PasswordMethodID, Created: t0},
				{Kind: mfa.KindPhone, ID: MobilePhoneID, PhoneType: mfa.PhoneMobile, PhoneNumber: fmt.Sprintf("+1 425555%04d", i%10000), Created: t0},
				{Kind: mfa.KindAuthenticator, ID: IncidentAuthenticatorID, DisplayName: "Phone", Created: t0},
				{Kind: mfa.KindSoftwareOATH, ID: IncidentOATHID, Created: t0},
			},
			DefaultMethodID: MobilePhoneID,
		})
		g.Members = append(g.Members, id)
	}
	g.Members = append(g.Members, in.Also...)
	t.Groups = append(t.Groups, g)
}

// IncidentTenant is the demo tenant with n more users, incident-00001@
// contoso.com …, all members of the group IncidentGroupID ("Phished
// users"), each with three methods.
func IncidentTenant(n int) Tenant {
	t := DemoTenant()
	t.AddIncident(IncidentSeed{Users: n})
	return t
}

var (
	incidentFirst = []string{"Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Isla", "Jonas",
		"Kemi", "Liam", "Maya", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Sami", "Tara"}
	incidentLast = []string{"Adams", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
		"Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Weber"}
)

// incidentName is user i's display name: 400 combinations, repeated.
func incidentName(i int) string {
	i--
	return incidentFirst[i%len(incidentFirst)] + " " + incidentLast[(i/len(incidentFirst))%len(incidentLast)]
}
