/**
 * How `npm start` and `npm run trigger` report: each step on its own line,
 * with a tick or a cross, its time and what it did, or the message a user
 * would read when it failed.
 */
import { type Done, userMessageOf } from './flows';

const elapsed = (since: number) => `${Math.round(performance.now() - since)} ms`;

export interface StepConsole {
  /** Runs one step and prints it; a step that fails is printed with its message, then rethrown. */
  step<T extends Done>(title: string, run: () => Promise<T> | T): Promise<T>;
  /** Steps run so far, the failed one included. */
  readonly count: number;
  readonly failed: boolean;
}

export const stepConsole = (): StepConsole => {
  let count = 0;
  let failed = false;
  return {
    get count() {
      return count;
    },
    get failed() {
      return failed;
    },
    step: async (title, run) => {
      count += 1;
      const since = performance.now();
      const number = String(count).padStart(2, ' ');
      try {
        const done = await run();
        console.log(`  ✔ ${number}. ${title} (${elapsed(since)})\n        ${done.summary}`);
        return done;
      } catch (error) {
        failed = true;
        console.log(`  ✘ ${number}. ${title} (${elapsed(since)})\n        ${userMessageOf(error)}`);
        throw error;
      }
    },
  };
};
