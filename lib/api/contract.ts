/**
 * The CodeTether Automation API as zod schemas: the single source of truth
 * for every shape the app sends or reads, the emulator validates, and the
 * samples are checked against. See docs/API.md.
 *
 * Answers use loose objects so that fields the server adds later pass through.
 * Written with zod/mini, which the build bundles and tree-shakes.
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

/**
 * An ID that can go into a URL path as one segment: not empty, not "." or
 * ".." (which URL parsing resolves away, percent-encoded or not), no half
 * characters (which cannot be encoded), no longer than any ID.
 */
export const ItemId = zod.string().check(
  zod.minLength(1),
  zod.maxLength(MAX_ID_LENGTH),
  zod.refine((id) => id.isWellFormed() && !/^(\.|%2e){1,2}$/i.test(id), 'is not a valid ID'),
);

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

export const TaskStatus = zod.enum(TASK_STATUSES);
export const AgentType = zod.enum(AGENT_TYPES);
export const Model = zod.enum(MODELS);

const text = (min = 0, max?: number) =>
  zod.string().check(zod.minLength(min), ...(max === undefined ? [] : [zod.maxLength(max)]));
const timestamp = () => text(1);
const nullableTimestamp = () => zod.nullish(timestamp());

// ---------------------------------------------------------------- tasks

/** The fields a task has from its creation on: all that `POST /tasks` answers. */
const firstTaskFields = () => ({
  task_id: ItemId,
  run_id: zod.nullish(zod.string()),
  status: TaskStatus,
  title: zod.string(),
  description: zod.nullish(zod.string()),
  created_at: timestamp(),
  // Always null in lists.
  model: zod.nullish(zod.string()),
});

export const Task = zod.looseObject({
  ...firstTaskFields(),
  started_at: nullableTimestamp(),
  completed_at: nullableTimestamp(),
  runtime_seconds: zod.nullish(zod.number()),
  result_summary: zod.nullish(zod.string()),
  error: zod.nullish(zod.string()),
});
export type Task = zod.infer<typeof Task>;

export const CreateTaskBody = zod.object({
  title: text(1, 200),
  description: text(10, MAX_PROMPT_LENGTH),
  agent_type: zod._default(AgentType, 'build'),
  model: zod._default(Model, 'default'),
  codebase_id: zod._default(text(1), GLOBAL_CODEBASE),
  priority: zod._default(zod.int().check(zod.minimum(0), zod.maximum(100)), 0),
  webhook_url: zod.optional(zod.url()),
  notify_email: zod.optional(zod.email()),
});
export type CreateTaskBody = zod.input<typeof CreateTaskBody>;

/** `POST /tasks` answers the new task's first fields only. */
export const CreatedTask = zod.looseObject({
  ...firstTaskFields(),
  // Present, as the string "true", only on an idempotent replay (HTTP 200).
  _idempotent_replay: zod.optional(zod.string()),
});
export type CreatedTask = zod.infer<typeof CreatedTask>;

/** `GET /tasks` answers this many tasks when not told, and at most MAX_TASKS_PER_PAGE. */
export const DEFAULT_TASKS_PER_PAGE = 50;
export const MAX_TASKS_PER_PAGE = 100;

export const TaskList = zod.looseObject({
  tasks: zod.array(Task),
  total: zod.int().check(zod.minimum(0)),
  limit: zod.int(),
  offset: zod.int(),
});
export type TaskList = zod.infer<typeof TaskList>;

export const CancelledTask = zod.looseObject({
  task_id: ItemId,
  status: zod.literal('cancelled'),
  message: zod.nullish(zod.string()),
});
export type CancelledTask = zod.infer<typeof CancelledTask>;

// ---------------------------------------------------------------- account

export const ApiInfo = zod.looseObject({
  name: zod.string(),
  version: zod.string(),
  models: zod.optional(zod.array(zod.string())),
  agent_types: zod.optional(zod.array(zod.string())),
});
export type ApiInfo = zod.infer<typeof ApiInfo>;

/** `GET /v1/automation/me`: OAuth and SSO tokens only. */
export const AutomationMe = zod.looseObject({
  id: text(1),
  email: zod.nullish(zod.string()),
  name: zod.nullish(zod.string()),
  authenticated: zod.literal(true),
});

