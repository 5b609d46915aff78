package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
)

// KV is the key-value table of a SQL store: small values by namespace and
// key. Get answers an *mfa.Error with ENotFound for a missing key; Delete of
// a missing key is not an error; List answers an empty map, not nil.
type KV interface {
	Put(ctx context.Context, ns, key string, value []byte) error
	Get(ctx context.Context, ns, key string) ([]byte, error)
	List(ctx context.Context, ns string) (map[string][]byte, error)
	Delete(ctx context.Context, ns, key string) error
}

// Namespaces and keys of the values kept in the key-value table. The names
// are those earlier versions wrote, so their data reads on.
const (
	nsBreaker   = "breaker" // "tenant" → mfa.BreakerState
	keyBreaker  = "tenant"
	nsUsers     = "teams.users"     // Entra object id → botstate.User
	nsApprovers = "teams.approvers" // Entra object id → Teams user id
	nsConfig    = "teams.config"    // keyApprovals, keyChannel
	nsCardsPfx  = "teams.cards:"    // + request id: conversation → botstate.Card (earlier: conversation + " " + activity)
	nsFailed    = "teams.failed"    // activity id → botstate.FailedTurn
	keyApproval = "approvals"       // botstate.Conversation
	keyChannel  = "serviceUrl"      // botstate.Channel
)

// Values keeps the typed values of both ports in a store's key-value table:
// the circuit breaker of mfa.Store, and all of botstate.Store but Once. A
// store embeds it over itself, so both stores encode alike.
type Values struct{ KV KV }

// Breaker returns the circuit breaker's state; the zero state when none
// was saved.
func (v Values) Breaker(ctx context.Context) (mfa.BreakerState, error) {
	var st mfa.BreakerState
	err := v.get(ctx, nsBreaker, keyBreaker, &st)
	if mfa.Code(err) == mfa.ENotFound {
		return mfa.BreakerState{}, nil
	}
	return st, err
}

// SetBreaker saves the circuit breaker's state.
func (v Values) SetBreaker(ctx context.Context, st mfa.BreakerState) error {
	return v.put(ctx, nsBreaker, keyBreaker, st)
}

// User returns how to reach the user with the Entra object id oid.
func (v Values) User(ctx context.Context, oid string) (botstate.User, error) {
	var u botstate.User
	return u, v.get(ctx, nsUsers, oid, &u)
}

// PutUser stores how to reach the user with the Entra object id oid.
func (v Values) PutUser(ctx context.Context, oid string, u botstate.User) error {
	if oid == "" {
		return mfa.Errorf(mfa.EInvalid, "a user reference needs an object id")
	}
	return v.put(ctx, nsUsers, oid, u)
}

// Channel returns where the bot last heard from Teams.
func (v Values) Channel(ctx context.Context) (botstate.Channel, error) {
	var c botstate.Channel
	return c, v.get(ctx, nsConfig, keyChannel, &c)
}

// PutChannel stores where the bot last heard from Teams.
func (v Values) PutChannel(ctx context.Context, c botstate.Channel) error {
	return v.put(ctx, nsConfig, keyChannel, c)
}

// Approvers returns the users seen to be approvers, object id → Teams id.
func (v Values) Approvers(ctx context.Context) (map[string]string, error) {
	all, err := v.KV.List(ctx, nsApprovers)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(all))
	for oid, teamsID := range all {
		out[oid] = string(teamsID)
	}
	return out, nil
}

// PutApprover records an approver's Teams id.
func (v Values) PutApprover(ctx context.Context, oid, teamsID string) error {
	if oid == "" || teamsID == "" {
		return mfa.Errorf(mfa.EInvalid, "an approver needs an object id and a Teams id")
	}
	return v.KV.Put(ctx, nsApprovers, oid, []byte(teamsID))
}

// DeleteApprover forgets an approver.
func (v Values) DeleteApprover(ctx context.Context, oid string) error {
	return v.KV.Delete(ctx, nsApprovers, oid)
}

// AddCard records a card posted for a request.
func (v Values) AddCard(ctx context.Context, requestID string, c botstate.Card) error {
	if requestID == "" || c.ConversationID == "" || c.ActivityID == "" {
		return mfa.Errorf(mfa.EInvalid, "a card reference needs a request, a conversation and an activity id")
	}
	// One card per conversation: the key is the conversation alone. Cards
	// recorded by earlier versions (conversation + " " + activity) are
	// dropped as the conversation's card is replaced.
	ns := nsCardsPfx + requestID
	all, err := v.KV.List(ctx, ns)
	if err != nil {
		return err
	}
	if err := v.put(ctx, ns, c.ConversationID, c); err != nil {
		return err
	}
	for k := range all {
		if strings.HasPrefix(k, c.ConversationID+" ") {
			if err := v.KV.Delete(ctx, ns, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Cards returns the cards posted for a request, one per conversation,
// ordered by conversation. A record that does not decode fails the call:
// the caller would otherwise leave a card out of date without knowing.
func (v Values) Cards(ctx context.Context, requestID string) ([]botstate.Card, error) {
	all, err := v.KV.List(ctx, nsCardsPfx+requestID)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]botstate.Card, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		var c botstate.Card
		if err := json.Unmarshal(all[k], &c); err != nil {
			return nil, mfa.Wrap(mfa.EInternal, err, "the card reference %q of request %s is unreadable", k, requestID)
		}
		// An earlier version's key sorts after the conversation's own key:
		// the first card of a conversation wins.
		if conv, _, _ := strings.Cut(k, " "); seen[conv] {
			continue
		} else {
			seen[conv] = true
		}
		out = append(out, c)
	}
	return out, nil
}

// FailedTurn returns what the failed turn of an activity left behind.
func (v Values) FailedTurn(ctx context.Context, activityID string) (botstate.FailedTurn, error) {
	var f botstate.FailedTurn
	return f, v.get(ctx, nsFailed, activityID, &f)
}

// PutFailedTurn records that the turn of an activity failed.
func (v Values) PutFailedTurn(ctx context.Context, activityID string, f botstate.FailedTurn) error {
	if activityID == "" {
		return mfa.Errorf(mfa.EInvalid, "a failed turn needs an activity id")
	}
	return v.put(ctx, nsFailed, activityID, f)
}

// DeleteFailedTurn forgets a failed turn.
func (v Values) DeleteFailedTurn(ctx context.Context, activityID string) error {
	return v.KV.Delete(ctx, nsFailed, activityID)
}

// Approvals returns the approvals conversation.
func (v Values) Approvals(ctx context.Context) (botstate.Conversation, error) {
	var c botstate.Conversation
	return c, v.get(ctx, nsConfig, keyApproval, &c)
}

// SetApprovals registers the approvals conversation.
func (v Values) SetApprovals(ctx context.Context, c botstate.Conversation) error {
	if c.ServiceURL == "" || c.Conversation.ID == "" {
		return mfa.Errorf(mfa.EInvalid, "the approvals conversation needs a service URL and a conversation id")
	}
	return v.put(ctx, nsConfig, keyApproval, c)
}

func (v Values) put(ctx context.Context, ns, key string, val any) error {
	raw, err := json.Marshal(val)
	if err != nil {
		return fmt.Errorf("encode %s value: %w", ns, err)
	}
	return v.KV.Put(ctx, ns, key, raw)
}

func (v Values) get(ctx context.Context, ns, key string, into any) error {
	raw, err := v.KV.Get(ctx, ns, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return mfa.Wrap(mfa.EInternal, err, "the stored %s value %q is unreadable", ns, key)
	}
	return nil
}
