/**
 * The CodeTether API routes, declared with the contract's own zod schemas:
 * the same schemas validate every request here and describe it in
 * /openapi.json.
 */
import { createRoute, type Hook, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import { AGENT_TYPES, MODELS, OAUTH_SCOPES, WEBHOOK_EVENTS } from '../../lib/api/contract';
import packageJson from '../../package.json';
import type { Accounts, AuthEnv } from './accounts';
import type { EmulatorOptions } from './config';
import {
  budgetExceeded,
  conflict,
  fromZodError,
  INTERNAL_SERVER_ERROR,
  type InputSource,
  notFound,
} from './fastapi-errors';
import type { RateLimited } from './rate-limit';
import {
  ApiInfo,
  AutomationMe,
  CancelledTask,
  CreatedTask,
  CreateTaskBody,
  CreateWebhookBody,
  ErrorBody,
  Task,
  TaskList,
  TaskListQuery,
  UserMe,
  WebhookList,
  WebhookSubscription,
  WorkspaceList,
} from './schemas';
import type { TaskStore } from './tasks';
import type { WebhookHub } from './webhooks';

const SOURCES: Record<string, InputSource> = { json: 'body', query: 'query', param: 'path', header: 'header' };

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const ERROR_DESCRIPTIONS = {
  401: 'Missing, unknown or expired bearer token: `{"detail": "Authentication required"}`',
  402: 'The monthly task budget is used up (`error_code: BUDGET_EXCEEDED`)',
  404: 'No such resource for this account',
  409: 'The task is not queued or running',
  422: 'FastAPI validation error: `detail` lists each problem with its `loc`',
  429: 'Rate limit reached; `Retry-After` says when to try again. Only the task routes count and refuse requests',
} as const;

const errors = <const C extends keyof typeof ERROR_DESCRIPTIONS>(...codes: C[]) =>
  Object.fromEntries(codes.map((code) => [code, json(ErrorBody, ERROR_DESCRIPTIONS[code])])) as {
    [K in C]: ReturnType<typeof json<typeof ErrorBody>>;
  };

const TaskIdParam = z.object({ task_id: z.string().min(1) });
const WebhookIdParam = z.object({ webhook_id: z.string().min(1) });
const IdempotencyHeader = z.object({ 'Idempotency-Key': z.string().min(1).optional() });

export interface ApiDependencies {
  accounts: Accounts;
  tasks: TaskStore;
  webhooks: WebhookHub;
  /** Runs a task route's handler within its caller's quota (see rate-limit.ts). */
  rateLimited: RateLimited;
  options: Pick<
    EmulatorOptions,
    'taskBudget' | 'upgradeUrl' | 'rateLimit' | 'idempotencyTtlMs' | 'workspaces' | 'taskLimitAs500'
  >;
}

/**
 * Invalid input gets FastAPI's 422 list, located in the part of the request
 * it came from. The validator also passes the input itself (untyped), which
 * tells a missing field from a wrong one.
 */
export const fastApiValidationHook: Hook<unknown, AuthEnv, string, Response | undefined> = (result, c) => {
  if (result.success) return undefined;
  const input = 'data' in result ? result.data : undefined;
  return c.json(fromZodError(result.error, input, SOURCES[result.target] ?? 'body'), 422);
};

export const registerApiRoutes = (
  api: OpenAPIHono<AuthEnv>,
  { accounts, tasks, webhooks, rateLimited, options }: ApiDependencies,
) => {
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A `ct_` API key or an OAuth2 access token',
  });

  const secured = <R extends Omit<RouteConfig, 'security'>>(route: R) =>
    createRoute({ ...route, security: [{ bearer: [] }] });

  api.openapi(
    createRoute({
      method: 'get',
      path: '/v1/automation',
      summary: 'What the API offers',
      responses: { 200: json(ApiInfo, 'API information') },
    }),
    (c) =>
      c.json(
        {
          name: 'CodeTether Automation API',
          version: packageJson.version,
          endpoints: {
            tasks: '/v1/automation/tasks',
            task: '/v1/automation/tasks/{task_id}',
            me: '/v1/automation/me',
            webhooks: '/v1/automation/webhooks',
          },
          rate_limits: { requests_per_minute: options.rateLimit.limit },
          webhook: { events: [...WEBHOOK_EVENTS] },
          idempotency: { header: 'Idempotency-Key', window_hours: options.idempotencyTtlMs / 3_600_000 },
          authentication: { type: 'bearer', api_key_prefix: 'ct_', oauth2_scopes: [...OAUTH_SCOPES] },
          models: [...MODELS],
          agent_types: [...AGENT_TYPES],
        },
        200,
      ),
  );

  api.openapi(
    secured({
      method: 'get',
      path: '/v1/automation/me',
      summary: 'The signed-in user (OAuth and SSO tokens only: production refuses `ct_` keys here)',
      middleware: [accounts.requireAtMe] as const,
      responses: {
        200: json(AutomationMe, 'The user'),
        401: json(
          ErrorBody,
          'No token, an unknown or expired one, or a `ct_` key, in this route’s own shape: ' +
            '`{"detail": {"error": "unauthorized", "message": "Invalid or expired token"}}`',
        ),
      },
    }),
    (c) => {
      const { user } = c.get('principal');
      return c.json(
        { id: user.id, email: user.email, name: `${user.first_name} ${user.last_name}`, authenticated: true as const },
        200,
      );
    },
  );

  api.openapi(
    secured({
      method: 'get',
      path: '/v1/users/me',
      summary: 'The account behind a `ct_` API key or an OAuth token',
      middleware: [accounts.requireCredential] as const,
      responses: { 200: json(UserMe, 'The account'), ...errors(401) },
    }),
    (c) => {
      const { user } = c.get('principal');
      return c.json(
        {
          id: user.id,
          email: user.email,
          first_name: user.first_name,
          last_name: user.last_name,
          status: 'active',
          email_verified: true,
          tasks_used_this_month: tasks.usedThisMonth(user.id),
          tasks_limit: options.taskBudget,
          created_at: '2026-01-05T09:30:00Z',
        },
        200,
      );
    },
  );

  // Production asks for no credentials here (yet); the app sends its token anyway.
  const { workspaces } = options;
  if (workspaces !== null) {
    api.openapi(
      createRoute({
        method: 'get',
        path: '/v1/agent/workspaces',
        summary: 'The workspaces (codebases) a task’s `codebase_id` may name; a bare array, not paginated',
        responses: {
          200: json(WorkspaceList, 'The workspaces'),
          503: json(ErrorBody, 'The agent bridge is not available: `{"detail": "Agent bridge not available"}`'),
        },
      }),
      (c) =>
        workspaces === 'unavailable'
          ? c.json({ detail: 'Agent bridge not available' }, 503)
          : c.json(
              workspaces.map((workspace) => ({ ...workspace })),
              200,
            ),
    );
  }

  api.openapi(
    secured({
      method: 'post',
      path: '/v1/automation/tasks',
      summary: 'Create a task; a repeated Idempotency-Key within 48 h replays the first answer with 200',
      middleware: [accounts.requireCredential] as const,
      request: {
        headers: IdempotencyHeader,
        body: { required: true, content: { 'application/json': { schema: CreateTaskBody } } },
      },
      responses: {
        201: json(CreatedTask, 'The task was created'),
        200: json(CreatedTask, 'Idempotent replay: the original answer plus `"_idempotent_replay": "true"`'),
        ...errors(401, 402, 422, 429),
        500: {
          description:
            'An uncaught server error, as uvicorn answers it: `Internal Server Error` as plain text ' +
            '(every create on a fresh database; the used-up task budget on some servers)',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    }),
    (c) =>
      rateLimited(c, () => {
        const { user } = c.get('principal');
        const outcome = tasks.create(user.id, c.req.valid('json'), c.req.valid('header')['Idempotency-Key']);
        if (outcome.kind === 'insert_failed') return c.text(INTERNAL_SERVER_ERROR, 500);
        if (outcome.kind === 'over_budget') {
          return options.taskLimitAs500
            ? c.text(INTERNAL_SERVER_ERROR, 500)
            : c.json(budgetExceeded(outcome.used, outcome.limit, options.upgradeUrl), 402);
        }
        return outcome.kind === 'replayed' ? c.json(outcome.answer, 200) : c.json(outcome.answer, 201);
      }),
  );

  api.openapi(
    secured({
      method: 'get',
      path: '/v1/automation/tasks',
      summary: 'List tasks, newest first (`model` is always null here)',
      middleware: [accounts.requireCredential] as const,
      request: { query: TaskListQuery },
      responses: { 200: json(TaskList, 'A page of tasks'), ...errors(401, 422, 429) },
    }),
    (c) => rateLimited(c, () => c.json(tasks.list(c.get('principal').user.id, c.req.valid('query')), 200)),
  );

  api.openapi(
    secured({
      method: 'get',
      path: '/v1/automation/tasks/{task_id}',
      summary: 'One task',
      middleware: [accounts.requireCredential] as const,
      request: { params: TaskIdParam },
      responses: { 200: json(Task, 'The task'), ...errors(401, 404, 429) },
    }),
    (c) =>
      rateLimited(c, () => {
        const task = tasks.get(c.get('principal').user.id, c.req.valid('param').task_id);
        return task ? c.json({ ...task.record }, 200) : c.json(notFound('Task not found'), 404);
      }),
  );

  api.openapi(
    secured({
      method: 'delete',
      path: '/v1/automation/tasks/{task_id}',
      summary: 'Cancel a queued or running task',
      middleware: [accounts.requireCredential] as const,
      request: { params: TaskIdParam },
      responses: { 200: json(CancelledTask, 'The task is cancelled'), ...errors(401, 404, 409) },
    }),
    (c) => {
      const taskId = c.req.valid('param').task_id;
      const outcome = tasks.cancel(c.get('principal').user.id, taskId);
      if (outcome.kind === 'not_found') return c.json(notFound('Task not found'), 404);
      if (outcome.kind === 'not_cancellable') {
        return c.json(conflict(`Task is already ${outcome.status} and cannot be cancelled`), 409);
      }
      return c.json({ task_id: taskId, status: 'cancelled' as const, message: 'Task cancelled' }, 200);
    },
  );

  api.openapi(
    secured({
      method: 'post',
      path: '/v1/automation/webhooks',
      summary: 'Subscribe a URL to task events; the secret is shown only in this answer',
      middleware: [accounts.requireCredential] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CreateWebhookBody } } } },
      responses: { 201: json(WebhookSubscription, 'The subscription'), ...errors(401, 422) },
    }),
    (c) => {
      const { id, url, events, secret, created_at } = webhooks.subscribe(
        c.get('principal').user.id,
        c.req.valid('json'),
      );
      return c.json({ id, url, events, secret, created_at }, 201);
    },
  );

  api.openapi(
    secured({
      method: 'get',
      path: '/v1/automation/webhooks',
      summary: 'The subscriptions of this account, without their secrets',
      middleware: [accounts.requireCredential] as const,
      responses: { 200: json(WebhookList, 'The subscriptions'), ...errors(401) },
    }),
    (c) =>
      c.json(
        {
          webhooks: webhooks
            .list(c.get('principal').user.id)
            .map(({ id, url, events, created_at }) => ({ id, url, events, created_at })),
        },
        200,
      ),
  );

  api.openapi(
    secured({
      method: 'delete',
      path: '/v1/automation/webhooks/{webhook_id}',
      summary: 'Remove a subscription',
      middleware: [accounts.requireCredential] as const,
      request: { params: WebhookIdParam },
      responses: { 204: { description: 'Removed' }, ...errors(401, 404) },
    }),
    (c) =>
      webhooks.unsubscribe(c.get('principal').user.id, c.req.valid('param').webhook_id)
        ? c.body(null, 204)
        : c.json(notFound('Webhook not found'), 404),
  );
};
