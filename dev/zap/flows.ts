/**
 * The steps of a whole Zap against the emulator, each as Zapier runs it and
 * each checking that it did what a user expects: `npm start` runs them in
 * order and test/e2e runs them one by one. A step that goes wrong throws an
 * error that says what was expected.
 */
import { randomBytes } from 'node:crypto';
import { api, EVENT_STATUS, type InstantEvent, TASK_STATUSES } from '../../lib/api/contract';
import { askedResultFields } from '../../lib/steps/result-data';
import type { TaskOutput } from '../../lib/steps/task-output';
import type { TaskEventOutput } from '../../lib/webhooks/rest-hook';
import { pythonJsonDumps, signatureOf, signedMessage } from '../../lib/webhooks/signature';
import { pkceChallenge } from '../emulator/oauth';
import type { RunningEmulator } from '../emulator/server';
import { emailTaskInput } from '../fixtures';
import { type CaughtRequest, deliveryBundle, type HookCatcher } from './hook-catcher';
import { type AuthData, failureOf, type ZapierRuntime } from './runtime';

/** Zapier's OAuth redirect URI for CLI apps (the emulator accepts it). */
const ZAPIER_REDIRECT_URI = 'https://zapier.com/dashboard/auth/oauth/return/App424242CLIAPI/';

export interface Zap {
  emulator: RunningEmulator;
  catcher: HookCatcher;
  /** The app built with API key authentication. */
  apiKeyApp: ZapierRuntime;
  /** The app built with OAuth2 authentication. */
  oauthApp: ZapierRuntime;
}

/** What a step did, in one line for the log. */
export interface Done {
  summary: string;
}

export type Account = { id: string; email: string | null; name: string | null; host: string | null };
export type Subscription = { trigger: string; targetUrl: string; subscribeData: { id: string; secret: string } };
/** A dropdown choice: Model, Codebase. */
export type Choice = { id: string; name: string };

const expectThat = (condition: unknown, expected: string): void => {
  if (!condition) throw new Error(`Expected ${expected}.`);
};

const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** An output as Zapier offers it to later steps: nested objects flattened, their keys joined with `__`. */
const mappable = (output: object, prefix = ''): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(output).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(mappable(value, `${prefix}${key}__`))
        : [[`${prefix}${key}`, value]],
    ),
  );

/**
 * The Result Data fields a later step maps from a task output, as one line
 * for the log; a completed task must give each field its prompt asked for a
 * value, unless its result_data_error says why it cannot.
 */
const mappedResultData = (output: TaskOutput): string => {
  const keys = askedResultFields(output.description).map(({ name }) => `result_data__${name}`);
  if (keys.length === 0 || output.status !== 'completed') {
    const outcome = output.result_summary ?? output.error;
    return outcome === null ? 'no result yet' : `“${outcome}”`;
  }
  const fields = mappable(output);
  const empty = keys.filter((key) => fields[key] == null);
  expectThat(
    empty.length === 0 || output.result_data_error,
    `a value to map for every Result Field, or a result_data_error saying why, not none for ${empty.join(', ')}`,
  );
  const mapped = keys.map((key) => `${key} = ${JSON.stringify(fields[key] ?? null)}`).join(', ');
  return output.result_data_error ? `${mapped} (${output.result_data_error})` : mapped;
};

// ---------------------------------------------------------------- connecting

/** Zapier tests a new connection, then labels it with what the test returned. */
const testAndLabel = async (app: ZapierRuntime, authData: AuthData) => {
  const account = (await app.run<Account>('authentication.test', { authData })).results;
  const label = (await app.run<string>('authentication.connectionLabel', { authData, inputData: account })).results;
  return { account, label };
};

