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
// not usable: start from config.DefaultPolicy.
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

	// ExecutionLease is how long an executor's lease on a request lasts
	// without a renewal (2m; renewed every third of it). Another
	// process or replica takes an executing request over only once its
	// lease has run out.
	ExecutionLease time.Duration

	// IncidentGroupID, when set, turns incident mode on: its members may
	// ask for a reset of many users at once (a Batch).
	IncidentGroupID string
	// IncidentMax is the most users one batch may name.
	IncidentMax int
	// IncidentWriteRate is Graph writes per second for batches, shared by
	// every worker of every replica.
	IncidentWriteRate int
	// IncidentWorkers is how many users each replica resets at once.
	IncidentWorkers int
}

// missing names the fields a usable policy cannot leave at zero. The
// defaults are declared once, with the settings (config.DefaultPolicy);
// the domain does not keep a second copy, so a policy built by hand fails
// loudly instead of running with zero limits.
func (p Policy) missing() []string {
	var out []string
	for _, f := range []struct {
		name string
		zero bool
	}{
		{"Profile", p.Profile == ""}, {"RequestTTL", p.RequestTTL <= 0}, {"TAPLifetime", p.TAPLifetime <= 0},
		{"Confirm", p.Confirm == ""}, {"Manager", p.Manager == ""},
		{"PerRequesterLimit", p.PerRequesterLimit <= 0}, {"RequesterWindow", p.RequesterWindow <= 0},
		{"PerTargetLimit", p.PerTargetLimit <= 0}, {"TargetWindow", p.TargetWindow <= 0},
		{"BreakerLimit", p.BreakerLimit <= 0}, {"BreakerWindow", p.BreakerWindow <= 0},
		{"ExecutionLease", p.ExecutionLease <= 0},
		{"IncidentMax", p.IncidentMax <= 0}, {"IncidentWriteRate", p.IncidentWriteRate <= 0}, {"IncidentWorkers", p.IncidentWorkers <= 0},
	} {
		if f.zero {
			out = append(out, f.name)
		}
	}
	return out
}
