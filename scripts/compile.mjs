// Compiles the app into dist/ and bakes the authentication scheme into it.
// CODETETHER_AUTH=oauth2 selects OAuth2; the default is the API key. Zapier's
// CLI runs this as `_zapier-build` before validate, build and push, so the
// definition it uploads is the one the zip runs.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const flavour = process.env.CODETETHER_AUTH || 'api_key';
if (!['api_key', 'oauth2'].includes(flavour)) {
  console.error(`CODETETHER_AUTH must be api_key or oauth2, not "${flavour}".`);
  process.exit(1);
}

// A clean dist/ so that a removed operation cannot linger in the build.
rmSync('dist', { recursive: true, force: true });
execFileSync(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
writeFileSync(
  'dist/lib/auth-flavour.js',
  `"use strict";\n// Written by scripts/compile.mjs: this build offers ${flavour} authentication.\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.AUTH_FLAVOUR = ${JSON.stringify(flavour)};\n`,
);
console.log(`Compiled dist/ with ${flavour} authentication.`);
