/**
 * The dev npm scripts run as a newcomer runs them, through npm. One file,
 * so that no two of them compile dev/ into .tmp/run at the same time.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const project = resolve(__dirname, '..', '..');
// Each script compiles dev/ first; on a busy machine that alone can take a while.
const SCRIPT_TIMEOUT_MS = 60_000;
/** Every process a test started, for afterAll to stop what a failed test left running. */
const pids: number[] = [];

/** `npm run --silent <script> -- <args>` in the project, with `env` on top of the shell's environment. */
const npmRun = (script: string, args: string[], env: Record<string, string> = {}) => {
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
    cwd: project,
    env: { ...process.env, ...env },
  });
  if (!child.pid) throw new Error(`npm could not start: ${child.spawnargs.join(' ')}`);
  pids.push(child.pid);
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, pid: child.pid, exited, output: () => output };
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every process started under `pid`, by process id. */
const descendantsOf = (pid: number): number[] => {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // pgrep exits 1 when there is none.
  }
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
};

// Whatever a failed test leaves running is stopped, by its process id.
afterAll(() => {
  for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGTERM');
});

describe('npm run emulator', () => {
  it(
    'stops serving when npm is stopped by its process id (SIGTERM), leaving no process behind',
    async () => {
      const emulator = npmRun('emulator', [], { EMULATOR_PORT: '0' });
      let url = '';
      while (!url) {
        await Promise.race([once(emulator.child.stdout, 'data'), emulator.exited]);
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(emulator.output())?.[1] ?? '';
        if (emulator.child.exitCode !== null) throw new Error(`npm run emulator ended:\n${emulator.output()}`);
      }
      expect((await fetch(`${url}/v1/automation`)).status).toBe(200);
      const underNpm = descendantsOf(emulator.pid);
      pids.push(...underNpm);

      emulator.child.kill('SIGTERM');
      const code = await emulator.exited;
      expect(underNpm.filter(isRunning)).toEqual([]);
      await expect(fetch(`${url}/v1/automation`)).rejects.toThrow();
      expect(code).toBe(0);
    },
    SCRIPT_TIMEOUT_MS,
  );
});

describe('npm run trigger', () => {
  it(
    'shows Task Failed firing for a task that fails, prints its output and stops everything',
    async () => {
      const trigger = npmRun('trigger', ['task_failed']);
      expect(await trigger.exited).toBe(0);
      const output = trigger.output();

      const printed = /What task_failed outputs[^\n]*\n(\[[\s\S]*?\n\])\n/.exec(output)?.[1] ?? '[]';
      expect(JSON.parse(printed)).toEqual([
        expect.objectContaining({ event: 'task_failed', status: 'failed', error: expect.stringContaining('[fail]') }),
      ]);
      expect(output).toContain('task_failed: removed');
      expect(output).toMatch(/PASS: task_failed fired and turned off in [\d.]+ s/);
      expect(readdirSync(join(project, '.tmp')).filter((name) => name.startsWith('trigger-'))).toEqual([]);
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'names the instant triggers when given a key that is none',
    async () => {
      const trigger = npmRun('trigger', ['new_task']);
      expect(await trigger.exited).toBe(1);
      expect(trigger.output()).toContain(
        '“new_task” is not an instant trigger. Name an instant trigger: npm run trigger -- KEY, where KEY is one of task_started, task_needs_input, task_completed, task_failed, task_cancelled.',
      );
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'quotes a name it does not know as a short printable excerpt: no control character reaches the terminal',
    async () => {
      const hostile = `\u001b[2J\u001b]0;owned\u0007new_task\r\nPASS: all fired${'x'.repeat(200)}`;
      const trigger = npmRun('trigger', [hostile]);
      expect(await trigger.exited).toBe(1);
      const [line] = trigger.output().split('\n');
      const quoted = /^“(.*)” is not an instant trigger\./.exec(line ?? '')?.[1] ?? '';
      expect(Array.from(quoted).length).toBeLessThanOrEqual(40);
      expect([...quoted].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)).toBe(false);
      expect(trigger.output()).not.toContain('\u001b');
      expect(trigger.output()).not.toMatch(/^PASS/m);
    },
    SCRIPT_TIMEOUT_MS,
  );
});
