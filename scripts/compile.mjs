// Compiles the app into dist/ (or --out DIR) and bakes the authentication
// scheme into it. CODETETHER_AUTH=oauth2 selects OAuth2; the default is the
// API key. Zapier's CLI runs this as `_zapier-build` before validate, build
// and push, so the definition it uploads is the one the zip runs.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const project = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: join(project, 'dist') } } });
const out = resolve(values.out);
const flavour = process.env.CODETETHER_AUTH || 'api_key';
if (!['api_key', 'oauth2'].includes(flavour)) {
  console.error(`CODETETHER_AUTH must be api_key or oauth2, not "${flavour}".`);
  process.exit(1);
}

// A clean output folder, so that a removed operation cannot linger in the build.
rmSync(out, { recursive: true, force: true });
execFileSync(
  join(project, 'node_modules', '.bin', 'tsc'),
  ['-p', join(project, 'tsconfig.build.json'), '--outDir', out],
  {
    stdio: 'inherit',
  },
);
writeFileSync(
  join(out, 'lib', 'auth-flavour.js'),
  `"use strict";\n// Written by scripts/compile.mjs: this build offers ${flavour} authentication.\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.AUTH_FLAVOUR = ${JSON.stringify(flavour)};\n`,
);
console.log(`Compiled ${out} with ${flavour} authentication.`);
