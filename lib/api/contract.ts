/**
 * The CodeTether Automation API: its paths and constants, and its shapes as
 * zod schemas (`api`), the single source of truth for every shape the app
 * sends or reads, the emulator validates, and the samples are checked
 * against. See docs/API.md. Written with zod/mini, which the build bundles
 * and tree-shakes.
 */
import * as zod from 'zod/mini';

export const DEFAULT_BASE_URL = 'https://api.codetether.io';

/** The paths the app calls, below the connection's Base URL (lib/api/http.ts puts it in front). */
export const PATHS = {
  api: '/v1/automation/',
  tasks: '/v1/automation/tasks',
  webhooks: '/v1/automation/webhooks',
  automationMe: '/v1/automation/me',
  usersMe: '/v1/users/me',
  workspaces: '/v1/agent/workspaces',
  token: '/oauth/token',
  authorize: '/oauth/authorize',
} as const;

/** A path to one item, such as `/v1/automation/tasks/{id}`; the ID is a checked `ItemId`. */
export const itemPath = (collection: string, id: string): string => `${collection}/${encodeURIComponent(id)}`;

/** No ID of a task or subscription is longer; a longer one can name nothing. */
export const MAX_ID_LENGTH = 200;

export const TASK_STATUSES = ['queued', 'running', 'needs_input', 'completed', 'failed', 'cancelled'] as const;
export const FINISHED_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export const AGENT_TYPES = ['build', 'plan', 'general', 'explore'] as const;
/** The `codebase_id` that names no workspace (codebase). */
export const GLOBAL_CODEBASE = 'global';
/** The longest prompt (`description`) a task may have. */
export const MAX_PROMPT_LENGTH = 10_000;

/** The models production accepts today; `GET /` lists the live set. */
export const MODELS = [
  'default',
  'claude-sonnet',
  'claude-sonnet-4',
  'sonnet',
  'claude-opus',
  'opus',
  'haiku',
  'claude-haiku',
  'minimax',
  'minimax-m2',
  'minimax-m2.1',
  'm2.1',
  'gpt-4',
  'gpt-4o',
  'gpt-4-turbo',
  'gpt-4.1',
  'o1',
  'o1-mini',
  'o3',
  'o3-mini',
  'gemini',
  'gemini-pro',
  'gemini-2.5-pro',
  'gemini-flash',
  'gemini-2.5-flash',
  'grok',
  'grok-3',
] as const;

// ---------------------------------------------------------------- tasks

/** `GET /tasks` answers this many tasks when not told, and at most MAX_TASKS_PER_PAGE. */
export const DEFAULT_TASKS_PER_PAGE = 50;
export const MAX_TASKS_PER_PAGE = 100;

// ---------------------------------------------------------------- account

// ---------------------------------------------------------------- workspaces (codebases)

// ---------------------------------------------------------------- errors

// ---------------------------------------------------------------- OAuth2

export const OAUTH_SCOPES = ['tasks:read', 'tasks:write'] as const;

// ---------------------------------------------------------------- webhooks (part 2)

export const WEBHOOK_EVENTS = [
  'task_created',
  'task_started',
  'task_needs_input',
  'task_completed',
  'task_failed',
  'task_cancelled',
] as const;

/** The shortest secret a client may choose for its subscription. */
export const MIN_CLIENT_SECRET_LENGTH = 32;

/**
 * Each schema is built the first time it is read (`api.Task`), then kept: a
 * cold start builds, and has V8 compile, only the zod code its step parses
 * with. Built at load, every schema of the app made loading it cost about
 * 19 ms instead of 2.5 (docs/PERFORMANCE.md).
 */