export const connectWithApiKey = async (zap: Zap): Promise<Done & { authData: AuthData; label: string }> => {
  const [user] = zap.emulator.options.users;
  const authData: AuthData = {
    api_key: user?.apiKey ?? '',
    base_url: zap.emulator.url,
    webhook_secret: zap.emulator.options.taskWebhookSecret ?? '',
  };
  const { account, label } = await testAndLabel(zap.apiKeyApp, authData);
  const host = new URL(zap.emulator.url).host;
  expectThat(account.id === user?.id, `the connection to belong to ${user?.id}, not ${account.id}`);
  expectThat(
    label === `${user?.first_name} ${user?.last_name} (${user?.email}) @ ${host}`,
    `the label to name the user and the instance, not “${label}”`,
  );
  return { authData, label, summary: `test and label: “${label}”` };
};

/**
 * The authorization code flow as Zapier drives it: the app's authorize URL,
 * to which Zapier adds its PKCE challenge; the user's approval (the
 * emulator approves at once); the code exchanged for tokens. The form's
 * fields (Base URL, Webhook Signing Secret) reach the app as inputData, and
 * the connection keeps only what getAccessToken returns.
 */
export const authorizeWithOAuth = async (zap: Zap): Promise<Done & { authData: AuthData; code: string }> => {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const form = { base_url: zap.emulator.url, webhook_secret: zap.emulator.options.taskWebhookSecret ?? '' };
  const inputData = { ...form, state, redirect_uri: ZAPIER_REDIRECT_URI };
  const authorizeUrl = new URL(
    (await zap.oauthApp.run<string>('authentication.oauth2Config.authorizeUrl', { inputData })).results,
  );
  authorizeUrl.searchParams.set('code_challenge', pkceChallenge(verifier));
  authorizeUrl.searchParams.set('code_challenge_method', 'S256');

  const approval = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(approval.headers.get('location') ?? '', ZAPIER_REDIRECT_URI);
  const code = back.searchParams.get('code');
  expectThat(approval.status === 302 && code, `a redirect with a code, not HTTP ${approval.status} ${back.search}`);
  expectThat(back.searchParams.get('state') === state, 'the redirect to carry the state Zapier sent');

  const authData = (
    await zap.oauthApp.run<AuthData>('authentication.oauth2Config.getAccessToken', {
      inputData: { ...inputData, code, code_verifier: verifier },
    })
  ).results;
  expectThat(authData.access_token && authData.refresh_token, 'an access token and a refresh token');
  expectThat(
    authData.base_url === form.base_url && authData.webhook_secret === form.webhook_secret,
    "the connection to keep the form's Base URL and Webhook Signing Secret",
  );
  const { label } = await testAndLabel(zap.oauthApp, authData);
  return { authData, code: code ?? '', summary: `authorize (PKCE S256), token, test: “${label}”` };
};

/** Zapier refreshes when a request answers 401; the refresh token rotates. */
export const refreshOAuth = async (zap: Zap, authData: AuthData): Promise<Done & { authData: AuthData }> => {
  const refreshed = (await zap.oauthApp.run<AuthData>('authentication.oauth2Config.refreshAccessToken', { authData }))
    .results;
  expectThat(refreshed.access_token !== authData.access_token, 'a new access token');
  expectThat(refreshed.refresh_token !== authData.refresh_token, 'the refresh token to rotate');
  const renewed = { ...authData, ...refreshed };
  const { account } = await testAndLabel(zap.oauthApp, renewed);
  return { authData: renewed, summary: `refresh: new access token works for ${account.email}, refresh token rotated` };
};

// ---------------------------------------------------------------- dropdowns

