// End-to-end: `mfabot demo` with three Microsoft 365 Agents Playground
// instances (helpdesk agent, approver 1, approver 2) driven in headless
// Chromium, with no "approvals here": each approver gets the card in their
// own chat. A single reset, the help, and an incident reset of a group.
// Run with scripts/e2e.sh, or: node --test e2e/*.test.mjs
//
// Environment: MFABOT_BIN (an mfabot built with -tags demo; default `go run -tags demo ./cmd/mfabot`),
// CHROMIUM (default /usr/bin/chromium), E2E_ARTIFACTS (screenshots and the
// demo's log; default test-artifacts/e2e).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const toolsDir = path.join(root, 'tools', 'node');
const { chromium } = createRequire(path.join(toolsDir, 'package.json'))('playwright-core');
const artifacts = path.resolve(root, process.env.E2E_ARTIFACTS || 'test-artifacts/e2e');

const COMMAND = 'reset mfa alice@contoso.com lost phone';
const TARGET = 'Alice Example';
const VERIFY_LABEL = 'How was the caller verified?';
const STEP = 30_000; // bound for each wait in the browser

// freePort asks the kernel for a free loopback port.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// startDemo runs `mfabot demo` (with extra flags, if any) in its own
// process group and resolves with the three Playground URLs it prints.
async function startDemo(ports, db, flags = []) {
  const [cmd, args] = process.env.MFABOT_BIN
    ? [process.env.MFABOT_BIN, ['demo', ...flags]]
    : ['go', ['run', '-tags', 'demo', './cmd/mfabot', 'demo', ...flags]];
  const child = spawn(cmd, args, {
    cwd: root,
    detached: true, // own process group: go run's child and node die with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(ports.bot),
      MFABOT_DEMO_AGENT_PORT: String(ports.agent),
      MFABOT_DEMO_APPROVER_PORT: String(ports.approver),
      MFABOT_DEMO_APPROVER2_PORT: String(ports.approver2 || 0),
      MFABOT_NODE_TOOLS: toolsDir,
      MFABOT_DATABASE: db,
    },
  });
  const log = fs.createWriteStream(path.join(artifacts, 'demo.log'));
  const demo = { child, urls: {}, exited: null };
  const urls = new Promise((resolve, reject) => {
    let out = '';
    const scan = (chunk) => {
      out += chunk;
      for (const m of out.matchAll(/playground (agent|approver2|approver):\s*(http:\/\/\S+)/gi)) {
        demo.urls[m[1].toLowerCase()] = m[2];
      }
      if (demo.urls.agent && demo.urls.approver && demo.urls.approver2) resolve(demo.urls);
      const failed = out.match(/Agents Playground could not start:.*/);
      if (failed) reject(new Error(`mfabot demo: ${failed[0]}`));
    };
    child.stdout.on('data', (d) => { log.write(d); scan(d.toString()); });
    child.stderr.on('data', (d) => log.write(d));
    child.on('exit', (code, signal) => {
      demo.exited = { code, signal };
      reject(new Error(`mfabot demo exited (${code ?? signal}) before printing both Playground URLs; see ${path.join(artifacts, 'demo.log')}`));
    });
    setTimeout(() => reject(new Error('mfabot demo printed no Playground URLs within 120s')), 120_000).unref();
  });
  demo.ready = urls;
  return demo;
}

