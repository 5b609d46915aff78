// Package mfatest holds in-memory fakes of the domain's ports, for the tests
// of the domain and of its callers (bot, CLI). The fake of Microsoft Graph
// itself, over HTTP, is internal/graphfake.
package mfatest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mfabot/mfabot/internal/graphrules"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Directory is an in-memory mfa.Directory. It applies Graph's rules that
// the reset depends on from internal/graphrules, the same table the fake
// Graph answers from: the default method cannot be deleted while other
// methods remain, mobile cannot go while alternateMobile exists, a missing
// method is not found. Fail injects errors by operation.
type Directory struct {
	mu      sync.Mutex
	Users   map[string]mfa.User        // by id
	Methods map[string][]mfa.Method    // by user id
	Default map[string]string          // user id → method key of the default method
	Groups  map[string]map[string]bool // group id → member ids
	// GroupNames are the groups' display names, by id.
	GroupNames map[string]string
	Owners     map[string]map[string]bool // group id → owner ids
	Privs      map[string]mfa.Privileges  // by user id
	Managers   map[string]string          // user id → manager id
	TAPs       int
	// RepeatDeletes counts DELETEs of a method this directory had already
	// deleted: a reset that deletes twice.
	RepeatDeletes int
	deleted       map[string]bool  // user id + method key, once deleted
	TAPAsked      []mfa.TAPRequest // every CreateTAP's request, in order
	Revoked       map[string]int
	Calls         []string
	// HardwareOATHUnlisted, when set, is why hardware OATH tokens cannot
	// be listed (Graph lists them through its beta API only): ListMethods
	// then omits them and returns an *mfa.IncompleteListError.
	HardwareOATHUnlisted error
	// Policy is the tenant's TAP policy (TAPPolicy() when nil: enabled for
	// every user, 1 to 8 hours, as Microsoft's documented example).
	Policy *mfa.TAPPolicy
	// Fail, when it returns an error for an operation ("delete", "list",
	// "revoke", "tap", "member", "privileges", "find", "manager", "members" (with the group id)), makes
	// that call fail.
	Fail func(op, userID string) error
}

var _ mfa.Directory = (*Directory)(nil)

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	return &Directory{Users: map[string]mfa.User{}, Methods: map[string][]mfa.Method{}, Default: map[string]string{},
		Groups: map[string]map[string]bool{}, GroupNames: map[string]string{}, Owners: map[string]map[string]bool{}, Privs: map[string]mfa.Privileges{}, Managers: map[string]string{}, Revoked: map[string]int{}}
}

// AddUser adds a user with methods; the first method is the default.
func (d *Directory) AddUser(u mfa.User, ms ...mfa.Method) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u.UserType == "" {
		u.UserType = "Member"
	}
	d.Users[u.ID] = u
	d.Methods[u.ID] = append([]mfa.Method{{Kind: mfa.KindPassword, ID: "28c10230-6103-485e-b985-444c60001490", Label: "Password"}}, ms...)
	if len(ms) > 0 {
		d.Default[u.ID] = ms[0].Key()
	}
}

// AddMethodForTest registers one more method for a user.
func (d *Directory) AddMethodForTest(userID string, m mfa.Method) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Methods[userID] = append(d.Methods[userID], m)
}

// AddMember puts a user in a group.
func (d *Directory) AddMember(groupID, userID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.Groups[groupID] == nil {
		d.Groups[groupID] = map[string]bool{}
	}
	d.Groups[groupID][userID] = true
}

// call records an operation; subject is the user id, then what is acted on.
func (d *Directory) call(op, subject string) error {
	d.mu.Lock()
	d.Calls = append(d.Calls, op+" "+subject)
	f := d.Fail
	d.mu.Unlock()
	if f != nil {
		user, _, _ := strings.Cut(subject, " ")
		return f(op, user)
	}
	return nil
}

// Called reports whether a call whose text contains s was made.
func (d *Directory) Called(s string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.Calls {
		if strings.Contains(c, s) {
			return true
		}
	}
	return false
}

