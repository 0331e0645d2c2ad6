// Builds build/build.zip (and source.zip) offline, or with CODETETHER_AUTH=oauth2
// build/oauth2/build.zip (and source.zip), so that neither build overwrites
// the other's; `--out DIR` puts both in DIR instead, leaving build/ and dist/
// alone (the bench builds that way; `npm run push` builds into build/, the one
// place `zapier-platform upload` reads).
//
// Zapier's runtime loads `index.js` at the zip's root, so the app is
// compiled straight into the root of a staging folder, beside package.json
// and only the production dependencies (copied from node_modules: no
// network, no dev dependencies in the zip). The installed CLI's own build
// routine then zips it; its remote style check is skipped (`zapier-platform
// validate` without --without-style runs it when online), the local schema
// validation is not.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

process.env.DISABLE_ZAPIER_ANALYTICS = '1';
const project = process.cwd();
const require = createRequire(import.meta.url);
const cli = (file) => require(require.resolve(`zapier-platform-cli/src/utils/${file}`));
// compile.mjs checks CODETETHER_AUTH itself; any other value never gets past it.
const flavourDir = process.env.CODETETHER_AUTH === 'oauth2' ? join('build', 'oauth2') : 'build';
const { values } = parseArgs({ options: { out: { type: 'string', default: join(project, flavourDir) } } });
const out = resolve(values.out);

const stage = mkdtempSync(join(tmpdir(), 'codetether-zapier-'));
// compile.mjs says itself why it failed (a wrong CODETETHER_AUTH, a syntax error); a stack trace would add nothing.
const compiled = spawnSync(process.execPath, ['dev/scripts/compile.mjs', '--out', stage], { stdio: 'inherit' });
if (compiled.status !== 0) {
  rmSync(stage, { recursive: true, force: true });
  process.exit(compiled.status ?? 1);
}
try {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  // The staged app is its own compiled entry; no build hook runs inside it.
  const { devDependencies, scripts, ...runtimePkg } = pkg;
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ ...runtimePkg, main: 'index.js' }, null, 2));
  cpSync('.zapierapprc', join(stage, '.zapierapprc'));
  // The CLI's build also zips the staging folder's own source, which is discarded below; without the
  // project's .gitignore it warns "There is no .gitignore" and zips the staged node_modules too.
  cpSync('.gitignore', join(stage, '.gitignore'));

  // A git worktree may share another checkout's install through a symlinked node_modules, which npm reads as
  // links (every package "extraneous", `npm ls` failing); the lockfile then says which packages ship.
  const shared = lstatSync(join(project, 'node_modules')).isSymbolicLink() ? ['--package-lock-only'] : [];
  const prodPaths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable', ...shared], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith(join(project, 'node_modules')));
  for (const path of prodPaths) {
    const target = join(stage, relative(project, path));
    mkdirSync(target, { recursive: true });
    cpSync(path, target, {
      recursive: true,
      filter: (src) => !src.slice(path.length).includes('/node_modules/') || src === path,
    });
  }

  process.chdir(stage);
  const { buildAndOrUpload } = cli('build.js');
  await buildAndOrUpload({ build: true }, { skipDepInstall: true, skipValidation: true, checkOutdated: false });
  const errors = await cli('local.js').localAppCommand({ command: 'validate' }, stage, false);
  if (errors.length) throw new Error(`the app definition is not valid: ${JSON.stringify(errors, null, 2)}`);
  process.chdir(project);
  mkdirSync(out, { recursive: true });
  renameSync(join(stage, 'build', 'build.zip'), join(out, 'build.zip'));
  // The source zip is for Zapier's reviewers: the TypeScript project as git sees it.
  await cli('build.js').makeSourceZip(project, join(out, 'source.zip'));
  const zip = join(out, 'build.zip');
  console.log(
    `${relative(project, zip).startsWith('..') ? zip : relative(project, zip)}: ${statSync(zip).size} bytes; definition valid.`,
  );
} catch (error) {
  // What went wrong is in the message (npm's, the CLI's or the validator's); its stack trace is not for users.
  console.error(`The build failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  process.chdir(project);
  rmSync(stage, { recursive: true, force: true });
}
