// Compiles the app into dist/index.js (or --out DIR), one bundle of the
// app's own code with node_modules left as requires, and bakes what the
// build is for into it (lib/build.ts): CODETETHER_AUTH=oauth2 selects OAuth2,
// the default is the API key; an OAuth2 build signs in with, and talks to, the
// one CodeTether instance CODETETHER_OAUTH_SERVER names (by default
// https://api.codetether.io). Zapier's CLI runs this as `_zapier-build` before
// validate, build and push, so the definition it uploads is the one the zip
// runs. One file instead of thirty-odd halves the app's share of a cold start;
// type-checking is `npm run typecheck`'s job.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const project = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { dependencies } = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(project, 'dist') } } });
const out = resolve(values.out);
const flavour = process.env.CODETETHER_AUTH || 'api_key';
if (!['api_key', 'oauth2'].includes(flavour)) {
  console.error(`CODETETHER_AUTH must be api_key or oauth2, not "${flavour}".`);
  process.exit(1);
}
const server = process.env.CODETETHER_OAUTH_SERVER || 'https://api.codetether.io';
const serverUrl = URL.canParse(server) ? new URL(server) : undefined;
const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(serverUrl?.hostname ?? '');
if (!serverUrl || server.replace(/\/$/, '') !== serverUrl.origin || !(serverUrl.protocol === 'https:' || loopback)) {
  console.error(
    `CODETETHER_OAUTH_SERVER must be the https:// origin of a CodeTether instance (http only on loopback), not "${server}".`,
  );
  process.exit(1);
}
const buildFor = flavour === 'oauth2' ? { auth: 'oauth2', server: serverUrl.origin } : { auth: 'api_key' };

// A clean output folder, so that nothing from an earlier build can linger in the zip.
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(project, 'index.ts')],
  outfile: join(out, 'index.js'),
  bundle: true,
  // zod/mini is bundled, tree-shaken to the checks the app uses; the runtime
  // dependencies (zapier-platform-core) stay requires, shipped in node_modules.
  external: Object.keys(dependencies),
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // lib/build.ts reads this: the build's one authentication scheme and, for OAuth2, its instance.
  define: { CODETETHER_BUILD: JSON.stringify(buildFor) },
  logLevel: 'warning',
});
// esbuild writes strings as ASCII but leaves regular expressions and some comments as they are;
// one character beyond Latin-1 makes Node hold and scan the whole bundle as UTF-16 on every cold start.
const bundled = readFileSync(join(out, 'index.js'), 'utf8');
const wide = bundled.search(/[\u{100}-\u{10ffff}]/u);
if (wide !== -1) {
  const line = bundled.slice(0, wide).split('\n').length;
  console.error(
    `${join(out, 'index.js')}:${line} holds “${bundled[wide]}”, in a regular expression or a comment: write it as \\u${bundled.codePointAt(wide).toString(16).padStart(4, '0')} or in plain ASCII in the source.`,
  );
  process.exit(1);
}
console.log(`Compiled ${out} with ${flavour} authentication${flavour === 'oauth2' ? ` for ${serverUrl.origin}` : ''}.`);