export const fillDropdowns = async (
  zap: Zap,
  authData: AuthData,
): Promise<Done & { models: Choice[]; codebases: Choice[]; tasks: TaskOutput[] }> => {
  const models = (await zap.apiKeyApp.run<Choice[]>('triggers.list_models.operation.perform', { authData })).results;
  expectThat(
    models.some((model) => model.id === 'claude-sonnet'),
    'the Model dropdown to offer the server’s models',
  );
  const codebases = (await zap.apiKeyApp.run<Choice[]>('triggers.list_workspaces.operation.perform', { authData }))
    .results;
  expectThat(codebases[0]?.id === 'global', 'the Codebase dropdown to offer global first');
  const tasks = (
    await zap.apiKeyApp.run<TaskOutput[]>('triggers.list_recent_tasks.operation.perform', {
      authData,
      meta: { page: 0 },
    })
  ).results;
  expectThat(Array.isArray(tasks), 'the Task dropdown to list tasks');
  return {
    models,
    codebases,
    tasks,
    summary: `Model: ${models.length} choices; Codebase: ${codebases.map((codebase) => codebase.name).join(', ')}; Task: ${tasks.length} recent tasks`,
  };
};

// ---------------------------------------------------------------- instant triggers

export const subscribe = async (
  zap: Zap,
  authData: AuthData,
  trigger: string,
): Promise<Done & { subscription: Subscription }> => {
  const targetUrl = zap.catcher.hookUrl(uniqueName(trigger));
  const subscribeData = (
    await zap.apiKeyApp.run<Subscription['subscribeData']>(`triggers.${trigger}.operation.performSubscribe`, {
      authData,
      targetUrl,
    })
  ).results;
  expectThat(subscribeData.id && subscribeData.secret, `${trigger} to keep the subscription's id and secret`);
  return {
    subscription: { trigger, targetUrl, subscribeData },
    summary: `${trigger} → ${new URL(targetUrl).pathname} (subscription ${subscribeData.id})`,
  };
};

/** What Zapier does when a request reaches the hook URL: hands it to the trigger's perform. */
export const receiveDelivery = async (
  zap: Zap,
  authData: AuthData,
  subscription: Subscription,
  taskId: string,
  expectedStatus: TaskOutput['status'],
): Promise<Done & { events: TaskEventOutput[] }> => {
  const caught = await zap.catcher.waitFor(subscription.targetUrl, (request) => request.raw.includes(taskId));
  const timestamp = String(caught.headers['x-codetether-timestamp']);
  const signedOver = (body: string) =>
    caught.headers['x-codetether-signature'] ===
    signatureOf(subscription.subscribeData.secret, signedMessage(body, timestamp));
  const form = signedOver(caught.raw)
    ? 'raw body'
    : signedOver(pythonJsonDumps(JSON.parse(caught.raw))) && 'json.dumps';
  expectThat(form, "the delivery to be signed over its timestamp and body with the subscription's secret");
  const events = (
    await zap.apiKeyApp.run<TaskEventOutput[]>(`triggers.${subscription.trigger}.operation.perform`, {
      authData,
      subscribeData: subscription.subscribeData,
      targetUrl: subscription.targetUrl,
      ...deliveryBundle(caught),
    })
  ).results;
  const [event] = events;
  expectThat(
    events.length === 1 && event?.task_id === taskId,
    `${subscription.trigger} to accept the signed delivery for ${taskId}`,
  );
  expectThat(event?.status === expectedStatus, `a ${expectedStatus} task, not ${event?.status}`);
  return {
    events,
    summary: `${subscription.trigger}: signed over timestamp and ${form}, accepted; ${event?.status}: ${event && mappedResultData(event)}`,
  };
};

/**
 * Makes a new task reach an instant trigger's event: the emulator starts
 * and finishes a task by itself, fails it or stops it for input when its
 * description holds the marker for that, and Cancel Task cancels it.
 */
export const taskReaching = async (
  zap: Zap,
  authData: AuthData,
  event: InstantEvent,
): Promise<Done & { task: TaskOutput; status: TaskOutput['status'] }> => {
  const { failMarker, needsInputMarker } = zap.emulator.options.tasks;
  const markers: Partial<Record<InstantEvent, string>> = {
    task_failed: failMarker,
    task_needs_input: needsInputMarker,
  };
  const { description } = emailTaskInput();
  const { task } = await createTask(
    zap,
    authData,
    emailTaskInput({ description: [description, markers[event]].filter(Boolean).join(' ') }),
  );
  if (event === 'task_cancelled') await cancelTask(zap, authData, task.id);
  const status = EVENT_STATUS[event];
  return { task, status, summary: `${task.id} “${task.title}” on its way to ${status}` };
};

