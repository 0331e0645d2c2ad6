/**
 * Every visible step of the app with a bundle that reaches CodeTether, and a
 * stand-in CodeTether that answers each request the way the contract says:
 * what the secrets tests and the property suite run every step with.
 */

import { taskFixture, taskInput } from '../../dev/fixtures';
import App from '../../index';
import { EVENT_STATUS, type InstantEvent } from '../../lib/api/contract';
import { SIGNATURE_HEADER, signatureOf, signedMessage, TIMESTAMP_HEADER } from '../../lib/webhooks/signature';
import { SECRETS } from './app';
import type { Answer, SeenRequest } from './zapier';

export const INSTANT_EVENTS = Object.keys(EVENT_STATUS) as InstantEvent[];
export const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/4815162/3f9c2a7e5b1d/';
export const SUBSCRIBE_DATA = { id: 'whk_7Yt2Qm9Lc4', secret: SECRETS.subscriptionSecret };

/** The connection of each authentication flavour, with every secret it can hold. */
export const CONNECTIONS = {
  api_key: { api_key: SECRETS.apiKey, webhook_secret: SECRETS.webhookSecret },
  oauth2: {
    access_token: SECRETS.accessToken,
    refresh_token: SECRETS.refreshToken,
    webhook_secret: SECRETS.webhookSecret,
  },
} as const;

/**
 * A subscription delivery of `body`, signed as CodeTether signs one; by
 * default `event` without the task embedded, so that the trigger reads the
 * task from CodeTether.
 */
export const deliveryOf = (
  event: InstantEvent,
  body: object = { event, event_id: 'evt_1', task_id: 'tsk_01J9Z6M4Q8', status: EVENT_STATUS[event] },
) => {
  const content = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    subscribeData: SUBSCRIBE_DATA,
    targetUrl: TARGET_URL,
    cleanedRequest: JSON.parse(content),
    rawRequest: {
      method: 'POST',
      content,
      headers: {
        [`Http-${SIGNATURE_HEADER}`]: signatureOf(SECRETS.subscriptionSecret, signedMessage(content, timestamp)),
        [`Http-${TIMESTAMP_HEADER}`]: timestamp,
      },
    },
  };
};

export type VisibleStep = {
  method: string;
  /** The bundle without authData. */
  bundle: Record<string, unknown>;
  /** The step's input fields, as the Zap editor fills them. */
  inputKeys: readonly string[];
};

/**
 * A value each input field may hold that lets its step reach CodeTether, by
 * the field's key: a new step that asks for a new kind of field adds one here.
 */
const VALID_INPUT: Record<string, unknown> = {
  ...taskInput(),
  task_id: 'tsk_01J9Z6M4Q8',
};

type Field = { key: string; type?: string; required?: boolean };
type Operation = Record<string, unknown> & { type?: string; inputFields?: unknown[] };

/** The step's own input fields (not functions, not read-only notes). */
const ownFieldsOf = (operation: Operation): Field[] =>
  (operation.inputFields ?? []).filter(
    (field): field is Field => typeof field === 'object' && field !== null && (field as Field).type !== 'copy',
  );

/** The required fields with a valid value; a search without any gets its first field's, to search for something. */
const validInput = (where: string, operation: Operation): Record<string, unknown> => {
  const fields = ownFieldsOf(operation);
  const chosen = fields.filter((field) => field.required);
  if (chosen.length === 0 && fields[0] && where.startsWith('searches.')) chosen.push(fields[0]);
  return Object.fromEntries(
    chosen.map((field) => {
      if (!(field.key in VALID_INPUT))
        throw new Error(`No valid value for the field “${field.key}” of ${where}: add one to VALID_INPUT.`);
      return [field.key, VALID_INPUT[field.key]];
    }),
  );
};

