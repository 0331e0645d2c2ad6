/**
 * Task Finished, simulated: a seeded CodeTether workload, served by nock from
 * its state at a simulated now, polled through the real app and Zapier's
 * runtime, deduped by id as Zapier does. Nothing here is random between runs.
 *
 * Workload: 400 completed, 400 failed and 40 cancelled tasks a day, created
 * at random times over 36 hours; runtimes from seconds to 30 hours (three in
 * four under 15 minutes, one in twelve over 4 hours, one in two hundred in
 * the hour before the horizon and one in two hundred past it); one failed
 * task in twenty run again and completed (a second finish, a new id); and a
 * task that runs 23 h 55 min created just before a bulk import of 60 tasks.
 * The Zap is turned on after 30 hours (its first poll only fills the dedupe
 * set) and polls every 15 minutes (Zapier's slowest plan) for 3 hours, then
 * every 2 minutes for 10 more. A poll costs the test about 0.1 s of CPU, so
 * the windows are short.
 *
 * Horizon: every finish of a task created at most 24 hours before it
 * finished triggers once, at the first poll after it; cancelled tasks never.
 * Cost: 8 or 9 requests a poll (mean 8.9), at most 10: 5 a minute at the
 * 2-minute interval, of the 60 the rate limit allows.
 *
 * Past the bound, at 800 completed tasks a day, a finish triggers exactly
 * when its task is among the 500 newest-created completed tasks at the
 * first poll after it: those that ran 21 hours or more are missed.
 */
import nock from 'nock';
import { zapierRuntime } from '../../dev/zap/runtime';
import App from '../../index';
import { MAX_TASKS_PER_PAGE } from '../../lib/api/contract';
import { HORIZON_MS, MAX_PAGES } from '../../triggers/task_finished';
import { API, apiKeyAuth, useClock, useNock } from '../support/app';

useNock();
useClock('2026-12-01T00:00:00Z');

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const START = Date.parse('2026-12-01T00:00:00Z');
/** Tasks a poll can read of one outcome. */
const READ_BOUND = MAX_PAGES * MAX_TASKS_PER_PAGE;

type Status = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
type Outcome = 'completed' | 'failed';

/** mulberry32: a small seeded PRNG, so every run simulates the same days. */
const prng = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
type Rng = ReturnType<typeof prng>;

/** Log-uniform between low and high: every tenfold span of runtimes is as likely. */
const between = (rng: Rng, low: number, high: number) => Math.round(low * (high / low) ** rng());

/** Most tasks finish in minutes, some run for hours, a few finish at the horizon's edge or past it. */
const runtime = (rng: Rng): number => {
  const band = rng();
  if (band < 0.75) return between(rng, 5 * SECOND, 15 * MINUTE);
  if (band < 0.92) return between(rng, 15 * MINUTE, 4 * HOUR);
  if (band < 0.975) return between(rng, 4 * HOUR, 20 * HOUR);
  if (band < 0.99) return between(rng, 20 * HOUR, 23 * HOUR);
  // Finishes within 24 hours of creation, but the next poll may come more than 24 hours after it.
  if (band < 0.995) return between(rng, 23 * HOUR, 24 * HOUR - MINUTE);
  // Not promised: finishes more than 24 hours after creation.
  return between(rng, 24 * HOUR, 30 * HOUR);
};

interface Phase {
  status: Status;
  from: number;
}

interface SimTask {
  taskId: string;
  created: number;
  /** Microseconds below the millisecond, as production's timestamps have them. */
  micros: number;
  phases: Phase[];
  /** Its list item in each phase, built once. */
  json: Map<Phase, object>;
}

/** A task to create: when, how it ends, and (else drawn) how long it runs. */
interface Spec {
  created: number;
  outcome: Outcome | 'cancelled';
  runtime?: number;
}

interface Workload {
  seed: number;
  /** Tasks are created at random times over this many hours from START. */
  hours: number;
  perDay: Record<Outcome | 'cancelled', number>;
  /** The share of failed tasks that are run again and completed. */
  retried: number;
  /** Tasks placed by hand. */
  placed?: Spec[];
}

