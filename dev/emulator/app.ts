/**
 * The emulator's HTTP application: the API, the OAuth server and the
 * OpenAPI document, behind the protections production has (body size
 * limit; the task routes apply the rate limit themselves), with FastAPI's answers for whatever goes wrong before
 * a route runs (malformed JSON, unknown paths, wrong methods, crashes), and
 * the faults a test asks for.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import packageJson from '../../package.json';
import { Accounts, type AuthEnv } from './accounts';
import { fastApiValidationHook, registerApiRoutes } from './api';
import type { EmulatorOptions } from './config';
import { INTERNAL_SERVER_ERROR, jsonDecodeError } from './fastapi-errors';
import { FaultInjector } from './faults';
import { OAuthServer } from './oauth';
import { SlidingWindowLimiter, taskRateLimit } from './rate-limit';
import { TaskStore } from './tasks';
import { WebhookHub } from './webhooks';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export const createEmulatorApp = (options: EmulatorOptions) => {
  const [signInUser] = options.users;
  if (!signInUser) throw new Error('The emulator needs at least one user.');
  const oauth = new OAuthServer(options.oauthClient, options.accessTokenTtlSeconds, signInUser.id);
  const accounts = new Accounts(options.users, oauth);
  const webhooks = new WebhookHub(options);
  const tasks = new TaskStore(options, (event, task) => webhooks.publish(event, task));

  const faults = new FaultInjector(options.faults);

  const app = new OpenAPIHono<AuthEnv>({ strict: false, defaultHook: fastApiValidationHook });

  // Middleware first: Hono runs handlers in the order they were registered. A fault comes before anything else.
  app.use(faults.middleware());
  app.use(
    bodyLimit({
      maxSize: options.maxBodyBytes,
      // The rest of the body is never read, so the connection cannot serve another request.
      onError: (c) =>
        c.json({ detail: `Request body larger than ${options.maxBodyBytes} bytes` }, 413, { Connection: 'close' }),
    }),
  );
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => c.json({ detail: 'Method Not Allowed' }, 405, { Allow: allowed.join(', ') }),
    }),
  );
  // FastAPI decodes a JSON body before anything else and answers 422 when it cannot.
  app.use('/v1/*', async (c, next) => {
    if (!BODY_METHODS.has(c.req.method) || !/json/i.test(c.req.header('content-type') ?? '')) return next();
    const text = await c.req.text();
    try {
      JSON.parse(text);
    } catch {
      return c.json(jsonDecodeError(text), 422);
    }
    return next();
  });

  const rateLimited = taskRateLimit(
    new SlidingWindowLimiter(options.rateLimit.limit, options.rateLimit.windowMs),
    accounts.rateClientOf,
  );
  registerApiRoutes(app, { accounts, tasks, webhooks, rateLimited, options });
  app.route('/', oauth.routes());
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'CodeTether Automation API (emulator)',
      version: packageJson.version,
      description:
        "The CodeTether Automation API as the Zapier integration speaks it: production's endpoints and quirks, " +
        'and the webhook subscriptions the integration proposes. docs/API.md in the integration’s repository ' +
        'says what the schemas cannot: signatures, retries, rate limits, idempotency.',
    },
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ detail: error.message }, error.status);
    console.error('Emulator error:', error);
    // Uvicorn's answer to an uncaught exception: plain text, no JSON.
    return c.text(INTERNAL_SERVER_ERROR, 500);
  });
  app.notFound((c) => c.json({ detail: 'Not Found' }, 404));

  return { app, tasks, webhooks, oauth, faults };
};
