#!/usr/bin/env node
// Validates Adaptive Cards the way a Teams client would parse them: with the
// adaptivecards package at schema version 1.5. Every parse event (unknown
// element or action, invalid value, property newer than 1.5) and every
// validation event (duplicate ids, inputs without ids or labels, ...) is an
// error. Parsing needs no DOM; nothing is rendered and no network is used.
//
// Usage: node validate-card.js <card.json | directory>...
// A file may hold a card, or anything containing cards (a golden activity
// with attachments, an invoke response): every object whose "type" is
// "AdaptiveCard" is checked. A directory is searched for *.json files; its
// files without a card are skipped, but a named file must hold one.
// Exit status: 0 all valid, 1 any error, 2 usage or read error.
"use strict";

const fs = require("fs");
const path = require("path");
// The package's "main" is ESM that Node cannot load; its UMD build works.
const AC = require("adaptivecards/dist/adaptivecards.js");

const TARGET = AC.Versions.v1_5;
// Teams refuses messages larger than about 28 KB, cards included.
const MAX_BYTES = 28 * 1024;

class UsageError extends Error {}

function jsonFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(p));
    else if (entry.isFile() && entry.name.endsWith(".json")) out.push(p);
  }
  return out.sort();
}

// findCards returns each card in value with its location (a JSON pointer,
// empty for a card at the top).
// Cards nested in a card (Action.ShowCard) are parsed with their parent.
function findCards(value, where, out) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => findCards(v, `${where}/${i}`, out));
  } else if (value !== null && typeof value === "object") {
    if (value.type === "AdaptiveCard") {
      out.push({ card: value, where: where ? ` at ${where}` : "" });
      return out;
    }
    for (const [k, v] of Object.entries(value)) findCards(v, `${where}/${k}`, out);
  }
  return out;
}

function versionProblem(card) {
  const v = card.version;
  if (typeof v !== "string") return `card has no "version" (Teams needs one; use "1.5" or lower)`;
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) return `card version ${JSON.stringify(v)} is not MAJOR.MINOR`;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major > TARGET.major || (major === TARGET.major && minor > TARGET.minor)) {
    return `card version ${v} is newer than ${TARGET.toString()}, the version validated for Teams`;
  }
  return undefined;
}

function checkCard(card) {
  const problems = [];
  const vp = versionProblem(card);
  if (vp) problems.push(vp);
  const ctx = new AC.SerializationContext();
  ctx.targetVersion = TARGET;
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, ctx);
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return problems;
}

function checkFile(file, named) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: ${e.message}`);
  }
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { cards: 0, errors: [`${file}: not JSON: ${e.message}`] };
  }
  const cards = findCards(doc, "", []);
  if (cards.length === 0) {
    if (named) return { cards: 0, errors: [`${file}: no Adaptive Card (no object with "type": "AdaptiveCard")`] };
    console.log(`${file}: skipped, no Adaptive Card`);
    return { cards: 0, errors: [] };
  }
  const errors = [];
  for (const { card, where } of cards) {
    const size = Buffer.byteLength(JSON.stringify(card));
    if (size > MAX_BYTES) errors.push(`${file}${where}: card is ${size} bytes; Teams refuses messages over ${MAX_BYTES}`);
    for (const p of checkCard(card)) errors.push(`${file}${where}: ${p}`);
  }
  return { cards: cards.length, errors };
}

function main(argv) {
  if (argv.length === 0) throw new UsageError("usage: node validate-card.js <card.json | directory>...");
  let cards = 0;
  const errors = [];
  for (const arg of argv) {
    let stat;
    try {
      stat = fs.statSync(arg);
    } catch (e) {
      throw new UsageError(`${arg}: ${e.message}`);
    }
    if (stat.isDirectory()) {
      const files = jsonFiles(arg);
      let found = 0;
      for (const f of files) {
        const r = checkFile(f, false);
        found += r.cards;
        errors.push(...r.errors);
      }
      if (found === 0 && errors.length === 0) errors.push(`${arg}: no Adaptive Card in any *.json file`);
      cards += found;
    } else {
      const r = checkFile(arg, true);
      cards += r.cards;
      errors.push(...r.errors);
    }
  }
  for (const e of errors) console.error(e);
  if (errors.length > 0) {
    console.error(`${errors.length} error(s) in ${cards} card(s)`);
    return 1;
  }
  console.log(`${cards} card(s) valid at Adaptive Cards ${TARGET.toString()}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(e instanceof UsageError ? e.message : e && e.stack ? e.stack : String(e));
  process.exitCode = 2;
}
