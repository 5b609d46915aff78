package mfa

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// TAPPolicy is the tenant's Temporary Access Pass policy (Entra's
// authentication methods policy), as the directory reports it.
type TAPPolicy struct {
	Enabled bool
	// AllUsers: the policy targets every user; otherwise IncludeGroups.
	AllUsers      bool
	IncludeGroups []string
	ExcludeGroups []string
	// MinLifetime, MaxLifetime and DefaultLifetime bound a pass's lifetime.
	MinLifetime, MaxLifetime, DefaultLifetime time.Duration
	// OneTimeOnly: every pass in the tenant is one-time.
	OneTimeOnly bool
}

// TAPOffer is what the tenant's policy allows for one target, read when the
// request is made.
type TAPOffer struct {
	// Why is empty when a pass can be issued, else the reason it cannot.
	Why      string        `json:"why,omitempty"`
	Lifetime time.Duration `json:"lifetime,omitempty"`
	OneTime  bool          `json:"oneTime,omitempty"`
}

// tapOffer reads the tenant's policy and decides whether a pass can be
// issued to u, for how long (the deployment's lifetime clamped to the
// policy) and whether it is one-time. A policy that cannot be read offers
// nothing: Graph would refuse a pass the policy does not allow.
func (s *Service) tapOffer(ctx context.Context, u User) TAPOffer {
	p, err := s.dir.TAPPolicy(ctx)
	if err != nil {
		return TAPOffer{Why: "the tenant's Temporary Access Pass policy could not be read: " + Message(err)}
	}
	if !p.Enabled {
		return TAPOffer{Why: "Temporary Access Passes are turned off in the tenant's authentication methods policy"}
	}
	in, err := s.inAnyGroup(ctx, u.ID, p.ExcludeGroups)
	if err != nil {
		return TAPOffer{Why: "the tenant's Temporary Access Pass policy could not be checked for the user: " + Message(err)}
	}
	if in {
		return TAPOffer{Why: "the user is excluded from the tenant's Temporary Access Pass policy"}
	}
	if !p.AllUsers {
		in, err := s.inAnyGroup(ctx, u.ID, p.IncludeGroups)
		if err != nil {
			return TAPOffer{Why: "the tenant's Temporary Access Pass policy could not be checked for the user: " + Message(err)}
		}
		if !in {
			return TAPOffer{Why: "the user is not in a group the tenant's Temporary Access Pass policy includes"}
		}
	}
	o := TAPOffer{Lifetime: s.policy.TAPLifetime, OneTime: s.policy.TAPOneTime || p.OneTimeOnly}
	if p.MinLifetime > 0 && o.Lifetime < p.MinLifetime {
		o.Lifetime = p.MinLifetime
	}
	if p.MaxLifetime > 0 && o.Lifetime > p.MaxLifetime {
		o.Lifetime = p.MaxLifetime
	}
	return o
}

func (s *Service) inAnyGroup(ctx context.Context, userID string, groups []string) (bool, error) {
	for _, g := range slices.Compact(slices.Sorted(slices.Values(groups))) {
		in, err := s.dir.IsMemberOf(ctx, userID, g)
		if err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// Describe says in words what the offer is.
func (o TAPOffer) Describe() string {
	if o.Why != "" {
		return "cannot be issued: " + o.Why
	}
	kind := "reusable"
	if o.OneTime {
		kind = "one-time"
	}
	return fmt.Sprintf("can be issued: %s, valid %s", kind, FormatLifetime(o.Lifetime))
}

// FormatLifetime writes a lifetime as people read it ("1 h", "90 min").
func FormatLifetime(d time.Duration) string {
	if d%time.Hour == 0 && d >= time.Hour {
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return fmt.Sprintf("%d min", int(d/time.Minute))
}
