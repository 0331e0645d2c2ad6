/**
 * Everything about the emulator that a test, `npm start` or a developer may
 * want to change. Production's values are the defaults, except the task
 * delays, which are short so that a whole Zap runs in seconds.
 */
import type { FaultRule } from './faults';

export interface EmulatorUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  /** The user's `ct_` API key. */
  apiKey: string;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** A redirect_uri must start with one of these. */
  redirectUriPrefixes: string[];
}

/**
 * A workspace (codebase) as `GET /v1/agent/workspaces` lists it: the
 * server's RegisteredCodebase.to_dict(), field for field.
 */
export interface EmulatorWorkspace {
  id: string;
  name: string;
  path: string;
  /** "" when none was given. */
  description: string;
  /** Naive: `datetime.utcnow().isoformat()`, UTC with microseconds and no offset. */
  registered_at: string;
  agent_config: Record<string, unknown>;
  /** Naive as well; null until an agent was triggered there. */
  last_triggered: string | null;
  /** idle, running, busy, error, stopped or watching. */
  status: string;
  agent_port: number | null;
  session_id: string | null;
  watch_mode: boolean;
  /** Seconds between task checks in watch mode. */
  watch_interval: number;
  /** The worker that owns the workspace; null for one registered on the server itself. */
  worker_id: string | null;
}

export interface EmulatorOptions {
  /** 0 picks a free port. The emulator only ever listens on 127.0.0.1. */
  port: number;
  /** The first user is the one who signs in through /oauth/authorize. */
  users: EmulatorUser[];
  oauthClient: OAuthClient;
  accessTokenTtlSeconds: number;
  /** Requests allowed per sliding window, per API key (per IP for OAuth tokens). */
  rateLimit: { limit: number; windowMs: number };
  idempotencyTtlMs: number;
  /** Tasks a user may create per month; null means no budget. */
  taskBudget: number | null;
  upgradeUrl: string;
  tasks: {
    /** Time a task stays queued. */
    startDelayMs: number;
    /** Time a task runs before it finishes. */
    runDelayMs: number;
    /** A description containing this fails the task. */
    failMarker: string;
    /** A description containing this stops the task in needs_input. */
    needsInputMarker: string;
    /**
     * How the agent ends its answer. By default it adds the JSON object the
     * prompt's Result Fields ask for, fenced; a description containing one of
     * these makes it answer in prose only, fenced JSON, bare JSON or broken JSON;
     * `wrongTypes` makes it give each typed Result Field a value of the wrong type.
     */
    answerMarkers: { prose: string; fencedJson: string; bareJson: string; brokenJson: string; wrongTypes: string };
  };
  /** Some CodeTether servers write events dotted (`task.completed`); the app must accept both. */
  dottedEventNames: boolean;
  /** Signs per-task `webhook_url` deliveries the way production does; null sends them unsigned. */
  taskWebhookSecret: string | null;
  /**
   * What subscription deliveries sign after their timestamp: the bytes sent,
   * or Python's json.dumps of the payload, as a Python server is likely to.
   */
  subscriptionSignedBody: 'raw' | 'python_json_dumps';
  deliveries: {
    maxAttempts: number;
    /** The first retry waits this long; each further retry waits twice as long. */
    firstRetryDelayMs: number;
    timeoutMs: number;
  };
  maxBodyBytes: number;
  /**
   * What `GET /v1/agent/workspaces` lists; null serves no such route (a server
   * that predates it), 'unavailable' answers 503 as production does without its agent bridge.
   */
  workspaces: EmulatorWorkspace[] | null | 'unavailable';
  /**
   * How task timestamps are written. `production`: as production's Python
   * writes them, `created_at` naive (`datetime.utcnow().isoformat()`, UTC with
   * microseconds and no offset), `started_at` and `completed_at` with
   * `+00:00`. `iso`: JavaScript's `toISOString()`, always with `Z`.
   */
  timestamps: 'production' | 'iso';
  /** Requests to spoil on purpose (see faults.ts); more can be injected while the emulator runs. */
  faults: FaultRule[];
  /**
   * Server defects, off by default (docs/API.md, "Known server defects").
   * The fresh-database defect: `POST /tasks` inserts a column the server's
   * own schema code has renamed, so every create answers 500 `text/plain`
   * `Internal Server Error` (after the rate limit and an idempotent replay,
   * as there), and no task is created.
   */
  createFails: boolean;
  /**
   * The monthly task budget, once used up, raises an uncaught error: a bare
   * 500 `text/plain` `Internal Server Error` instead of the 402.
   */
  taskLimitAs500: boolean;
}

