package storetest

import (
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// base is the time the fixtures start from; its nanoseconds check that
// stores keep them.
var base = time.Date(2026, 3, 14, 9, 0, 0, 123456789, time.UTC)

// fullRequest builds a request with every field set, its times in loc.
func fullRequest(id string, loc *time.Location) *mfa.Request {
	at := func(d time.Duration) time.Time { return base.Add(d).In(loc) }
	phone := mfa.Method{Kind: mfa.KindPhone, ID: "3179e48a-750b-4051-897c-87b9720928f7", PhoneType: mfa.PhoneMobile, Label: "+1 ••• ••• 5555", Created: at(-48 * time.Hour)}
	app := mfa.Method{Kind: mfa.KindAuthenticator, ID: "6a9a0c3f-0f1b-4d2e-9d4f-2d5e6c7b8a90", Label: "iPhone 15", Created: at(-24*time.Hour + 7)}
	fido := mfa.Method{Kind: mfa.KindFIDO2, ID: "fido-1", Label: "YubiKey 5"}
	return &mfa.Request{
		ID:    id,
		State: mfa.StatePartial,
		Target: mfa.User{ID: "target-" + id, UPN: "alice@contoso.com", Mail: "alice@contoso.com", DisplayName: "Alice Adams",
			JobTitle: "Accountant", Department: "Finance", AccountEnabled: true, UserType: "Member"},
		Requester:       mfa.Actor{ID: "agent-1", Name: "Hank Helpdesk", UPN: "hank@contoso.com", Via: "teams"},
		Reason:          "lost phone, ticket 4711 — «ünïcode» ok",
		Profile:         mfa.ProfileAll,
		IssueTAP:        true,
		Methods:         []mfa.Method{phone, app, fido},
		Approver:        &mfa.Actor{ID: "approver-1", Name: "Ada Approver", UPN: "ada@contoso.com", Via: "teams"},
		Verification:    mfa.VerifiedVideoID,
		Manager:         &mfa.Actor{ID: "manager-1", Name: "Max Manager"},
		ManagerApproved: true,
		Confirmation:    mfa.ConfirmYes,
		DecidedBy:       &mfa.Actor{ID: "decider-1", UPN: "dora@contoso.com", Via: "cli"},
		DecisionNote:    "checked twice",
		NeedsOverride:   true,
		Override:        "CEO asked, incident 99",
		Result: &mfa.Result{
			Removed:         []mfa.Method{phone},
			Failed:          []mfa.MethodFailure{{Method: app, Reason: "default_method", Code: "badRequest", Message: "default method", RequestID: "req-1"}},
			Remaining:       []mfa.Method{app},
			SessionsRevoked: true,
			RevokeError:     "none",
			TAPIssued:       true,
			TAPExpires:      at(2 * time.Hour),
			TAPError:        "",
			Error:           "one method remains",
			AuditRef:        "17:abcdef",
			FinishedAt:      at(90*time.Minute + 1),
		},
		CreatedAt: at(0),
		ExpiresAt: at(time.Hour),
		UpdatedAt: at(30*time.Minute + 3),
	}
}

// pendingRequest builds a fresh pending request.
func pendingRequest(id, targetID, requesterID string, created time.Time) *mfa.Request {
	return &mfa.Request{
		ID:        id,
		State:     mfa.StatePending,
		Target:    mfa.User{ID: targetID, UPN: targetID + "@contoso.com", DisplayName: targetID, AccountEnabled: true},
		Requester: mfa.Actor{ID: requesterID, Name: requesterID, Via: "teams"},
		Reason:    "ticket",
		Profile:   mfa.ProfileReregister,
		Methods:   []mfa.Method{{Kind: mfa.KindPhone, ID: "p-" + id, PhoneType: mfa.PhoneMobile, Label: "+1 ••• ••• 0000"}},
		CreatedAt: created,
		ExpiresAt: created.Add(time.Hour),
		UpdatedAt: created,
	}
}
