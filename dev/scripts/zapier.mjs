// Runs the installed Zapier CLI (`zapier-platform ARGS`) the way every npm
// script wants it: without its analytics call, which fails offline, and in
// plain text when the output is a file or a pipe (or NO_COLOR is set): its
// `colors` package colours by terminal type, even into a file.
import { spawn } from 'node:child_process';

const env = { ...process.env, DISABLE_ZAPIER_ANALYTICS: '1' };
if (!process.stdout.isTTY || 'NO_COLOR' in process.env) env.FORCE_COLOR = '0';

const cli = spawn('zapier-platform', process.argv.slice(2), { stdio: 'inherit', env });
// Stopping this script stops the CLI (npm sends SIGTERM; a terminal's Ctrl-C reaches both anyway).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cli.kill(signal));
cli.on('error', (error) => {
  console.error(`The Zapier CLI could not start: ${error.message}. Run npm ci first.`);
  process.exit(1);
});
cli.on('exit', (code) => process.exit(code ?? 1));