export const unsubscribe = async (
  zap: Zap,
  authData: AuthData,
  subscription: Subscription,
): Promise<Done & { alreadyRemoved: boolean }> => {
  const { already_removed: alreadyRemoved } = (
    await zap.apiKeyApp.run<{ id: string | null; already_removed: boolean }>(
      `triggers.${subscription.trigger}.operation.performUnsubscribe`,
      { authData, subscribeData: subscription.subscribeData, targetUrl: subscription.targetUrl },
    )
  ).results;
  return {
    alreadyRemoved,
    summary: `${subscription.trigger}: ${alreadyRemoved ? 'was already removed' : 'removed'}`,
  };
};

// ---------------------------------------------------------------- actions and searches

export const createTask = async (
  zap: Zap,
  authData: AuthData,
  inputData: Record<string, unknown> = emailTaskInput(),
): Promise<Done & { task: TaskOutput & { idempotent_replay: boolean } }> => {
  const task = (
    await zap.apiKeyApp.run<TaskOutput & { idempotent_replay: boolean }>('creates.create_task.operation.perform', {
      authData,
      inputData,
    })
  ).results;
  expectThat(task.status === 'queued' || task.idempotent_replay, `a queued task, not ${task.status}`);
  return { task, summary: `${task.id} “${task.title}” is ${task.status}` };
};

export const findTask = async (
  zap: Zap,
  authData: AuthData,
  inputData: Record<string, unknown>,
  expectedId: string,
): Promise<Done & { found: TaskOutput[] }> => {
  const found = (await zap.apiKeyApp.run<TaskOutput[]>('searches.find_task.operation.perform', { authData, inputData }))
    .results;
  expectThat(found[0]?.id === expectedId, `Find Task to find ${expectedId} first`);
  return { found, summary: `${expectedId} found by ${Object.keys(inputData).join(' and ')}: ${found[0]?.status}` };
};

/**
 * Find or Create Task as Zapier runs a search-or-create: the search first,
 * and the create only when the search found nothing.
 */
export const findOrCreateTask = async (
  zap: Zap,
  authData: AuthData,
  input: { search: Record<string, unknown>; create: Record<string, unknown> },
): Promise<Done & { task: TaskOutput; created: boolean }> => {
  const found = (
    await zap.apiKeyApp.run<TaskOutput[]>('searches.find_task.operation.perform', { authData, inputData: input.search })
  ).results;
  if (found[0]) return { task: found[0], created: false, summary: `found ${found[0].id}` };
  const { task } = await createTask(zap, authData, input.create);
  return { task, created: true, summary: `nothing found, created ${task.id}` };
};

/** Run Task and Wait for Result's perform, with this run's callback URL: the step then waits (status CALLBACK). */
const startRunTask = async (app: ZapierRuntime, zap: Zap, authData: AuthData, inputData: Record<string, unknown>) => {
  const callbackUrl = zap.catcher.callbackUrl(uniqueName('run_task'));
  const started = await app.run<TaskOutput>(
    'creates.run_task.operation.perform',
    { authData, inputData },
    { callbackUrl },
  );
  expectThat(started.status === 'CALLBACK', 'the step to wait for its callback URL');
  return { callbackUrl, queued: started.results };
};

/** What Zapier does when a request reaches the callback URL: hands it to performResume. */
const resumeRunTask = async (
  app: ZapierRuntime,
  authData: AuthData,
  inputData: Record<string, unknown>,
  queued: TaskOutput,
  callback: CaughtRequest,
) =>
  (
    await app.run<TaskOutput>('creates.run_task.operation.performResume', {
      authData,
      inputData,
      outputData: queued,
      ...deliveryBundle(callback),
    })
  ).results;

