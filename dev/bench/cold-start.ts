/**
 * One cold start, in a fresh Node process started by the bench: what
 * Zapier's zapierwrapper.js does on a new worker (createAppHandler on the
 * app's file, with the zapier-platform-core shipped beside it), then, for
 * `step`, one Create Task against the bench's loopback server. `load` only
 * requires the file. Prints the process's own CPU time and what the step
 * answered as one line of JSON, then exits at once, so that the process's
 * wall time ends with the step.
 *
 * It does not use the Zap harness (dev/zap/runtime.ts): it must load the
 * zapier-platform-core unzipped beside the app, as the wrapper does, and
 * bring nothing else into the process it times.
 *
 * Usage: node cold-start.js load|step APP_FILE [BASE_URL API_KEY INPUT_JSON]
 */
import { createRequire } from 'node:module';

const [mode, appFile = '', baseUrl, apiKey, input = '{}'] = process.argv.slice(2);

const finish = (answer: unknown) => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000, answer })}\n`);
  process.exit(0);
};

if (mode === 'load') {
  finish(typeof require(appFile));
} else {
  const { createAppHandler } = createRequire(appFile)('zapier-platform-core');
  createAppHandler(appFile)({
    command: 'execute',
    method: 'creates.create_task.operation.perform',
    bundle: { authData: { api_key: apiKey, base_url: baseUrl }, inputData: JSON.parse(input) },
  }).then(
    ({ results }: { results: unknown }) => finish(results),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