/**
 * Every function of the app a Zap runs against CodeTether, found in the
 * exported App, with a bundle that lets it reach CodeTether: the connection
 * test, each step's perform (a search with and without an ID), the dropdowns,
 * and for each instant trigger its subscribing, unsubscribing, samples and a
 * signed delivery. What the secret and property suites run every step with;
 * a new step is in it without being named.
 */
export const VISIBLE_STEPS: VisibleStep[] = [
  { method: 'authentication.test', bundle: {}, inputKeys: [] },
  ...(['creates', 'searches', 'triggers'] as const).flatMap((kind) =>
    Object.entries(App[kind] ?? {}).flatMap(([key, step]): VisibleStep[] => {
      const where = `${kind}.${key}.operation`;
      const operation = step.operation as Operation;
      const inputKeys = ownFieldsOf(operation).map((field) => field.key);
      const inputData = validInput(where, operation);
      if (operation.type !== 'hook') {
        const searchByTitle =
          kind === 'searches' && inputKeys.includes('title')
            ? [{ method: `${where}.perform`, bundle: { inputData: { title: 'sales call' } }, inputKeys }]
            : [];
        return [{ method: `${where}.perform`, bundle: { inputData, meta: { page: 1 } }, inputKeys }, ...searchByTitle];
      }
      // An instant trigger's sample names the event it waits for.
      const event = (operation.sample as { event: InstantEvent }).event;
      return [
        { method: `${where}.performSubscribe`, bundle: { targetUrl: TARGET_URL }, inputKeys: [] },
        {
          method: `${where}.performUnsubscribe`,
          bundle: { targetUrl: TARGET_URL, subscribeData: SUBSCRIBE_DATA },
          inputKeys: [],
        },
        { method: `${where}.performList`, bundle: {}, inputKeys: [] },
        { method: `${where}.perform`, bundle: deliveryOf(event), inputKeys: [] },
      ];
    }),
  ),
];

const task = taskFixture();
const { task_id, run_id, title, description, created_at, model } = task;

/** What CodeTether answers each request of the app, by the contract. */
export const contractAnswer = ({ method, url }: SeenRequest): Answer => {
  const path = new URL(url).pathname;
  const route = `${method} ${path.replace(/\/(tasks|webhooks)\/[^/]+$/, '/$1/{id}')}`;
  switch (route) {
    case 'GET /v1/automation/me':
      return { status: 200, body: { id: 'usr_42', email: 'ada@example.com', name: 'Ada', authenticated: true } };
    case 'GET /v1/users/me':
      return { status: 200, body: { id: 'usr_42', email: 'ada@example.com', first_name: 'Ada' } };
    case 'GET /v1/agent/workspaces':
      return { status: 200, body: [{ id: 'ws_1', name: 'marketing-site', path: '/srv/ws_1', description: '' }] };
    case 'GET /v1/automation/':
      return { status: 200, body: { name: 'CodeTether', version: '1', models: ['default', 'claude-sonnet'] } };
    case 'GET /v1/automation/tasks':
      return { status: 200, body: { tasks: [{ ...task, model: null }], total: 1, limit: 100, offset: 0 } };
    case 'GET /v1/automation/tasks/{id}':
      return { status: 200, body: task };
    case 'POST /v1/automation/tasks':
      return { status: 201, body: { task_id, run_id, status: 'queued', title, description, created_at, model } };
    case 'DELETE /v1/automation/tasks/{id}':
      return { status: 200, body: { task_id, status: 'cancelled', message: 'Task cancelled' } };
    case 'POST /v1/automation/webhooks':
      return {
        status: 201,
        body: { ...SUBSCRIBE_DATA, url: TARGET_URL, events: ['task_completed'], created_at },
      };
    case 'GET /v1/automation/webhooks':
      return { status: 200, body: { webhooks: [] } };
    case 'DELETE /v1/automation/webhooks/{id}':
      return { status: 204 };
    case 'POST /oauth/token':
      return {
        status: 200,
        body: { access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken, expires_in: 3600 },
      };
    default:
      return { status: 404, body: { detail: 'Not Found' } };
  }
};
