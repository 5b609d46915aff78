// Package playground runs Microsoft 365 Agents Playground, Microsoft's local
// Teams emulator, as the Teams client of `mfabot demo` and of the end-to-end
// test. Each Playground instance has exactly one current user, so the demo
// runs one instance per person (helpdesk agent, approver), each with its own
// port and therefore its own serviceUrl.
//
// NOTES.md in this directory records what the Playground sends and serves.
package playground

// User is one person in a Playground instance's simulated tenant.
type User struct {
	// ID is the channel account id the bot sees as activity.from.id.
	ID string
	// Name is the display name shown in the UI and sent as from.name.
	Name string
	// UPN is the user principal name; it is also used as the e-mail address.
	UPN string
	// AADObjectID is the Entra object id the bot sees as from.aadObjectId.
	AADObjectID string
}

// Bot is the bot identity a Playground instance talks to.
type Bot struct {
	// ID is the bot's channel account id, seen as activity.recipient.id.
	ID string
	// Name is the bot's display name (at most 42 characters).
	Name string
}

// Instance describes the simulated context of one Playground instance: its
// tenant, the bot, its current user and up to five other tenant members.
type Instance struct {
	TenantID string
	Bot      Bot
	User     User
	// Others are further members of the tenant (the Playground's group chat
	// and team). At most five; placeholders fill the rest.
	Others []User
	// PersonalChatID is the conversation id of the 1:1 chat between User and
	// the bot. Empty means PersonalChatIDFor(User).
	PersonalChatID string
}

// PersonalChatIDFor is the personal conversation id WriteConfig uses for u
// when the Instance names none. The Playground answers a proactive
// POST /v3/conversations for u with this id.
func PersonalChatIDFor(u User) string {
	return "a:personal-" + u.ID
}
