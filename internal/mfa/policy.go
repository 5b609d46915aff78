package mfa

import "time"

// ConfirmPolicy says whether the target user is asked "Was this you?".
type ConfirmPolicy string

// Confirmation policies.
const (
	ConfirmOff       ConfirmPolicy = "off"
	ConfirmReachable ConfirmPolicy = "when_reachable" // ask when the bot can reach the user; "No" blocks
	ConfirmRequired  ConfirmPolicy = "required"       // approval waits for "Yes"
)

// ManagerPolicy says what role the target's manager plays.
type ManagerPolicy string

// Manager policies.
const (
	ManagerOff  ManagerPolicy = "off"
	ManagerMay  ManagerPolicy = "may"  // the manager may approve instead of an approver
	ManagerMust ManagerPolicy = "must" // the manager must co-approve
)

// Policy is the deployment's configuration of the domain. The zero value is
// not usable; Defaults fills what was not set.
type Policy struct {
	HelpdeskGroupID  string
	ApproverGroupID  string
	ProtectedGroupID string
	// TAPGroupID, when set, limits TAPs to requesters in that group.
	TAPGroupID string

	Profile    Profile
	RequestTTL time.Duration

	TAPEnabled  bool
	TAPDefault  bool // issue a TAP when the request does not say
	TAPLifetime time.Duration
	TAPOneTime  bool

	Confirm ConfirmPolicy
	Manager ManagerPolicy

	PerRequesterLimit int           // requests per requester per RequesterWindow
	RequesterWindow   time.Duration // default 1h
	PerTargetLimit    int           // executed resets per target per TargetWindow
	TargetWindow      time.Duration // default 24h
	BreakerLimit      int           // executed resets tenant-wide per BreakerWindow
	BreakerWindow     time.Duration // default 1h

	// MailFrom, when set, is the mailbox the user notification is sent from.
	MailFrom string

	// ResumeLease is how long a request must have been idle in executing
	// before Resume takes it over. Zero for a single replica (SQLite): a
	// request executing at start-up was left by a crash. With several
	// replicas sharing a database, another replica may be running it.
	ResumeLease time.Duration
}

// Defaults returns p with unset fields at their defaults.
func (p Policy) Defaults() Policy {
	if p.Profile == "" {
		p.Profile = ProfileReregister
	}
	if p.RequestTTL == 0 {
		p.RequestTTL = 30 * time.Minute
	}
	if p.TAPLifetime == 0 {
		p.TAPLifetime = 60 * time.Minute
	}
	if p.Confirm == "" {
		p.Confirm = ConfirmReachable
	}
	if p.Manager == "" {
		p.Manager = ManagerOff
	}
	if p.PerRequesterLimit == 0 {
		p.PerRequesterLimit = 5
	}
	if p.RequesterWindow == 0 {
		p.RequesterWindow = time.Hour
	}
	if p.PerTargetLimit == 0 {
		p.PerTargetLimit = 1
	}
	if p.TargetWindow == 0 {
		p.TargetWindow = 24 * time.Hour
	}
	if p.BreakerLimit == 0 {
		p.BreakerLimit = 20
	}
	if p.BreakerWindow == 0 {
		p.BreakerWindow = time.Hour
	}
	return p
}