/**
 * Run Task and Wait for Result as Zapier runs it: the output fields its
 * Result Fields declare, perform with this run's callback URL, the pause
 * (status CALLBACK), then performResume with the request that reached the
 * callback URL. Every declared field must come back with a value to map.
 */
export const runTaskAndWait = async (
  zap: Zap,
  authData: AuthData,
  inputData: Record<string, unknown> = emailTaskInput({ title: 'Draft the weekly status update' }),
  app: ZapierRuntime = zap.apiKeyApp,
): Promise<Done & { queued: TaskOutput; result: TaskOutput; mapped: Record<string, unknown> }> => {
  const declared = (
    await app.run<{ key: string }[]>('creates.run_task.operation.outputFields', { authData, inputData })
  ).results
    .map((field) => field.key)
    .filter((key) => key.startsWith('result_data__'));
  const { callbackUrl, queued } = await startRunTask(app, zap, authData, inputData);
  const caught = await zap.catcher.waitFor(callbackUrl);
  // Production signs Python's json.dumps of the payload, not the compact bytes it sends.
  const signed =
    caught.headers['x-codetether-signature'] ===
    signatureOf(authData.webhook_secret ?? '', pythonJsonDumps(JSON.parse(caught.raw)));
  expectThat(signed || !authData.webhook_secret, 'the callback to be signed the way production signs');
  const result = await resumeRunTask(app, authData, inputData, queued, caught);
  expectThat(result.task_id === queued.task_id, 'the result of the task the step created');
  expectThat(
    (TASK_STATUSES as readonly string[]).includes(result.status) && result.status !== 'queued',
    'a finished task',
  );
  const asked = askedResultFields(result.description).map(({ name }) => `result_data__${name}`);
  expectThat(
    declared.join() === asked.join(),
    `the output fields the step declares (${declared.join(', ')}) to be the Result Fields its task was asked for`,
  );
  return {
    queued,
    result,
    mapped: mappable(result),
    summary:
      `${result.id} paused until its callback came (${signed ? 'signed the Python json.dumps way, accepted' : 'unsigned'}); ` +
      `${result.status}: ${mappedResultData(result)}`,
  };
};

/**
 * What a Zapier Filter (or Paths, or a Sheets number column) does with typed
 * Result Data: compares a number as a number, a yes/no as a boolean, a date
 * as a date. The values must have those types, not be text.
 */
export const filterOnResultData = (mapped: Record<string, unknown>): Done & { passes: boolean } => {
  const { result_data__urgency: urgency, result_data__needs_refund: needsRefund } = mapped;
  const { result_data__reply_by: replyBy, result_data__refund_amount: amount, result_data__topics: topics } = mapped;
  expectThat(Number.isInteger(urgency), `urgency to be a whole number, not ${JSON.stringify(urgency)}`);
  expectThat(typeof amount === 'number', `refund_amount to be a number, not ${JSON.stringify(amount)}`);
  expectThat(typeof needsRefund === 'boolean', `needs_refund to be true or false, not ${JSON.stringify(needsRefund)}`);
  expectThat(
    typeof replyBy === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(replyBy) && !Number.isNaN(Date.parse(replyBy)),
    `reply_by to be a datetime with an offset, not ${JSON.stringify(replyBy)}`,
  );
  expectThat(Array.isArray(topics), `topics to be a list, not ${JSON.stringify(topics)}`);
  const passes = (urgency as number) >= 3 || needsRefund === true;
  return {
    passes,
    summary: `urgency ${urgency} ≥ 3 or needs_refund ${needsRefund} is ${passes}: the Zap ${passes ? 'goes on' : 'stops here'}; reply_by ${replyBy} is a date, refund_amount ${amount} a number`,
  };
};

/**
 * Anyone who learns a callback URL can call it. With the connection's Webhook
 * Signing Secret (an OAuth2 connection keeps it through getAccessToken), only
 * the callback CodeTether signed resumes the step: a changed body, a guessed
 * secret or no signature at all is refused.
 */