/** `GET /v1/users/me`: accepts `ct_` API keys. */
export const UserMe = zod.looseObject({
  id: text(1),
  email: zod.nullish(zod.string()),
  first_name: zod.nullish(zod.string()),
  last_name: zod.nullish(zod.string()),
  status: zod.nullish(zod.string()),
  tasks_used_this_month: zod.nullish(zod.number()),
  tasks_limit: zod.nullish(zod.number()),
});

// ---------------------------------------------------------------- workspaces (codebases)

export const Workspace = zod.looseObject({
  id: text(1),
  name: zod.nullish(zod.string()),
  path: zod.nullish(zod.string()),
  description: zod.nullish(zod.string()),
  registered_at: nullableTimestamp(),
  status: zod.nullish(zod.string()),
});
export type Workspace = zod.infer<typeof Workspace>;

/** A bare array, not paginated. */
export const WorkspaceList = zod.array(Workspace);

// ---------------------------------------------------------------- errors

export const ValidationIssue = zod.looseObject({
  loc: zod.array(zod.union([zod.string(), zod.number()])),
  msg: zod.string(),
  type: zod.optional(zod.string()),
});

export const ErrorBody = zod.looseObject({
  detail: zod.union([
    zod.string(),
    zod.looseObject({ error: zod.string(), message: zod.string() }),
    zod.array(ValidationIssue),
  ]),
  error_code: zod.optional(zod.string()),
  upgrade_url: zod.optional(zod.string()),
});
export type ErrorBody = zod.infer<typeof ErrorBody>;

export const OAuthErrorBody = zod.looseObject({
  error: zod.string(),
  error_description: zod.optional(zod.string()),
});

// ---------------------------------------------------------------- OAuth2

export const OAUTH_SCOPES = ['tasks:read', 'tasks:write'] as const;

export const TokenAnswer = zod.looseObject({
  access_token: text(1),
  token_type: zod.optional(zod.string()),
  expires_in: zod.optional(zod.number()),
  refresh_token: zod.optional(text(1)),
  scope: zod.optional(zod.string()),
});
export type TokenAnswer = zod.infer<typeof TokenAnswer>;

// ---------------------------------------------------------------- webhooks (part 2)

export const WEBHOOK_EVENTS = [
  'task_created',
  'task_started',
  'task_needs_input',
  'task_completed',
  'task_failed',
  'task_cancelled',
] as const;
export const WebhookEvent = zod.enum(WEBHOOK_EVENTS);
export type WebhookEvent = zod.infer<typeof WebhookEvent>;

/** A web address: a URL of any other scheme (`javascript:`, `file:`) is no place to send anything. */
export const WebAddress = zod.url({ protocol: /^https?$/ });

/** The shortest secret a client may choose for its subscription. */
export const MIN_CLIENT_SECRET_LENGTH = 32;

export const CreateWebhookBody = zod.object({
  url: WebAddress,
  events: zod.array(WebhookEvent).check(zod.minLength(1)),
  // The client's own signing secret; without one the server makes one.
  secret: zod.optional(text(MIN_CLIENT_SECRET_LENGTH)),
  description: zod.optional(text(0, 500)),
});

/** A subscription's ID, which a Zap keeps and sends back: printable ASCII, no spaces. */
export const WebhookId = ItemId.check(zod.regex(/^[\x21-\x7e]+$/));

export const WebhookSubscription = zod.looseObject({
  id: WebhookId,
  url: zod.string(),
  events: zod.array(zod.string()),
  secret: text(1),
  created_at: timestamp(),
});
export type WebhookSubscription = zod.infer<typeof WebhookSubscription>;

export const WebhookList = zod.looseObject({
  webhooks: zod.array(zod.omit(WebhookSubscription, { secret: true })),
});

/**
 * One delivery. Subscriptions (part 2) embed the full `task` and an
 * `event_id`; per-task `webhook_url` deliveries (part 1) carry neither.
 * Events may be written `task_completed` or `task.completed`.
 */
export const Delivery = zod.looseObject({
  event: text(1),
  event_id: zod.nullish(zod.string()),
  task_id: ItemId,
  run_id: zod.nullish(zod.string()),
  status: zod.nullish(zod.string()),
  result: zod.nullish(zod.string()),
  error: zod.nullish(zod.string()),
  timestamp: zod.nullish(zod.string()),
  task: zod.nullish(Task),
});
export type Delivery = zod.infer<typeof Delivery>;

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