// stopDemo ends the demo's whole process group: SIGTERM, then SIGKILL.
async function stopDemo(demo) {
  if (!demo || demo.exited) return;
  const gone = new Promise((resolve) => demo.child.once('exit', resolve));
  const signal = (sig) => { try { process.kill(-demo.child.pid, sig); } catch { /* already gone */ } };
  signal('SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, 5_000));
  await Promise.race([gone, timer]);
  signal('SIGKILL');
}

// card is the Adaptive Card about the reset of TARGET, the newest one if
// several are shown.
const card = (page) => page.locator('.ac-adaptiveCard').filter({ hasText: `MFA reset: ${TARGET}` }).last();

// demoWithBrowser starts the demo on free ports and a headless Chromium with
// a profile of its own; both stop, and their folder goes, when the test ends
// (or the process exits).
async function demoWithBrowser(t, flags = []) {
  fs.mkdirSync(artifacts, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfabot-e2e-'));
  const ports = { bot: await freePort(), agent: await freePort(), approver: await freePort(), approver2: await freePort() };
  const demo = await startDemo(ports, path.join(tmp, 'mfabot.db'), flags);
  let context;
  const killer = () => { try { process.kill(-demo.child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', killer);
  t.after(async () => {
    if (context) await context.close().catch(() => {});
    await stopDemo(demo);
    process.removeListener('exit', killer);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const urls = await demo.ready;
  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(STEP);
  return { urls, context };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

test('helpdesk agent requests, both approvers get it in their own chat, approver 2 approves, every card turns final', { timeout: 175_000 }, async (t) => {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const f of fs.readdirSync(artifacts)) {
    if (f.endsWith('.png')) fs.rmSync(path.join(artifacts, f));
  }
  const { urls, context } = await demoWithBrowser(t);
  const pages = {};
  try {
    pages.agent = await context.newPage();
    pages.approver = await context.newPage();
    pages.approver2 = await context.newPage();
    await pages.agent.goto(urls.agent);
    await pages.approver.goto(urls.approver);
    await pages.approver2.goto(urls.approver2);

    // The helpdesk agent types the command; the request card comes back.
    const agent = pages.agent;
    await agent.bringToFront();
    const compose = agent.locator('[role="textbox"][data-lexical-editor]');
    await compose.click();
    await agent.keyboard.type(COMMAND);
    await agent.keyboard.press('Enter');
    const request = card(agent);
    await request.waitFor();
    await assert.doesNotReject(request.getByText(/waiting for approval/i).first().waitFor(),
      'the request card says it waits for approval');
    assert.match(await request.innerText(), /alice@contoso\.com/);
    await request.getByText(/Sent for approval to 2 approvers/).first().waitFor();
    await shot(agent, '01-request-card.png');

    // Each approver got the card proactively, in their own chat, with their
    // own buttons: nobody typed "approvals here".
    const approverView = async (page, shotName) => {
      await page.bringToFront();
      const c = card(page);
      await c.waitFor();
      const approve = c.getByRole('button', { name: 'Approve', exact: true });
      await approve.waitFor();
      await c.getByRole('button', { name: 'Reject', exact: true }).waitFor();
      assert.match(await c.innerText(), /Hanna Helpdesk/, 'the approver sees who asked');
      await shot(page, shotName);
      return { c, approve };
    };
    const ada = await approverView(pages.approver, '02-approver1-card.png');
    const abe = await approverView(pages.approver2, '03-approver2-card.png');

    // Approver 2 approves; the verification is an expanded choice set.
    const choiceText = 'Video call with photo ID';
    await pages.approver2.bringToFront();
    await abe.c.getByRole('radio', { name: choiceText }).check();
    await abe.approve.click();

    // The invoke's answer replaces approver 2's card with the result.
    const final = card(pages.approver2);
    await final.getByText(/completed/i).first().waitFor({ timeout: 60_000 });
    const finalText = await final.innerText();
    assert.match(finalText, /Abe Approver/, 'the result names the approver');
    assert.ok(finalText.includes(choiceText), `the result records the verification "${choiceText}"`);
    assert.equal(await final.getByRole('button', { name: 'Approve', exact: true }).count(), 0,
      'no Approve button is left on the final card');
    assert.match(finalText, /Still registered[\s\S]*FIDO2 security key[\s\S]*not part of this profile/,
      'the result says what the user still has');
    await shot(pages.approver2, '04-approver2-final.png');

    // Approver 1's copy turns final in place, without buttons.
    await pages.approver.bringToFront();
    const adaFinal = card(pages.approver);
    await adaFinal.getByText(/completed/i).first().waitFor({ timeout: 60_000 });
    assert.match(await adaFinal.innerText(), /Abe Approver/, 'approver 1 reads who approved');
    assert.equal(await adaFinal.getByRole('button', { name: 'Approve', exact: true }).count(), 0,
      'approver 1 has no Approve button left');
    await shot(pages.approver, '05-approver1-final.png');

    // The helpdesk agent's view shows the outcome too.
    await agent.bringToFront();
    await card(agent).getByText(/completed/i).first().waitFor();
    await shot(agent, '06-agent-final.png');

    // A privileged target is refused, with the reason, before anyone approves.
    await compose.click();
    await agent.keyboard.type('reset mfa gloria@contoso.com locked out');
    await agent.keyboard.press('Enter');
    const refused = agent.locator('.ac-adaptiveCard').filter({ hasText: 'gloria@contoso.com' }).last();
    await refused.getByText(/Global Administrator/).first().waitFor();
    assert.equal(await refused.getByRole('button', { name: 'Approve', exact: true }).count(), 0,
      'a refused request offers nothing to approve');
    await shot(agent, '07-refused-admin.png');
  } catch (err) {
    for (const [who, page] of Object.entries(pages)) {
      await shot(page, `failure-${who}.png`).catch(() => {});
    }
    throw err;
  }
});

// The help card and "Did you mean" show every argument name: Teams and the
// Playground render message text as HTML, where <upn> would vanish.
test('help and "Did you mean" show the argument names', { timeout: 150_000 }, async (t) => {
  const { urls, context } = await demoWithBrowser(t);
  const page = await context.newPage();
  await page.goto(urls.agent);
  const compose = page.locator('[role="textbox"][data-lexical-editor]');
  const say = async (text) => {
    await compose.click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };
  try {
    await say('help');
    const help = page.locator('.ac-adaptiveCard').filter({ hasText: 'What I can do' }).last();
    await help.waitFor();
    const helpText = await help.innerText();
    for (const usage of ['reset mfa {user} [{reason…}]', 'show mfa {user}', 'status [{request or batch id}]',
      'history {user}', 'cancel {request id}', 'resume resets {reason}']) {
      assert.ok(helpText.includes(usage), `the help card shows "${usage}"; it shows:\n${helpText}`);
    }
    await shot(page, '00-help-card.png');

    await say('rest mfa bob@contoso.com');
    const hint = page.locator('.ac-adaptiveCard').filter({ hasText: 'Did you mean' }).last();
    await hint.waitFor();
    assert.ok((await hint.innerText()).includes('Did you mean: reset mfa {user} [{reason…}]'),
      'the "Did you mean" line shows the argument names');
    await shot(page, '00-did-you-mean.png');
  } catch (err) {
    await shot(page, 'failure-help.png').catch(() => {});
    throw err;
  }
});

// Incident mode on a small phished group: Hanna asks for the reset of the
// whole group; the plan reaches Ada and Abe, who each approve naming the
// incident; the cards show the progress, then the summary.
const PHISHED = 'Phished users (incident demo)';
const PHISHED_USERS = 60;
const TICKET = 'INC-4711';

// batchCard is the newest incident reset card on a page.
const batchCard = (page) => page.locator('.ac-adaptiveCard').filter({ hasText: /Incident MFA reset B-/ }).last();

test('incident reset of a group: plan, two approvers naming the incident, progress card, final card', { timeout: 175_000 }, async (t) => {
  // A small group on a slow simulated Graph, so the reset runs long enough
  // for a progress card between the start and the end.
  const { urls, context } = await demoWithBrowser(t, ['--phished-users', String(PHISHED_USERS), '--graph-latency', '300ms']);
  const pages = {};
  try {
    for (const who of ['agent', 'approver', 'approver2']) {
      pages[who] = await context.newPage();
      await pages[who].goto(urls[who]);
    }
    const agent = pages.agent;
    await agent.bringToFront();
    const compose = agent.locator('[role="textbox"][data-lexical-editor]');
    await compose.click();
    await agent.keyboard.type(`reset mfa group "${PHISHED}" AiTM phishing campaign of 26 Nov`);
    await agent.keyboard.press('Enter');

    // The answer comes at once and turns into the plan when it is made.
    const plan = batchCard(agent);
    await plan.waitFor();
    await plan.getByText(new RegExp(`${PHISHED_USERS} users will have their MFA reset`)).first().waitFor({ timeout: 90_000 });
    const planText = await plan.innerText();
    const id = planText.match(/Incident MFA reset (B-[A-Z0-9]{6})/)[1];
    assert.match(planText, /4 skipped/, 'the plan skips the admin, the eligible admin, the break-glass account and the guest');
    assert.match(planText, /privileged/, 'the plan says why it skips');
    assert.match(planText, /Approver 1: nobody yet/);
    await shot(agent, '08-incident-plan.png');

    // Each approver has the plan in their own chat, with the ticket input.
    const approve = async (page, shotName, want) => {
      await page.bringToFront();
      const c = batchCard(page);
      await c.getByRole('button', { name: 'Approve', exact: true }).waitFor({ timeout: 60_000 });
      assert.match(await c.innerText(), /Hanna Helpdesk/, 'the approver sees who asked');
      await c.getByRole('textbox').first().fill(TICKET);
      await c.getByRole('button', { name: 'Approve', exact: true }).click();
      await batchCard(page).getByText(want).first().waitFor();
      await shot(page, shotName);
    };
    await approve(pages.approver, '09-incident-approver1.png', /You approved this incident reset/);
    assert.match(await batchCard(pages.approver).innerText(), new RegExp(`Approver 1: Ada Approver, incident ${TICKET}`));
    await approve(pages.approver2, '10-incident-approver2.png', /the incident reset is running/);

    // The requester's card shows the progress, updated in place.
    await agent.bringToFront();
    const progress = batchCard(agent);
    await progress.getByText(/\b[1-9]\d* of \d+ users finished/).first().waitFor({ timeout: 60_000 });
    const progressText = await progress.innerText();
    if (/Running/.test(progressText)) {
      assert.match(progressText, /Remaining/);
      assert.match(progressText, /users a minute/, 'the progress card shows the rate');
      await shot(agent, '11-incident-progress.png');
    } else {
      assert.fail(`the reset ended before a progress card was seen: ${progressText}`);
    }

    // Every copy ends as the summary with the export command.
    for (const [who, shotName] of [['agent', '12-incident-final.png'], ['approver', '13-incident-final-approver1.png']]) {
      const page = pages[who];
      await page.bringToFront();
      const final = batchCard(page);
      await final.getByText(/^Completed$/).first().waitFor({ timeout: 90_000 });
      const finalText = await final.innerText();
      assert.ok(finalText.includes(`mfabot audit export --batch ${id} --format csv`), `the final card gives the export command:\n${finalText}`);
      assert.ok(finalText.includes(TICKET), 'the final card names the incident');
      assert.match(finalText, /Ada Approver and Abe Approver/);
      assert.equal(await final.getByRole('button').count(), 0, 'no button is left on the final card');
      await shot(page, shotName);
    }
  } catch (err) {
    for (const [who, page] of Object.entries(pages)) {
      await shot(page, `failure-incident-${who}.png`).catch(() => {});
    }
    throw err;
  }
});