const generate = ({ seed, hours, perDay, retried, placed = [] }: Workload): SimTask[] => {
  const rng = prng(seed);
  const specs: Spec[] = [];
  for (const outcome of ['completed', 'failed', 'cancelled'] as const) {
    for (let n = 0; n < Math.round((perDay[outcome] * hours) / 24); n++) {
      specs.push({ created: START + Math.floor(rng() * hours * HOUR), outcome });
    }
  }
  return [...specs, ...placed].map((spec, n) => {
    const started = spec.created + between(rng, SECOND, MINUTE);
    const phases: Phase[] = [
      { status: 'queued', from: spec.created },
      { status: 'running', from: started },
    ];
    if (spec.outcome === 'cancelled') {
      phases.push({ status: 'cancelled', from: started + between(rng, 10 * SECOND, 2 * HOUR) });
    } else {
      const finished = spec.created + (spec.runtime ?? started - spec.created + runtime(rng));
      phases.push({ status: spec.outcome, from: finished });
      if (spec.outcome === 'failed' && rng() < retried) {
        // Run again: off the failed list until it completes.
        const restarted = finished + between(rng, 30 * MINUTE, 6 * HOUR);
        phases.push(
          { status: 'running', from: restarted },
          { status: 'completed', from: restarted + between(rng, MINUTE, HOUR) },
        );
      }
    }
    const taskId = `tsk_${String(n).padStart(5, '0')}`;
    return { taskId, created: spec.created, micros: Math.floor(rng() * 1000), phases, json: new Map() };
  });
};

interface Finish {
  id: string;
  task: SimTask;
  status: Outcome;
  at: number;
}

const finishesOf = (tasks: SimTask[]): Finish[] =>
  tasks.flatMap((task) =>
    task.phases
      .filter(
        (phase): phase is Phase & { status: Outcome } => phase.status === 'completed' || phase.status === 'failed',
      )
      .map(({ status, from }) => ({ id: `${task.taskId}-${status}`, task, status, at: from })),
  );

const phaseAt = (task: SimTask, now: number): Phase | undefined => task.phases.findLast((phase) => phase.from <= now);

/** Python's isoformat() of a UTC datetime: naive for created_at, with +00:00 for started_at and completed_at. */
const isoformat = (ms: number, micros: number, aware: boolean) => {
  const fraction = (ms % 1000) * 1000 + micros;
  const seconds = new Date(ms).toISOString().slice(0, 19);
  return `${seconds}${fraction ? `.${String(fraction).padStart(6, '0')}` : ''}${aware ? '+00:00' : ''}`;
};

/** The task as `GET /tasks` lists it in one phase. */
const listItem = (task: SimTask, phase: Phase) => {
  let item = task.json.get(phase);
  if (!item) {
    const started = task.phases.findLast((p) => p.status === 'running' && p.from <= phase.from);
    const finished = phase.status === 'completed' || phase.status === 'failed' || phase.status === 'cancelled';
    item = {
      task_id: task.taskId,
      run_id: `run_${task.taskId.slice(4)}`,
      status: phase.status,
      title: `Task ${task.taskId}`,
      description: 'Summarise the attached transcript in five bullet points.',
      created_at: isoformat(task.created, task.micros, false),
      started_at: started ? isoformat(started.from, task.micros, true) : null,
      completed_at: finished ? isoformat(phase.from, task.micros, true) : null,
      runtime_seconds: finished && started ? (phase.from - started.from) / SECOND : null,
      result_summary: phase.status === 'completed' ? 'Done.' : null,
      error: phase.status === 'failed' ? 'The agent stopped with an error.' : null,
      model: null,
    };
    task.json.set(phase, item);
  }
  return item;
};

/** What `GET /tasks?status=` lists at `now`: the tasks in that status, newest created first. */
const lister = (tasks: SimTask[]) => {
  const lists = new Map<string, SimTask[]>();
  return (status: string, now: number): SimTask[] => {
    const key = `${status}@${now}`;
    let list = lists.get(key);
    if (!list) {
      list = tasks
        .filter((task) => phaseAt(task, now)?.status === status)
        .sort((a, b) => b.created - a.created || b.micros - a.micros || (a.taskId < b.taskId ? 1 : -1));
      lists.set(key, list);
    }
    return list;
  };
};

