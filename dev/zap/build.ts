/**
 * The app as Zapier gets it: compiled by dev/scripts/compile.mjs, as
 * `zapier push` would, once per authentication flavour, each for Zapier's
 * runtime to load from its own index.js.
 */
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import type { Done } from './flows';
import type { AppSources } from './setup';

/** Compiles both flavours under `buildDir`; `project` is the repository's root. */
export const buildApp = (project: string, buildDir: string): Done & { apps: AppSources } => {
  const compile = (flavour: 'api_key' | 'oauth2') => {
    const out = join(buildDir, flavour);
    execFileSync(process.execPath, [join(project, 'dev', 'scripts', 'compile.mjs'), '--out', out], {
      env: { ...process.env, CODETETHER_AUTH: flavour },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return join(out, 'index.js');
  };
  return {
    apps: { apiKey: compile('api_key'), oauth2: compile('oauth2') },
    summary: `api_key and oauth2 builds in ${relative(project, buildDir)}/`,
  };
};