export const refuseForgedCallbacks = async (
  zap: Zap,
  authData: AuthData,
  app: ZapierRuntime = zap.oauthApp,
): Promise<Done & { refusals: string[]; result: TaskOutput }> => {
  expectThat(authData.webhook_secret, 'a connection that keeps a Webhook Signing Secret');
  const inputData = emailTaskInput({ title: 'Approve the refund for order #4821' });
  const { callbackUrl, queued } = await startRunTask(app, zap, authData, inputData);
  const genuine = await zap.catcher.waitFor(callbackUrl);
  const changed = JSON.stringify({ ...JSON.parse(genuine.raw), result: 'Refund approved: send it to account 0000' });
  const forgeries: Record<string, CaughtRequest> = {
    'a changed result': { ...genuine, raw: changed },
    'a guessed secret': {
      ...genuine,
      raw: changed,
      headers: { ...genuine.headers, 'x-codetether-signature': signatureOf('whsec_guessed', changed) },
    },
    'no signature': { ...genuine, headers: { 'content-type': 'application/json' } },
  };
  const refusals: string[] = [];
  for (const [forgery, callback] of Object.entries(forgeries)) {
    const { message } = await failureOf(resumeRunTask(app, authData, inputData, queued, callback));
    expectThat(message.includes('was refused'), `a callback with ${forgery} to be refused, not “${message}”`);
    refusals.push(forgery);
  }
  const result = await resumeRunTask(app, authData, inputData, queued, genuine);
  expectThat(result.status === 'completed' && !result.result_summary?.includes('0000'), 'the genuine result');
  return { refusals, result, summary: `refused ${refusals.join(', ')}; the signed callback resumed ${result.id}` };
};

/**
 * Production sends a task's webhook_url nothing when the task is cancelled
 * (and never retries a lost delivery): Run Task and Wait for Result then waits
 * until Zapier gives up, up to 30 days. Cancel Task ends the task, not the wait.
 */
export const cancelWhileWaiting = async (
  zap: Zap,
  authData: AuthData,
): Promise<Done & { taskId: string; callbackUrl: string }> => {
  const { callbackUrl, queued } = await startRunTask(zap.apiKeyApp, zap, authData, emailTaskInput());
  await cancelTask(zap, authData, queued.task_id);
  await zap.emulator.deliveriesSettled();
  const heard = zap.catcher.caught.filter((request) => callbackUrl.endsWith(request.path));
  expectThat(heard.length === 0, `nothing at the callback URL of the cancelled ${queued.task_id}`);
  return {
    taskId: queued.task_id,
    callbackUrl,
    summary: `${queued.task_id} cancelled; its waiting step heard nothing (as in production: no cancel event)`,
  };
};

export const cancelTask = async (
  zap: Zap,
  authData: AuthData,
  taskId: string,
): Promise<Done & { cancelled: { id: string; status: string; message: string | null } }> => {
  const cancelled = (
    await zap.apiKeyApp.run<{ id: string; status: string; message: string | null }>(
      'creates.cancel_task.operation.perform',
      { authData, inputData: { task_id: taskId } },
    )
  ).results;
  expectThat(cancelled.status === 'cancelled', `${taskId} to be cancelled`);
  return { cancelled, summary: `${taskId} ${cancelled.status}: ${cancelled.message}` };
};

/** After every Zap is off, CodeTether must not keep sending anything anywhere. */
export const noSubscriptionsLeft = async (zap: Zap, authData: AuthData): Promise<Done> => {
  const answer = await fetch(`${zap.emulator.url}/v1/automation/webhooks`, {
    headers: { Authorization: `Bearer ${authData.api_key}` },
  });
  const { webhooks } = api.WebhookList.parse(await answer.json());
  expectThat(webhooks.length === 0, `no subscription left, not ${webhooks.map((hook) => hook.id).join(', ')}`);
  return { summary: 'GET /webhooks lists none' };
};