/** CodeTether at the simulated now, behind nock, counting the requests. */
const serve = (tasks: SimTask[]) => {
  const server = { requests: 0, list: lister(tasks) };
  nock(API)
    .persist()
    .get('/tasks')
    .query(true)
    .reply((uri) => {
      server.requests++;
      const now = Date.now();
      const query = new URL(uri, API).searchParams;
      const limit = Number(query.get('limit') ?? 50);
      const offset = Number(query.get('offset') ?? 0);
      if (!(limit >= 1 && limit <= MAX_TASKS_PER_PAGE && offset >= 0)) return [422, { detail: [] }];
      const listed = server.list(query.get('status') ?? '', now);
      const page = listed.slice(offset, offset + limit).map((task) => listItem(task, phaseAt(task, now)!));
      return [200, { tasks: page, total: listed.length, limit, offset }];
    });
  return server;
};

/**
 * Zapier's side: the first poll, when the Zap is turned on, only fills the
 * dedupe set; every later poll triggers each id it has not seen before.
 */
const runZap = async (tasks: SimTask[], schedule: number[]) => {
  const server = serve(tasks);
  const zapier = zapierRuntime(App);
  const dedupe = new Set<string>();
  const triggered = new Map<string, number>();
  const requests: number[] = [];
  for (const [n, at] of schedule.entries()) {
    jest.setSystemTime(at);
    server.requests = 0;
    const { results } = await zapier.run<{ id: string }[]>('triggers.task_finished.operation.perform', {
      authData: apiKeyAuth,
      meta: { isPopulatingDedupe: n === 0, isLoadingSample: false, limit: -1, page: 0 },
    });
    requests.push(server.requests);
    for (const { id } of results) {
      if (dedupe.has(id)) continue;
      dedupe.add(id);
      if (n > 0) triggered.set(id, at);
    }
  }
  return { triggered, dedupe, requests, list: server.list };
};

const every = (from: number, to: number, interval: number) =>
  Array.from({ length: Math.floor((to - from) / interval) + 1 }, (_, n) => from + n * interval);

const cost = (requests: number[]) => ({
  minRequests: Math.min(...requests),
  maxRequests: Math.max(...requests),
  meanRequests: Math.round((requests.reduce((sum, n) => sum + n, 0) / requests.length) * 10) / 10,
});

/** A Zap turned on at `on` over a workload: what it triggered, and where each finish stood at the first poll after it. */
const simulate = async (workload: Workload, schedule: number[]) => {
  const tasks = generate(workload);
  const { triggered, dedupe, requests, list } = await runZap(tasks, schedule);
  const [on, last] = [schedule[0]!, schedule.at(-1)!];
  const firstPollAfter = (at: number) => schedule.find((poll) => poll >= at)!;
  const all = finishesOf(tasks);
  const finishes = all
    .filter((finish) => finish.at > on && finish.at <= last)
    .map((finish) => {
      const polled = firstPollAfter(finish.at);
      const listed = list(finish.status, polled);
      return { ...finish, polled, position: listed.indexOf(finish.task), triggeredAt: triggered.get(finish.id) };
    });
  // What triggered that was no finish while the Zap was on, or not at the first poll after it.
  const byId = new Map(finishes.map((finish) => [finish.id, finish]));
  const strays = [...triggered].filter(([id, at]) => byId.get(id)?.polled !== at);
  return { tasks, finishes, all, dedupe, requests, strays };
};

const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;

