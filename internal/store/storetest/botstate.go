package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
)

// testBreaker: the breaker reads as closed until saved, and reads back
// what was saved.
func testBreaker(t *testing.T, s Store, _ *Clock) {
	st, err := s.Breaker(ctx)
	if err != nil || st != (mfa.BreakerState{}) {
		t.Fatalf("breaker never saved: %+v %v, want the zero state", st, err)
	}
	want := mfa.BreakerState{Paused: true, TrippedAt: base.Truncate(time.Second), Reason: "20 resets ran in the last 1h0m0s (limit 20)"}
	if err := s.SetBreaker(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Breaker(ctx)
	if err != nil || !got.TrippedAt.Equal(want.TrippedAt) || got.Paused != want.Paused || got.Reason != want.Reason {
		t.Fatalf("breaker: %+v %v, want %+v", got, err, want)
	}
	if err := s.SetBreaker(ctx, mfa.BreakerState{ResumedAt: base}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Breaker(ctx); got.Paused || !got.ResumedAt.Equal(base) {
		t.Fatalf("resumed breaker: %+v", got)
	}
}

func testBotUsers(t *testing.T, s Store, _ *Clock) {
	_, err := s.User(ctx, "oid-alice")
	wantCode(t, err, mfa.ENotFound, "unknown user")
	alice := botstate.User{User: botstate.Account{ID: "29:alice", Name: "Alice", AadObjectID: "oid-alice"},
		Bot: botstate.Account{ID: "28:bot", Name: "mfabot"}, ServiceURL: "https://smba.example/emea/", ChannelID: "msteams",
		TenantID: "tenant", Personal: "a:1"}
	if err := s.PutUser(ctx, "oid-alice", alice); err != nil {
		t.Fatal(err)
	}
	// A user known by their chat only (the app installed for them).
	bob := botstate.User{Bot: alice.Bot, ServiceURL: alice.ServiceURL, ChannelID: "msteams", Personal: "19:x_y@unq.gbl.spaces"}
	if err := s.PutUser(ctx, "oid-bob", bob); err != nil {
		t.Fatal(err)
	}
	for oid, want := range map[string]botstate.User{"oid-alice": alice, "oid-bob": bob} {
		if got, err := s.User(ctx, oid); err != nil || got != want {
			t.Fatalf("user %s: %+v %v, want %+v", oid, got, err, want)
		}
	}
	alice.Personal = "a:2"
	if err := s.PutUser(ctx, "oid-alice", alice); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, "oid-alice"); got.Personal != "a:2" {
		t.Fatalf("user not replaced: %+v", got)
	}
	wantCode(t, s.PutUser(ctx, "", alice), mfa.EInvalid, "user without an object id")

	_, err = s.Channel(ctx)
	wantCode(t, err, mfa.ENotFound, "channel never seen")
	ch := botstate.Channel{ServiceURL: alice.ServiceURL, ChannelID: "msteams", TenantID: "tenant", Bot: alice.Bot}
	if err := s.PutChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Channel(ctx); err != nil || got != ch {
		t.Fatalf("channel: %+v %v", got, err)
	}
}

func testBotApprovers(t *testing.T, s Store, _ *Clock) {
	if all, err := s.Approvers(ctx); err != nil || all == nil || len(all) != 0 {
		t.Fatalf("no approvers yet: %v %v, want an empty map", all, err)
	}
	for oid, id := range map[string]string{"oid-a": "29:a", "oid-b": "29:b"} {
		if err := s.PutApprover(ctx, oid, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutApprover(ctx, "oid-a", "29:a2"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteApprover(ctx, "oid-b"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteApprover(ctx, "oid-never"); err != nil {
		t.Fatalf("forgetting an unknown approver: %v", err)
	}
	if all, err := s.Approvers(ctx); err != nil || !reflect.DeepEqual(all, map[string]string{"oid-a": "29:a2"}) {
		t.Fatalf("approvers: %v %v", all, err)
	}
	wantCode(t, s.PutApprover(ctx, "oid-c", ""), mfa.EInvalid, "approver without a Teams id")
}

func testBotCards(t *testing.T, s Store, _ *Clock) {
	if cs, err := s.Cards(ctx, "R-1"); err != nil || cs == nil || len(cs) != 0 {
		t.Fatalf("no cards yet: %v %v, want an empty slice", cs, err)
	}
	chat := botstate.Card{Kind: botstate.CardRequest, ServiceURL: "https://smba.example/", ConversationID: "a:2", ActivityID: "1",
		Viewer: "oid-alice", ViewerTeams: "29:alice", Role: botstate.RoleApprover}
	channel := botstate.Card{Kind: botstate.CardRequest, ServiceURL: "https://smba.example/", ConversationID: "19:chan@thread.tacv2", ActivityID: "7",
		Mentions: []botstate.Mention{{ID: "29:ada", Name: "Ada Approver"}, {ID: "oid-abe", Name: "Abe Approver"}}}
	confirm := botstate.Card{Kind: botstate.CardConfirm, ServiceURL: "https://smba.example/", ConversationID: "a:1", ActivityID: "9"}
	for _, c := range []botstate.Card{channel, chat, confirm} {
		if err := s.AddCard(ctx, "R-1", c); err != nil {
			t.Fatal(err)
		}
	}
	other := botstate.Card{Kind: botstate.CardRequest, ServiceURL: "https://smba.example/", ConversationID: "a:1", ActivityID: "3"}
	if err := s.AddCard(ctx, "R-2", other); err != nil {
		t.Fatal(err)
	}
	chat.Viewer = "oid-bob" // the same card again replaces the record
	if err := s.AddCard(ctx, "R-1", chat); err != nil {
		t.Fatal(err)
	}
	got, err := s.Cards(ctx, "R-1")
	if want := []botstate.Card{channel, confirm, chat}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("cards of R-1:\n got %+v %v\nwant %+v (by conversation, then activity)", got, err, want)
	}
	if got, _ := s.Cards(ctx, "R-2"); !reflect.DeepEqual(got, []botstate.Card{other}) {
		t.Fatalf("cards of R-2: %+v", got)
	}
	wantCode(t, s.AddCard(ctx, "R-1", botstate.Card{ConversationID: "a:1"}), mfa.EInvalid, "card without an activity id")
	// One card per conversation: 60 status cards in one chat leave one to
	// keep up to date, the latest.
	for i := range 60 {
		status := botstate.Card{Kind: botstate.CardRequest, ServiceURL: "https://smba.example/", ConversationID: "a:3", ActivityID: fmt.Sprint(100 + i)}
		if err := s.AddCard(ctx, "R-3", status); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Cards(ctx, "R-3"); len(got) != 1 || got[0].ActivityID != "159" {
		t.Fatalf("cards of R-3 after 60 in one chat: %+v, want the last one only", got)
	}
}

func testBotFailedTurns(t *testing.T, s Store, _ *Clock) {
	if _, err := s.FailedTurn(ctx, "act-1"); mfa.Code(err) != mfa.ENotFound {
		t.Fatalf("no failed turn yet: %v", err)
	}
	f := botstate.FailedTurn{Request: "R-1", Attempt: 2, At: time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)}
	if err := s.PutFailedTurn(ctx, "act-1", f); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FailedTurn(ctx, "act-1"); err != nil || !got.At.Equal(f.At) || got.Request != f.Request || got.Attempt != f.Attempt {
		t.Fatalf("failed turn: %+v %v", got, err)
	}
	if err := s.DeleteFailedTurn(ctx, "act-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFailedTurn(ctx, "act-1"); err != nil {
		t.Fatalf("forgetting twice: %v", err)
	}
	if _, err := s.FailedTurn(ctx, "act-1"); mfa.Code(err) != mfa.ENotFound {
		t.Fatalf("after delete: %v", err)
	}
	wantCode(t, s.PutFailedTurn(ctx, "", f), mfa.EInvalid, "failed turn without an activity id")
}

func testBotConversations(t *testing.T, s Store, _ *Clock) {
	_, err := s.Approvals(ctx)
	wantCode(t, err, mfa.ENotFound, "no approvals conversation")
	c := botstate.Conversation{ServiceURL: "https://smba.example/", ChannelID: "msteams", TenantID: "tenant",
		Bot:          botstate.Account{ID: "28:bot"},
		Conversation: botstate.ConversationDetail{ID: "19:chan@thread.tacv2", ConversationType: "channel", TenantID: "tenant", IsGroup: true}}
	if err := s.SetApprovals(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Approvals(ctx); err != nil || got != c {
		t.Fatalf("approvals: %+v %v, want %+v", got, err, c)
	}
	wantCode(t, s.SetApprovals(ctx, botstate.Conversation{ServiceURL: "https://smba.example/"}), mfa.EInvalid, "approvals without a conversation")
}

// testBotEarlierFormat: values earlier versions wrote (the Bot Framework
// SDK's JSON, with its "role") read on as the bot's own types.
func testBotEarlierFormat(t *testing.T, s Store, _ *Clock) {
	put := func(ns, key, v string) {
		t.Helper()
		if err := s.Put(ctx, ns, key, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	put("teams.users", "oid-alice", `{"user":{"id":"29:alice","name":"Alice","aadObjectId":"oid-alice"},"bot":{"id":"28:bot","name":"mfabot","role":"bot"},"serviceUrl":"https://smba.example/","channelId":"msteams","tenantId":"tenant","personal":"a:1"}`)
	put("teams.config", "approvals", `{"serviceUrl":"https://smba.example/","channelId":"msteams","conversation":{"isGroup":true,"conversationType":"channel","tenantId":"tenant","id":"19:chan@thread.tacv2"},"bot":{"id":"28:bot","name":"mfabot"},"tenantId":"tenant"}`)
	put("teams.cards:R-1", "a:1 5", `{"kind":"request","serviceUrl":"https://smba.example/","conversationId":"a:1","activityId":"5","viewer":"oid-alice","viewerTeams":"29:alice"}`)
	put("teams.approvers", "oid-alice", `29:alice`)
	put("breaker", "tenant", `{"paused":true,"trippedAt":"2026-03-14T15:00:00Z","reason":"too many"}`)

	u, err := s.User(ctx, "oid-alice")
	if err != nil || u.User.ID != "29:alice" || u.Bot.ID != "28:bot" || u.Personal != "a:1" || u.TenantID != "tenant" {
		t.Fatalf("earlier user reference: %+v %v", u, err)
	}
	a, err := s.Approvals(ctx)
	if err != nil || a.Conversation.ID != "19:chan@thread.tacv2" || a.Conversation.ConversationType != "channel" || a.Bot.ID != "28:bot" {
		t.Fatalf("earlier approvals conversation: %+v %v", a, err)
	}
	cs, err := s.Cards(ctx, "R-1")
	if err != nil || len(cs) != 1 || cs[0].ActivityID != "5" || cs[0].Viewer != "oid-alice" {
		t.Fatalf("earlier card: %+v %v", cs, err)
	}
	if all, err := s.Approvers(ctx); err != nil || all["oid-alice"] != "29:alice" {
		t.Fatalf("earlier approvers: %v %v", all, err)
	}
	if b, err := s.Breaker(ctx); err != nil || !b.Paused || b.Reason != "too many" {
		t.Fatalf("earlier breaker: %+v %v", b, err)
	}

	put("teams.users", "oid-broken", `{"user":`)
	_, err = s.User(ctx, "oid-broken")
	wantCode(t, err, mfa.EInternal, "unreadable user reference")
}