// FindUser resolves an id, UPN or mail.
func (d *Directory) FindUser(ctx context.Context, key string) (mfa.User, error) {
	if err := d.call("find", key); err != nil {
		return mfa.User{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, u := range d.Users {
		if u.ID == key || strings.EqualFold(u.UPN, key) || (u.Mail != "" && strings.EqualFold(u.Mail, key)) {
			return u, nil
		}
	}
	return mfa.User{}, mfa.Errorf(mfa.ENotFound, "no user %s in the directory", key)
}

// ListMethods lists a copy of the user's methods.
func (d *Directory) ListMethods(ctx context.Context, userID string) ([]mfa.Method, error) {
	if err := d.call("list", userID); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if why := d.HardwareOATHUnlisted; why != nil {
		var out []mfa.Method
		for _, m := range d.Methods[userID] {
			if m.Kind != mfa.KindHardwareOATH {
				out = append(out, m)
			}
		}
		return out, &mfa.IncompleteListError{Kind: mfa.KindHardwareOATH, Err: why}
	}
	return append([]mfa.Method(nil), d.Methods[userID]...), nil
}

// DeleteMethod deletes under Graph's rules (internal/graphrules, the table
// the fake Graph answers from too).
func (d *Directory) DeleteMethod(ctx context.Context, userID string, m mfa.Method) error {
	if err := d.call("delete", userID+" "+m.Key()); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	ms := d.Methods[userID]
	if r := graphrules.DeleteRefusal(ms, m, d.Default[userID] == m.Key(), false); r != nil {
		e := &mfa.DirectoryError{Op: "delete the " + mfa.KindName(m.Kind) + " method", Reason: r.Reason, Code: r.Code, Message: r.Message}
		if r.Reason == mfa.ReasonDefaultMethod {
			e.RequestID = "req-default"
		}
		if r.Reason == mfa.ReasonNotFound && d.deleted[userID+" "+m.Key()] {
			d.RepeatDeletes++
		}
		return e
	}
	idx := slices.IndexFunc(ms, func(x mfa.Method) bool { return x.Key() == m.Key() })
	d.Methods[userID] = append(ms[:idx:idx], ms[idx+1:]...)
	if d.deleted == nil {
		d.deleted = map[string]bool{}
	}
	d.deleted[userID+" "+m.Key()] = true
	return nil
}

// RevokeSessions counts revocations.
func (d *Directory) RevokeSessions(ctx context.Context, userID string) error {
	if err := d.call("revoke", userID); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Revoked[userID]++
	return nil
}

// TAPPolicy returns the tenant's Temporary Access Pass policy.
func (d *Directory) TAPPolicy(ctx context.Context) (mfa.TAPPolicy, error) {
	if err := d.call("tappolicy", ""); err != nil {
		return mfa.TAPPolicy{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.Policy != nil {
		return *d.Policy, nil
	}
	return TAPPolicy(), nil
}

// TAPPolicy is Microsoft's documented example policy: enabled for all
// users, passes of 1 to 8 hours, 1 hour by default, reusable.
func TAPPolicy() mfa.TAPPolicy {
	return mfa.TAPPolicy{Enabled: true, AllUsers: true, MinLifetime: time.Hour, MaxLifetime: 8 * time.Hour, DefaultLifetime: time.Hour}
}

// CreateTAP issues a pass and registers it as a method, replacing any
// older pass (Graph keeps one per user).
func (d *Directory) CreateTAP(ctx context.Context, userID string, req mfa.TAPRequest) (mfa.TAP, error) {
	if err := d.call("tap", userID); err != nil {
		return mfa.TAP{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.TAPs++
	d.TAPAsked = append(d.TAPAsked, req)
	id := fmt.Sprintf("tap-%d", d.TAPs)
	d.Methods[userID] = slices.DeleteFunc(d.Methods[userID], func(m mfa.Method) bool { return m.Kind == mfa.KindTAP })
	d.Methods[userID] = append(d.Methods[userID], mfa.Method{Kind: mfa.KindTAP, ID: id, Label: "Temporary Access Pass"})
	return mfa.TAP{Value: fmt.Sprintf("Tap+%04d!x", d.TAPs), Lifetime: req.Lifetime, OneTime: req.OneTime, ExpiresAt: time.Now().Add(req.Lifetime)}, nil
}

// Privileges returns the seeded privileges, and the watched groups the
// user is a member (Groups) or owner (Owners) of.
func (d *Directory) Privileges(ctx context.Context, userID string, watch []string) (mfa.Privileges, error) {
	if err := d.call("privileges", userID); err != nil {
		return mfa.Privileges{Unread: []string{mfa.Message(err)}}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.Privs[userID]
	p.Watched = append([]mfa.GroupPath(nil), p.Watched...)
	for _, g := range watch {
		if d.Groups[g][userID] {
			p.Watched = append(p.Watched, mfa.GroupPath{GroupID: g, How: "member"})
		}
		if d.Owners[g][userID] {
			p.Watched = append(p.Watched, mfa.GroupPath{GroupID: g, How: "owner"})
		}
	}
	return p, nil
}

// AddOwner makes a user an owner of a group.
func (d *Directory) AddOwner(groupID, userID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.Owners[groupID] == nil {
		d.Owners[groupID] = map[string]bool{}
	}
	d.Owners[groupID][userID] = true
}

// IsMemberOf checks the seeded groups.
func (d *Directory) IsMemberOf(ctx context.Context, userID, groupID string) (bool, error) {
	if err := d.call("member", userID); err != nil {
		return false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Graph compares object ids case-insensitively.
	for id, in := range d.Groups[groupID] {
		if in && mfa.SameID(id, userID) {
			return true, nil
		}
	}
	return false, nil
}

// GroupMembers lists the seeded members of a group that are users, sorted
// by id (the real directory's order is its own).
func (d *Directory) GroupMembers(ctx context.Context, groupID string) ([]mfa.User, error) {
	if err := d.call("members", groupID); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []mfa.User
	for id := range d.Groups[groupID] {
		if u, ok := d.Users[id]; ok {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b mfa.User) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// FindGroup resolves a seeded group by id (case-insensitively) or by its
// name in GroupNames; a name two groups share is EInvalid, as in
// internal/graph.
func (d *Directory) FindGroup(ctx context.Context, key string) (mfa.Group, error) {
	if err := d.call("group", key); err != nil {
		return mfa.Group{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for id := range d.Groups {
		if mfa.SameID(id, key) {
			return mfa.Group{ID: id, Name: d.GroupNames[id]}, nil
		}
	}
	var found []mfa.Group
	for id, name := range d.GroupNames {
		if name == key {
			found = append(found, mfa.Group{ID: id, Name: name})
		}
	}
	switch len(found) {
	case 0:
		return mfa.Group{}, mfa.Errorf(mfa.ENotFound, "there is no group %q in the directory", key)
	case 1:
		return found[0], nil
	}
	return mfa.Group{}, mfa.Errorf(mfa.EInvalid, "%d groups are named %q: use the group's object id", len(found), key)
}

// EachGroupMember calls f with each seeded member of the group that is a
// user, in GroupMembers' order, stopping at f's first error.
func (d *Directory) EachGroupMember(ctx context.Context, groupID string, f func(mfa.User) error) error {
	us, err := d.GroupMembers(ctx, groupID)
	if err != nil {
		return err
	}
	for _, u := range us {
		if err := f(u); err != nil {
			return err
		}
	}
	return nil
}

// Manager returns the seeded manager.
func (d *Directory) Manager(ctx context.Context, userID string) (mfa.User, error) {
	if err := d.call("manager", userID); err != nil {
		return mfa.User{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if m, ok := d.Users[d.Managers[userID]]; ok {
		return m, nil
	}
	return mfa.User{}, mfa.Errorf(mfa.ENotFound, "no manager")
}

// Count returns how many calls of op were made.
func (d *Directory) Count(op string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.Calls {
		if strings.HasPrefix(c, op+" ") {
			n++
		}
	}
	return n
}