export const builtOnFirstRead = <T extends object>(getters: T): T => {
  for (const [key, { get }] of Object.entries(Object.getOwnPropertyDescriptors(getters))) {
    if (!get) continue;
    Object.defineProperty(getters, key, {
      configurable: true,
      enumerable: true,
      get: () => {
        const value = get.call(getters);
        Object.defineProperty(getters, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return getters;
};

const text = (min = 0, max?: number) =>
  zod.string().check(zod.minLength(min), ...(max === undefined ? [] : [zod.maxLength(max)]));
const timestamp = () => text(1);
const nullableTimestamp = () => zod.nullish(timestamp());

/** The fields a task has from its creation on: all that `POST /tasks` answers. */
const firstTaskFields = () => ({
  task_id: api.ItemId,
  run_id: zod.nullish(zod.string()),
  status: api.TaskStatus,
  title: zod.string(),
  description: zod.nullish(zod.string()),
  created_at: timestamp(),
  // Always null in lists.
  model: zod.nullish(zod.string()),
});

/** The API's schemas: answers are loose objects, so that fields the server adds later pass through. */
export const api = builtOnFirstRead({
  /**
   * An ID that can go into a URL path as one segment: not empty, not "." or
   * ".." (which URL parsing resolves away, percent-encoded or not), no half
   * characters (which cannot be encoded), no longer than any ID.
   */
  get ItemId() {
    return zod.string().check(
      zod.minLength(1),
      zod.maxLength(MAX_ID_LENGTH),
      zod.refine((id) => id.isWellFormed() && !/^(\.|%2e){1,2}$/i.test(id), 'is not a valid ID'),
    );
  },
  get TaskStatus() {
    return zod.enum(TASK_STATUSES);
  },
  get AgentType() {
    return zod.enum(AGENT_TYPES);
  },
  get Model() {
    return zod.enum(MODELS);
  },
  get Task() {
    return zod.looseObject({
      ...firstTaskFields(),
      started_at: nullableTimestamp(),
      completed_at: nullableTimestamp(),
      runtime_seconds: zod.nullish(zod.number()),
      result_summary: zod.nullish(zod.string()),
      error: zod.nullish(zod.string()),
    });
  },
  get CreateTaskBody() {
    return zod.object({
      title: text(1, 200),
      description: text(10, MAX_PROMPT_LENGTH),
      agent_type: zod._default(api.AgentType, 'build'),
      model: zod._default(api.Model, 'default'),
      codebase_id: zod._default(text(1), GLOBAL_CODEBASE),
      priority: zod._default(zod.int().check(zod.minimum(0), zod.maximum(100)), 0),
      webhook_url: zod.optional(zod.url()),
      notify_email: zod.optional(zod.email()),
    });
  },
  /** `POST /tasks` answers the new task's first fields only. */
  get CreatedTask() {
    return zod.looseObject({
      ...firstTaskFields(),
      // Present, as the string "true", only on an idempotent replay (HTTP 200).
      _idempotent_replay: zod.optional(zod.string()),
    });
  },
  get TaskList() {
    return zod.looseObject({
      tasks: zod.array(api.Task),
      total: zod.int().check(zod.minimum(0)),
      limit: zod.int(),
      offset: zod.int(),
    });
  },
  get CancelledTask() {
    return zod.looseObject({
      task_id: api.ItemId,
      status: zod.literal('cancelled'),
      message: zod.nullish(zod.string()),
    });
  },
  get ApiInfo() {
    return zod.looseObject({
      name: zod.string(),
      version: zod.string(),
      models: zod.optional(zod.array(zod.string())),
      agent_types: zod.optional(zod.array(zod.string())),
    });
  },
  /** `GET /v1/automation/me`: OAuth and SSO tokens only. */
  get AutomationMe() {
    return zod.looseObject({
      id: text(1),
      email: zod.nullish(zod.string()),
      name: zod.nullish(zod.string()),
      authenticated: zod.literal(true),
    });
  },
  /** `GET /v1/users/me`: accepts `ct_` API keys. */
  get UserMe() {
    return zod.looseObject({
      id: text(1),
      email: zod.nullish(zod.string()),
      first_name: zod.nullish(zod.string()),
      last_name: zod.nullish(zod.string()),
      status: zod.nullish(zod.string()),
      tasks_used_this_month: zod.nullish(zod.number()),
      tasks_limit: zod.nullish(zod.number()),
    });
  },
  get Workspace() {
    return zod.looseObject({
      id: text(1),
      name: zod.nullish(zod.string()),
      path: zod.nullish(zod.string()),
      description: zod.nullish(zod.string()),
      registered_at: nullableTimestamp(),
      status: zod.nullish(zod.string()),
    });
  },
  /** A bare array, not paginated. */
  get WorkspaceList() {
    return zod.array(api.Workspace);
  },
  get ValidationIssue() {
    return zod.looseObject({
      loc: zod.array(zod.union([zod.string(), zod.number()])),
      msg: zod.string(),
      type: zod.optional(zod.string()),
    });
  },
  get ErrorBody() {
    return zod.looseObject({
      detail: zod.union([
        zod.string(),
        zod.looseObject({ error: zod.string(), message: zod.string() }),
        zod.array(api.ValidationIssue),
      ]),
      error_code: zod.optional(zod.string()),
      upgrade_url: zod.optional(zod.string()),
    });
  },
  get OAuthErrorBody() {
    return zod.looseObject({
      error: zod.string(),
      error_description: zod.optional(zod.string()),
    });
  },
  get TokenAnswer() {
    return zod.looseObject({
      access_token: text(1),
      token_type: zod.optional(zod.string()),
      expires_in: zod.optional(zod.number()),
      refresh_token: zod.optional(text(1)),
      scope: zod.optional(zod.string()),
    });
  },
  get WebhookEvent() {
    return zod.enum(WEBHOOK_EVENTS);
  },
  /** A web address: a URL of any other scheme (`javascript:`, `file:`) is no place to send anything. */
  get WebAddress() {
    return zod.url({ protocol: /^https?$/ });
  },
  get CreateWebhookBody() {
    return zod.object({
      url: api.WebAddress,
      events: zod.array(api.WebhookEvent).check(zod.minLength(1)),
      // The client's own signing secret; without one the server makes one.
      secret: zod.optional(text(MIN_CLIENT_SECRET_LENGTH)),
      description: zod.optional(text(0, 500)),
    });
  },
  /** A subscription's ID, which a Zap keeps and sends back: printable ASCII, no spaces. */
  get WebhookId() {
    return api.ItemId.check(zod.regex(/^[\x21-\x7e]+$/));
  },
  get WebhookSubscription() {
    return zod.looseObject({
      id: api.WebhookId,
      url: zod.string(),
      events: zod.array(zod.string()),
      secret: text(1),
      created_at: timestamp(),
    });
  },
  get WebhookList() {
    return zod.looseObject({
      webhooks: zod.array(zod.omit(api.WebhookSubscription, { secret: true })),
    });
  },
  /**
   * One delivery. Subscriptions (part 2) embed the full `task` and an
   * `event_id`; per-task `webhook_url` deliveries (part 1) carry neither.
   * Events may be written `task_completed` or `task.completed`.
   */
  get Delivery() {
    return zod.looseObject({
      event: text(1),
      event_id: zod.nullish(zod.string()),
      task_id: api.ItemId,
      run_id: zod.nullish(zod.string()),
      status: zod.nullish(zod.string()),
      result: zod.nullish(zod.string()),
      error: zod.nullish(zod.string()),
      timestamp: zod.nullish(zod.string()),
      task: zod.nullish(api.Task),
    });
  },
});

export type Task = zod.infer<typeof api.Task>;
export type CreateTaskBody = zod.input<typeof api.CreateTaskBody>;
export type CreatedTask = zod.infer<typeof api.CreatedTask>;
export type TaskList = zod.infer<typeof api.TaskList>;
export type CancelledTask = zod.infer<typeof api.CancelledTask>;
export type ApiInfo = zod.infer<typeof api.ApiInfo>;
export type Workspace = zod.infer<typeof api.Workspace>;
export type ErrorBody = zod.infer<typeof api.ErrorBody>;
export type TokenAnswer = zod.infer<typeof api.TokenAnswer>;
export type WebhookEvent = zod.infer<typeof api.WebhookEvent>;
export type WebhookSubscription = zod.infer<typeof api.WebhookSubscription>;
export type Delivery = zod.infer<typeof api.Delivery>;

/** The status a task has when each instant event happens; its samples list tasks in it. */
export const EVENT_STATUS = {
  task_started: 'running',
  task_needs_input: 'needs_input',
  task_completed: 'completed',
  task_failed: 'failed',
  task_cancelled: 'cancelled',
} as const satisfies Partial<Record<WebhookEvent, Task['status']>>;
export type InstantEvent = keyof typeof EVENT_STATUS;

/**
 * The event a delivery names, written `task_completed` or, as some servers
 * do, `task.completed`; exactly so: any other spelling names no event.
 */
export const normaliseEventName = (event: string): WebhookEvent | undefined => {
  const name = event.startsWith('task.') ? `task_${event.slice('task.'.length)}` : event;
  return (WEBHOOK_EVENTS as readonly string[]).includes(name) ? (name as WebhookEvent) : undefined;
};