export type EmulatorOverrides = Partial<Omit<EmulatorOptions, 'tasks' | 'deliveries' | 'rateLimit'>> & {
  tasks?: Partial<EmulatorOptions['tasks']>;
  deliveries?: Partial<EmulatorOptions['deliveries']>;
  rateLimit?: Partial<EmulatorOptions['rateLimit']>;
};

export const DEMO_USER: EmulatorUser = {
  id: 'usr_demo_ada',
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  apiKey: 'ct_emulator_demo_4f7a1c9e2b8d6053',
};

export const DEFAULT_OPTIONS: EmulatorOptions = {
  port: 0,
  users: [DEMO_USER],
  oauthClient: {
    clientId: 'codetether-zapier',
    clientSecret: 'cs_emulator_demo_9b3e5d7f1a2c4e6f',
    redirectUriPrefixes: ['https://zapier.com/dashboard/auth/oauth/return/', 'http://127.0.0.1', 'http://localhost'],
  },
  accessTokenTtlSeconds: 3600,
  rateLimit: { limit: 60, windowMs: 60_000 },
  idempotencyTtlMs: 48 * 3600 * 1000,
  taskBudget: null,
  upgradeUrl: 'https://codetether.io/settings/billing',
  tasks: {
    startDelayMs: 100,
    runDelayMs: 300,
    failMarker: '[fail]',
    needsInputMarker: '[needs-input]',
    answerMarkers: {
      prose: '[prose]',
      fencedJson: '[fenced-json]',
      bareJson: '[bare-json]',
      brokenJson: '[broken-json]',
      wrongTypes: '[wrong-types]',
    },
  },
  dottedEventNames: false,
  taskWebhookSecret: 'whsec_emulator_demo_2d4f6a8c0e1b3d5f',
  subscriptionSignedBody: 'raw',
  deliveries: { maxAttempts: 5, firstRetryDelayMs: 200, timeoutMs: 10_000 },
  maxBodyBytes: 1024 * 1024,
  workspaces: [
    {
      id: 'ws_marketing_site',
      name: 'marketing-site',
      path: '/srv/workspaces/marketing-site',
      description: 'The public website',
      registered_at: '2026-10-02T08:15:00.123456',
      agent_config: { agent: 'build', model: 'claude-sonnet' },
      last_triggered: '2026-11-30T14:02:11.482913',
      status: 'watching',
      agent_port: 9101,
      session_id: '7c41e2a9',
      watch_mode: true,
      watch_interval: 5,
      worker_id: 'worker-4f8c1d2e',
    },
    {
      id: 'ws_billing_api',
      name: 'billing-api',
      path: '/srv/workspaces/billing-api',
      description: '',
      registered_at: '2026-10-20T13:40:00.551920',
      agent_config: {},
      last_triggered: null,
      status: 'idle',
      agent_port: null,
      session_id: null,
      watch_mode: false,
      watch_interval: 5,
      worker_id: null,
    },
  ],
  timestamps: 'production',
  faults: [],
  createFails: false,
  taskLimitAs500: false,
};

export const resolveOptions = (overrides: EmulatorOverrides = {}): EmulatorOptions => ({
  ...DEFAULT_OPTIONS,
  ...overrides,
  tasks: { ...DEFAULT_OPTIONS.tasks, ...overrides.tasks },
  deliveries: { ...DEFAULT_OPTIONS.deliveries, ...overrides.deliveries },
  rateLimit: { ...DEFAULT_OPTIONS.rateLimit, ...overrides.rateLimit },
  // Copied: the emulator counts rules down and adds injected ones.
  faults: (overrides.faults ?? []).map((rule) => ({ ...rule })),
});
