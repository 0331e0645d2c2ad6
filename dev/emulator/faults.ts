/**
 * Faults a real server or the proxy in front of it shows now and then, on
 * demand, so that tests see what a user reads when they happen: a server that
 * accepts and never answers, one that sends headers and stalls the body, a
 * reset connection, an uncaught exception's traceback as plain text, and a
 * proxy's HTML fragment.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';

const FAULT_KINDS = ['stall', 'stall-body', 'reset', 'traceback', 'html-502'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** The requests it spoils: "METHOD /path" starts with this, such as "POST /v1/automation/tasks"; all when absent. */
  match?: string;
  /** How many matching requests it spoils; every one when absent. */
  times?: number;
}

/** What production's uvicorn answers for an uncaught exception: its traceback, when debug is on, as plain text. */
export const PYTHON_TRACEBACK = `Traceback (most recent call last):
  File "/app/api/tasks.py", line 212, in create_task
    check_task_limit(user)
  File "/app/services/limits.py", line 48, in check_task_limit
    raise TaskLimitError(f"limit check failed for {user.id}")
services.limits.TaskLimitError: limit check failed for usr_demo_ada
`;

/** What a proxy in front of the server answers while the server is down. */
export const PROXY_502_FRAGMENT =
  '<h1>Service Unavailable</h1><p>The server is temporarily unable to service your request. Please try again later.</p>';

/** The start of a JSON answer whose rest never comes. */
const STALLED_BODY_START = '{"tasks": [';

/** Faults in force and the requests they hold, all released when the emulator closes. */
export class FaultInjector {
  private readonly releases = new Set<() => void>();
  /** Who waits for a rule to spoil its first request. */
  private readonly waiting = new Map<FaultRule, () => void>();

  constructor(private readonly rules: FaultRule[]) {}

  /** Adds a rule; the promise settles when it has spoiled its first request (a stall: the request is held). */
  inject(rule: FaultRule): Promise<void> {
    this.rules.push(rule);
    return new Promise((resolve) => this.waiting.set(rule, resolve));
  }

  close(): void {
    for (const release of this.releases) release();
    this.releases.clear();
  }

  /** The rule that spoils this request, counting it down; undefined for a request answered as usual. */
  private take(c: Context): FaultRule | undefined {
    const request = `${c.req.method} ${c.req.path}`;
    const rule = this.rules.find((candidate) => !candidate.match || request.startsWith(candidate.match));
    if (!rule) return undefined;
    this.waiting.get(rule)?.();
    this.waiting.delete(rule);
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    }
    return rule;
  }

  /** Holds a request until the emulator closes; its client sees nothing until then. */
  private held(): Promise<Response> {
    return new Promise((resolve) => {
      this.releases.add(() => resolve(new Response(null, { status: 503 })));
    });
  }

  private stalledBody(): Response {
    let release = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode(STALLED_BODY_START));
        release = () => controller.close();
        this.releases.add(release);
      },
      // The client gave up and closed the connection: nothing left to release.
      cancel: () => {
        this.releases.delete(release);
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
  }

  middleware = (): MiddlewareHandler => async (c, next) => {
    const rule = this.take(c);
    switch (rule?.kind) {
      case undefined:
        return next();
      case 'stall':
        return this.held();
      case 'stall-body':
        return this.stalledBody();
      case 'reset':
        (c.env as HttpBindings).incoming.socket.destroy();
        return this.held();
      case 'traceback':
        return c.text(PYTHON_TRACEBACK, 500);
      case 'html-502':
        return c.html(PROXY_502_FRAGMENT, 502);
    }
  };
}