describe('Task Finished, simulated', () => {
  it('triggers every finish within 24 hours of its task’s creation once, at the next poll, at 400 a day of each outcome', async () => {
    const on = START + 30 * HOUR;
    // A task that runs 23 h 55 min, just before a bulk import of 60 tasks: the next poll comes 24 h 5 min after it was created.
    const edge = on + 50 * MINUTE - (24 * HOUR - 5 * MINUTE);
    const { tasks, finishes, all, dedupe, requests, strays } = await simulate(
      {
        seed: 20261201,
        hours: 36,
        perDay: { completed: 400, failed: 400, cancelled: 40 },
        retried: 0.05,
        placed: [
          { created: edge, outcome: 'completed', runtime: 24 * HOUR - 5 * MINUTE },
          ...Array.from({ length: 60 }, (_, n) => ({
            created: edge + MINUTE + n * SECOND,
            outcome: 'completed' as const,
            runtime: 5 * MINUTE,
          })),
        ],
      },
      // Every 15 minutes (Zapier's slowest plan) for 3 hours, then every 2 minutes for 10 more.
      [
        ...every(on, on + 3 * HOUR, 15 * MINUTE),
        ...every(on + 3 * HOUR + 2 * MINUTE, on + 3 * HOUR + 10 * MINUTE, 2 * MINUTE),
      ],
    );

    const promised = finishes.filter((finish) => finish.at - finish.task.created <= HORIZON_MS);
    // Each promised finish triggers, at the first poll after it.
    expect(promised.filter((finish) => finish.triggeredAt !== finish.polled).map((finish) => finish.id)).toEqual([]);
    // Nothing else triggers: no finish from before the Zap was on, none later than the first poll after it.
    expect(strays).toEqual([]);
    // A cancelled task is never even listed.
    const cancelled = tasks.filter((task) => task.phases.at(-1)!.status === 'cancelled').map((task) => task.taskId);
    expect([...dedupe].filter((id) => cancelled.includes(id.replace(/-(completed|failed)$/, '')))).toEqual([]);
    expect(Math.max(...requests)).toBeLessThanOrEqual(2 * MAX_PAGES);

    const failedThenCompleted = promised.filter(
      (finish) => finish.status === 'completed' && all.some((other) => other.id === `${finish.task.taskId}-failed`),
    );
    expect({
      polls: requests.length,
      finishes: promised.length,
      triggered: promised.filter((finish) => finish.triggeredAt).length,
      ranOver4Hours: promised.filter((finish) => finish.at - finish.task.created > 4 * HOUR).length,
      createdOver24HoursBeforeItsPoll: promised.filter((finish) => finish.polled - finish.task.created > HORIZON_MS)
        .length,
      failedThenCompleted: failedThenCompleted.filter((finish) => finish.triggeredAt).length,
      deepestPosition: Math.max(...promised.map((finish) => finish.position)),
      cancelled: cancelled.length,
      ...cost(requests),
    }).toEqual({
      polls: 18,
      finishes: 117,
      triggered: 117,
      ranOver4Hours: 10,
      createdOver24HoursBeforeItsPoll: 1,
      failedThenCompleted: 6,
      deepestPosition: 440,
      cancelled: 60,
      minRequests: 8,
      maxRequests: 9,
      meanRequests: 8.9,
    });
  });

  it('past 500 tasks of one outcome a day, misses exactly the finishes of tasks created more than 500 back', async () => {
    const on = START + 30 * HOUR;
    const { finishes, requests, strays } = await simulate(
      { seed: 20261202, hours: 36, perDay: { completed: 800, failed: 100, cancelled: 0 }, retried: 0 },
      every(on, on + 3 * HOUR, 15 * MINUTE),
    );
    // A finish triggers, at the first poll after it, exactly when its task is among the 500 newest created then.
    expect(
      finishes.filter((finish) => (finish.triggeredAt === finish.polled) !== finish.position < READ_BOUND),
    ).toEqual([]);
    expect(strays).toEqual([]);
    const missed = finishes.filter((finish) => !finish.triggeredAt);
    expect(missed.length).toBeGreaterThan(0);
    expect(Math.max(...requests)).toBeLessThanOrEqual(2 * MAX_PAGES);
    expect({
      polls: requests.length,
      finishes: finishes.length,
      missed: missed.length,
      missedShortestRun: hours(Math.min(...missed.map((finish) => finish.at - finish.task.created))),
      triggeredLongestRun: hours(
        Math.max(...finishes.filter((f) => f.triggeredAt).map((finish) => finish.at - finish.task.created)),
      ),
      ...cost(requests),
    }).toEqual({
      polls: 13,
      finishes: 111,
      missed: 4,
      missedShortestRun: 21,
      triggeredLongestRun: 19.3,
      minRequests: 7,
      maxRequests: 7,
      meanRequests: 7,
    });
  });
});
