#!/usr/bin/env node
// Validates a Teams app manifest against the JSON schema its $schema names,
// using the schemas bundled in @microsoft/app-manifest: no network is used.
// A manifest whose schema is not bundled is an error, not a download.
//
// Usage: node validate-manifest.js <manifest.json>
// Exit status: 0 valid, 1 invalid, 2 usage or read error.
"use strict";

const fs = require("fs");
const { AppManifestUtils } = require("@microsoft/app-manifest");

function bundledSchemaPath(schemaUrl) {
  const suffix = AppManifestUtils.getLocalSchemaSuffix(schemaUrl);
  if (!suffix) return undefined;
  return AppManifestUtils.getLocalSchemaCandidates(suffix).find((p) => fs.existsSync(p));
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error("usage: node validate-manifest.js <manifest.json>");
    return 2;
  }
  const file = argv[0];
  let text;
  try {
    text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    return 2;
  }
  let manifest;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    return 1;
  }
  const schemaUrl = manifest.$schema;
  if (typeof schemaUrl !== "string" || schemaUrl === "") {
    console.error(`${file}: no $schema`);
    return 1;
  }
  if (!bundledSchemaPath(schemaUrl)) {
    console.error(`${file}: schema ${schemaUrl} is not bundled with @microsoft/app-manifest; refusing to fetch it`);
    return 1;
  }
  // The schema check runs on the JSON as written, so its messages point at
  // the offending property. The package's typed reader then loads the file
  // as Teams tooling does; it only runs on a schema-valid manifest because
  // its own messages name a whole top-level key.
  let errors;
  try {
    const schema = await AppManifestUtils.fetchSchema(schemaUrl);
    errors = await AppManifestUtils.validateAgainstSchema(manifest, schema);
    if (errors.length === 0) await AppManifestUtils.readTeamsManifest(file);
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    return 1;
  }
  const version = manifest.manifestVersion;
  if (typeof version === "string" && !schemaUrl.includes(`/v${version}/`)) {
    errors.push(`/manifestVersion ${version} does not match $schema ${schemaUrl}`);
  }
  for (const err of errors) console.error(`${file}: ${err}`);
  if (errors.length > 0) {
    console.error(`${file}: ${errors.length} error(s)`);
    return 1;
  }
  console.log(`${file}: valid (${schemaUrl})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(2);
  },
);
