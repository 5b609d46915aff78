package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/playground"
)

// Demo users as Agents Playground presents them.
var (
	demoHanna = playground.User{ID: "29:demo-hanna", Name: "Hanna Helpdesk", UPN: "hanna@contoso.com", AADObjectID: graphfake.DemoAgentID}
	demoAda   = playground.User{ID: "29:demo-ada", Name: "Ada Approver", UPN: "ada@contoso.com", AADObjectID: graphfake.DemoApproverID}
	demoAbe   = playground.User{ID: "29:demo-abe", Name: "Abe Approver", UPN: "abe@contoso.com", AADObjectID: graphfake.DemoApprover2ID}
	demoOther = []playground.User{
		{ID: "29:demo-alice", Name: "Alice Example", UPN: "alice@contoso.com", AADObjectID: graphfake.DemoAliceID},
		{ID: "29:demo-bob", Name: "Bob Example", UPN: "bob@contoso.com", AADObjectID: graphfake.DemoBobID},
		{ID: "29:demo-harry", Name: "Harry Helpdesk", UPN: "harry@contoso.com", AADObjectID: graphfake.DemoAgent2ID},
		{ID: "29:demo-mona", Name: "Mona Manager", UPN: "mona@contoso.com", AADObjectID: graphfake.DemoManagerID},
	}
)

// startPlaygrounds starts three Agents Playground instances — the helpdesk
// agent's, and each approver's — with no approvals conversation: each
// instance is one person's chat with the bot, which the bot is told of as
// Teams tells it when a user installs the app, so every request card reaches
// both approvers in their own chat, as in Teams.
func startPlaygrounds(ctx context.Context, b *bot.Bot, endpoint string, o demoOptions, stdout, stderr io.Writer) (func(), error) {
	modules, err := playground.FindNodeModules()
	if errors.Is(err, playground.ErrNotInstalled) {
		fmt.Fprintln(stdout, "\nInstalling Agents Playground (npm ci in tools/node; once, about a minute)…")
		if err := playground.Install(ctx, stderr); err != nil {
			return nil, err
		}
		modules, err = playground.FindNodeModules()
	}
	if err != nil {
		return nil, fmt.Errorf("%w (run ./scripts/setup.sh, or set %s)", err, playground.NodeToolsEnv)
	}
	botAcct := playground.Bot{ID: "28:" + DemoAppID, Name: "mfabot"}
	var procs []*playground.Process
	var dirs []string
	// stop ends both instances at once (each may take its grace period)
	// and removes their configuration folders.
	stop := func() {
		var wg sync.WaitGroup
		for _, p := range procs {
			wg.Add(1)
			go func() { defer wg.Done(); p.Stop() }()
		}
		wg.Wait()
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}
	for _, inst := range []struct {
		user  playground.User
		other playground.User
		port  int
		label string
	}{{demoHanna, demoAda, o.agentPort, "agent"}, {demoAda, demoHanna, o.approverPort, "approver"}, {demoAbe, demoHanna, o.approver2Port, "approver2"}} {
		dir, err := os.MkdirTemp("", "mfabot-playground-"+inst.label+"-")
		if err != nil {
			stop()
			return nil, err
		}
		dirs = append(dirs, dir)
		others := append([]playground.User{inst.other}, demoOther...)
		if err := playground.WriteConfig(dir, playground.Instance{TenantID: DemoTenantID, Bot: botAcct, User: inst.user, Others: others}); err != nil {
			stop()
			return nil, err
		}
		p, err := playground.Start(ctx, playground.Options{BotEndpoint: endpoint, Port: inst.port, ConfigDir: dir, NodeModulesDir: modules, Log: stderr})
		if err != nil {
			stop()
			return nil, fmt.Errorf("%s instance on port %d: %w", inst.label, inst.port, err)
		}
		procs = append(procs, p)
		ref := botframework.ConversationReference{
			ServiceURL: p.ServiceURL(), ChannelID: botframework.ChannelMSTeams, TenantID: DemoTenantID,
			Conversation: schema.ConversationAccount{ID: playground.PersonalChatIDFor(inst.user), ConversationType: "personal", TenantID: DemoTenantID},
			Bot:          schema.ChannelAccount{ID: botAcct.ID, Name: botAcct.Name},
			User:         schema.ChannelAccount{ID: inst.user.ID, Name: inst.user.Name, AadObjectID: inst.user.AADObjectID},
		}
		if err := b.KnowPersonalChat(ctx, ref); err != nil {
			stop()
			return nil, err
		}
		fmt.Fprintf(stdout, "  playground %s: %s\n", inst.label, p.UIURL())
	}
	fmt.Fprintf(stdout, `
Try it (the pages may take a few seconds to load):
  1. Open the agent's page — you are Hanna Helpdesk — and type:
       reset mfa alice@contoso.com lost her phone
  2. Open either approver's page — Ada Approver or Abe Approver. Each got
     the request card in their own chat: pick how the caller was verified,
     and Approve.
  3. Every card — Hanna's, Ada's and Abe's — turns into the result: what
     was removed, sessions revoked, the audit reference. Also try: reset mfa gloria@contoso.com, show mfa bob@contoso.com, help.
  4. Incident mode: as Hanna (an incident responder too) type
       reset mfa group "Phished users (incident demo)" AiTM phishing campaign
     Ada and Abe each name the incident (a ticket such as INC-4711) and
     Approve; every card shows the progress, then the summary.
`)
	return stop, nil
}
