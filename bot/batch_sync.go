package bot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

var _ mfa.BatchNotifier = (*Messenger)(nil)

// BatchChanged brings every posted card of the batch up to date, in the
// background: the service calls it after each committed change of a
// batch and, while one runs, with its progress at most every
// mfa.BatchProgressEvery. Progress alone updates a batch's cards at most
// once per Config.BatchUpdateEvery (the newest progress, when the time
// comes); a change of state or of the approvals goes out at once, so the
// final state is always sent.
func (b *Messenger) BatchChanged(ctx context.Context, st *mfa.BatchStatus) {
	if st == nil || st.Batch == nil {
		return
	}
	cp, batch := *st, *st.Batch
	cp.Batch = &batch
	b.latestMu.Lock()
	if last, ok := b.batches.Load(batch.ID); ok && batchVersionOf(&cp).before(batchVersionOf(last)) {
		b.latestMu.Unlock()
		return
	}
	b.batches.Store(batch.ID, &cp)
	b.latestMu.Unlock()
	b.batchPace.publish(batch.ID, batchKey(&batch), batch.State.Open(), func() { b.cards.schedule(b.bg, batch.ID) })
}

// latestBatch is the newest status of a batch the service published.
func (b *Messenger) latestBatch(id string) (*mfa.BatchStatus, bool) {
	b.latestMu.Lock()
	defer b.latestMu.Unlock()
	return b.batches.Load(id)
}

// batchKey is what makes a change of a batch more than progress: its
// state, its approvals, who stopped it and why it ended.
func batchKey(batch *mfa.Batch) string {
	k := string(batch.State) + "/" + strconv.Itoa(len(batch.Approvals)) + "/" + batch.Note
	if batch.StoppedBy != nil {
		k += "/" + batch.StoppedBy.ID
	}
	return k
}

// batchVersion orders the published states of one batch: by the time of
// the change, then by the lifecycle (a frozen clock gives equal times),
// then by when the progress was counted.
type batchVersion struct {
	at   time.Time
	rank int
	seen time.Time
}

func batchVersionOf(st *mfa.BatchStatus) batchVersion {
	rank := 0
	switch s := st.Batch.State; {
	case !s.Open():
		rank = 3
	case s == mfa.BatchRunning || s == mfa.BatchPaused:
		rank = 2
	case s == mfa.BatchPlanned:
		rank = 1
	}
	return batchVersion{at: st.Batch.UpdatedAt, rank: rank, seen: st.At}
}

func (v batchVersion) before(o batchVersion) bool {
	switch {
	case !v.at.Equal(o.at):
		return v.at.Before(o.at)
	case v.rank != o.rank:
		return v.rank < o.rank
	}
	return v.seen.Before(o.seen)
}

// syncBatchCards renders the newest published status of a batch and
// updates each of its cards. The card queue runs one sync per id at a
// time.
func (b *Messenger) syncBatchCards(ctx context.Context, id string) {
	st, ok := b.latestBatch(id)
	if !ok {
		return
	}
	b.updateAll(ctx, id, func(c botstate.Card) cards.Card { return b.batchCardFor(ctx, st, c) }, func(c botstate.Card) string {
		if c.Viewer != "" {
			return ""
		}
		return "base"
	})
}

// updateCard replaces a posted card, within the conversation's pace.
func (b *Messenger) updateCard(ctx context.Context, id string, c botstate.Card, card cards.Card) {
	act := &botframework.Activity{Type: botframework.TypeMessage, ID: c.ActivityID,
		Conversation: schema.ConversationAccount{ID: c.ConversationID},
		Attachments:  []schema.Attachment{botframework.CardAttachment(card)}}
	if err := b.pace.wait(ctx, c.ConversationID); err != nil {
		return
	}
	if err := b.send.UpdateActivity(ctx, c.ServiceURL, c.ConversationID, c.ActivityID, act); err != nil {
		b.log.Warn("card update failed", "request", id, "conversation", c.ConversationID, "err", err)
		var ce *botframework.ConnectorError
		if errors.As(err, &ce) && ce.Status == http.StatusTooManyRequests {
			b.pace.hold(c.ConversationID, held429)
		}
	}
}

// batchPacer holds back progress-only updates of a batch's cards to one
// per interval: a change within the interval is sent when it ends (the
// newest one, since a sync renders the newest status), a change of state
// at once. A batch's entry goes when it ends.
type batchPacer struct {
	every time.Duration
	// track runs fn in the background, tracked by the Messenger's Wait.
	track func(delay time.Duration, fn func())

	mu      sync.Mutex
	batches map[string]*batchPace
}

type batchPace struct {
	key     string    // batchKey of the last update sent
	next    time.Time // progress may go out again from then
	pending bool      // a held-back update is due at next
}

// publish sends (through send) or holds back an update of a batch whose
// change is key; open is false once the batch has ended.
func (p *batchPacer) publish(id, key string, open bool, send func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	e, ok := p.batches[id]
	if !ok {
		e = &batchPace{}
		p.batches[id] = e
	}
	switch {
	case !open:
		delete(p.batches, id)
		e.key = key
		send()
	case key != e.key || !now.Before(e.next):
		e.key, e.next = key, now.Add(p.every)
		send()
	case !e.pending:
		e.pending = true
		p.track(e.next.Sub(now), func() {
			p.mu.Lock()
			e.pending = false
			e.next = time.Now().Add(p.every)
			p.mu.Unlock()
			send()
		})
	}
}
