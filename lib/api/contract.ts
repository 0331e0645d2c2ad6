/**
 * The CodeTether Automation API as zod schemas: the single source of truth
 * for every shape the app sends or reads, the emulator validates, and the
 * samples are checked against. See ../shared/API-CONTRACT.md.
 *
 * Answers use loose objects so that fields the server adds later pass through.
 * Each schema is built on first use (see lazy-schema.ts).
 */
import type { z } from 'zod';
import { lazySchema } from '../lazy-schema';

export const DEFAULT_BASE_URL = 'https://api.codetether.io';
export const API_PREFIX = ['v1', 'automation'] as const;

export const TASK_STATUSES = ['queued', 'running', 'needs_input', 'completed', 'failed', 'cancelled'] as const;
export const FINISHED_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export const AGENT_TYPES = ['build', 'plan', 'general', 'explore'] as const;

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

export const TaskStatus = lazySchema((z) => z.enum(TASK_STATUSES));
export const AgentType = lazySchema((z) => z.enum(AGENT_TYPES));
export const Model = lazySchema((z) => z.enum(MODELS));

const Timestamp = lazySchema((z) => z.string().min(1));
const NullableTimestamp = lazySchema(() => Timestamp.nullish());

// ---------------------------------------------------------------- tasks

export const Task = lazySchema((z) =>
  z.looseObject({
    task_id: z.string().min(1),
    run_id: z.string().nullish(),
    status: TaskStatus,
    title: z.string(),
    description: z.string().nullish(),
    created_at: Timestamp,
    started_at: NullableTimestamp,
    completed_at: NullableTimestamp,
    runtime_seconds: z.number().nullish(),
    result_summary: z.string().nullish(),
    error: z.string().nullish(),
    // Always null in lists.
    model: z.string().nullish(),
  }),
);
export type Task = z.infer<typeof Task>;

export const CreateTaskBody = lazySchema((z) =>
  z.object({
    title: z.string().min(1).max(200),
    description: z.string().min(10).max(10000),
    agent_type: AgentType.default('build'),
    model: Model.default('default'),
    codebase_id: z.string().min(1).default('global'),
    priority: z.int().min(0).max(100).default(0),
    webhook_url: z.url().optional(),
    notify_email: z.email().optional(),
  }),
);
export type CreateTaskBody = z.input<typeof CreateTaskBody>;

/** `POST /tasks` answers the new task's first fields only. */
export const CreatedTask = lazySchema((z) =>
  Task.pick({
    task_id: true,
    run_id: true,
    status: true,
    title: true,
    description: true,
    created_at: true,
    model: true,
  }).extend({
    // Present, as the string "true", only on an idempotent replay (HTTP 200).
    _idempotent_replay: z.string().optional(),
  }),
);
export type CreatedTask = z.infer<typeof CreatedTask>;

export const TaskListQuery = lazySchema((z) =>
  z.object({
    status: TaskStatus.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  }),
);

export const TaskList = lazySchema((z) =>
  z.looseObject({
    tasks: z.array(Task),
    total: z.int().min(0),
    limit: z.int(),
    offset: z.int(),
  }),
);
export type TaskList = z.infer<typeof TaskList>;

export const CancelledTask = lazySchema((z) =>
  z.looseObject({
    task_id: z.string().min(1),
    status: z.literal('cancelled'),
    message: z.string().nullish(),
  }),
);
export type CancelledTask = z.infer<typeof CancelledTask>;

// ---------------------------------------------------------------- account

export const ApiInfo = lazySchema((z) =>
  z.looseObject({
    name: z.string(),
    version: z.string(),
    models: z.array(z.string()).optional(),
    agent_types: z.array(z.string()).optional(),
  }),
);
export type ApiInfo = z.infer<typeof ApiInfo>;

/** `GET /v1/automation/me`: OAuth and SSO tokens only. */
export const AutomationMe = lazySchema((z) =>
  z.looseObject({
    id: z.string().min(1),
    email: z.string().nullish(),
    name: z.string().nullish(),
    authenticated: z.literal(true),
  }),
);

