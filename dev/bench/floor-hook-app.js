// The floor of the bench's hook events: the least a Zapier app can be that
// takes a signed CodeTether delivery. One hand-written hook perform applies
// the app's signature rules (HMAC-SHA256 with the subscription's secret over
// `{timestamp}.{raw body}`, or over Python's json.dumps of the body when the
// raw bytes do not match; a constant-time compare; the signed timestamp
// within 5 minutes of now; a missing header refused) and returns the
// delivered task with the event's id; no schema, no output fields, no
// warnings. It shares nothing with lib/, so that the two differ only by the
// app's own code.
const { createHmac, timingSafeEqual } = require('node:crypto');
const { version } = require('zapier-platform-core');

const MAX_AGE_SECONDS = 5 * 60;
const ESCAPES = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
const pythonString = (text) =>
  `"${text.replace(/[\\"]|[^ -~]/g, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
// Python's json.dumps of the JSON text `raw`: ", " and ": " between items, non-ASCII as \uXXXX, numbers as sent.
const pythonForm = (raw) =>
  raw.replace(/"(?:[^"\\]|\\.)*"|[,:]|\s+/g, (token) =>
    token[0] === '"' ? pythonString(JSON.parse(token)) : token === ',' || token === ':' ? `${token} ` : '',
  );

const signs = (secret, message, given) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(message, 'utf8').digest('hex')}`);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

const perform = (_z, bundle) => {
  const { headers = {}, content } = bundle.rawRequest ?? {};
  const signature = headers['Http-X-Codetether-Signature'];
  const timestamp = headers['Http-X-Codetether-Timestamp'];
  const secret = bundle.subscribeData?.secret;
  if (!signature || !timestamp || !secret || typeof content !== 'string') return [];
  const given = Buffer.from(signature.trim().toLowerCase());
  let body;
  try {
    body = JSON.parse(content);
  } catch {
    return [];
  }
  if (!signs(secret, `${timestamp}.${content}`, given) && !signs(secret, `${timestamp}.${pythonForm(content)}`, given))
    return [];
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > MAX_AGE_SECONDS)
    return [];
  return [{ ...body.task, id: body.event_id }];
};

module.exports = {
  version: '1.0.0',
  platformVersion: version,
  flags: { skipHttpPatch: true },
  triggers: {
    task_completed: {
      key: 'task_completed',
      noun: 'Task',
      display: { label: 'Task Completed', description: 'Triggers when a task completes.' },
      operation: { type: 'hook', perform },
    },
  },
};