/** `GET /v1/users/me`: accepts `ct_` API keys. */
export const UserMe = lazySchema((z) =>
  z.looseObject({
    id: z.string().min(1),
    email: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    status: z.string().nullish(),
    tasks_used_this_month: z.number().nullish(),
    tasks_limit: z.number().nullish(),
  }),
);

// ---------------------------------------------------------------- errors

export const ValidationIssue = lazySchema((z) =>
  z.looseObject({
    loc: z.array(z.union([z.string(), z.number()])),
    msg: z.string(),
    type: z.string().optional(),
  }),
);

export const ErrorBody = lazySchema((z) =>
  z.looseObject({
    detail: z.union([z.string(), z.looseObject({ error: z.string(), message: z.string() }), z.array(ValidationIssue)]),
    error_code: z.string().optional(),
    upgrade_url: z.string().optional(),
  }),
);
export type ErrorBody = z.infer<typeof ErrorBody>;

export const OAuthErrorBody = lazySchema((z) =>
  z.looseObject({
    error: z.string(),
    error_description: z.string().optional(),
  }),
);

// ---------------------------------------------------------------- OAuth2

export const OAUTH_SCOPES = ['tasks:read', 'tasks:write'] as const;

export const TokenAnswer = lazySchema((z) =>
  z.looseObject({
    access_token: z.string().min(1),
    token_type: z.string().optional(),
    expires_in: z.number().optional(),
    refresh_token: z.string().min(1).optional(),
    scope: z.string().optional(),
  }),
);
export type TokenAnswer = z.infer<typeof TokenAnswer>;

// ---------------------------------------------------------------- webhooks (part 2)

export const WEBHOOK_EVENTS = [
  'task_created',
  'task_started',
  'task_needs_input',
  'task_completed',
  'task_failed',
  'task_cancelled',
] as const;
export const WebhookEvent = lazySchema((z) => z.enum(WEBHOOK_EVENTS));
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const CreateWebhookBody = lazySchema((z) =>
  z.object({
    url: z.url(),
    events: z.array(WebhookEvent).min(1),
    description: z.string().max(500).optional(),
  }),
);

export const WebhookSubscription = lazySchema((z) =>
  z.looseObject({
    id: z.string().min(1),
    url: z.string(),
    events: z.array(z.string()),
    secret: z.string().min(1),
    created_at: Timestamp,
  }),
);
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

export const WebhookList = lazySchema((z) =>
  z.looseObject({
    webhooks: z.array(WebhookSubscription.omit({ secret: true })),
  }),
);

/**
 * One delivery. Subscriptions (part 2) embed the full `task` and an
 * `event_id`; per-task `webhook_url` deliveries (part 1) carry neither.
 * Events may be written `task_completed` or `task.completed`.
 */
export const Delivery = lazySchema((z) =>
  z.looseObject({
    event: z.string().min(1),
    event_id: z.string().nullish(),
    task_id: z.string().min(1),
    run_id: z.string().nullish(),
    status: z.string().nullish(),
    result: z.string().nullish(),
    error: z.string().nullish(),
    timestamp: z.string().nullish(),
    task: Task.nullish(),
  }),
);
export type Delivery = z.infer<typeof Delivery>;

/** The status a task has when each instant event happens; its samples list tasks in it. */
export const EVENT_STATUS = {
  task_started: 'running',
  task_needs_input: 'needs_input',
  task_completed: 'completed',
  task_failed: 'failed',
  task_cancelled: 'cancelled',
} as const satisfies Partial<Record<WebhookEvent, (typeof TASK_STATUSES)[number]>>;
export type InstantEvent = keyof typeof EVENT_STATUS;

/** `task.completed` and `task_completed` name the same event. */
export const normaliseEventName = (event: string): string => event.trim().toLowerCase().replace(/\./g, '_');
