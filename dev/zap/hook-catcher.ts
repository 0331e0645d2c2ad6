/**
 * The one hook receiver: a local stand-in for Zapier's hook and callback
 * URLs (npm start, the e2e and emulator tests, the bench). It keeps what
 * CodeTether delivers and turns each request into the bundle Zapier gives a
 * trigger's `perform` or an action's `performResume` (headers prefixed
 * `Http-`, the raw body as `content`, the parsed body as `cleanedRequest`).
 * A hook that is "turned off" answers 410 Gone, as Zapier does for a Zap
 * that is off.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StepBundle } from './runtime';

export interface CaughtRequest {
  path: string;
  method: string;
  querystring: string;
  headers: IncomingMessage['headers'];
  raw: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read deliveries field by field
  body: any;
  /** When it arrived (Date.now()). */
  at: number;
  /** What the catcher answered. */
  answeredStatus: number;
}

/** What the catcher answers a request; Zapier's hooks answer 200, or 410 once turned off. */
interface CatcherAnswer {
  status: number;
  body?: unknown;
}

interface Waiter {
  path: string;
  accepts: (caught: CaughtRequest) => boolean;
  resolve: (caught: CaughtRequest) => void;
}

/** `x-codetether-signature` → `Http-X-Codetether-Signature`, as Zapier spells request headers. */
const zapierHeaderName = (name: string): string =>
  `Http-${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-')}`;

const parseBody = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/** The part of a step's bundle that Zapier fills from a request that reached a hook or callback URL. */
export const deliveryBundle = (caught: CaughtRequest): Pick<StepBundle, 'cleanedRequest' | 'rawRequest'> => ({
  cleanedRequest: caught.body ?? {},
  rawRequest: {
    method: caught.method,
    querystring: caught.querystring,
    headers: Object.fromEntries(
      Object.entries(caught.headers).map(([name, value]) => [
        zapierHeaderName(name),
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    ),
    content: caught.raw,
  },
});

export interface HookCatcher {
  url: string;
  /** A Zap's REST-hook target URL. */
  hookUrl(name: string): string;
  /** A step's callback URL, as generateCallbackUrl() would give it. */
  callbackUrl(name: string): string;
  /** Every request so far, in order. */
  caught: readonly CaughtRequest[];
  /** From now on the URL answers 410 Gone, like the hook of a Zap that was turned off. */
  turnOff(url: string): void;
  /** The first request to `url` (already caught or still to come) that `accepts` takes. */
  waitFor(url: string, accepts?: (caught: CaughtRequest) => boolean, timeoutMs?: number): Promise<CaughtRequest>;
  close(): Promise<void>;
}

/**
 * `answer` picks what each request gets (the `index`-th, from 0), for a hook
 * that fails on purpose or a stand-in for another server, such as the
 * bench's loopback CodeTether.
 */
export const startHookCatcher = async (
  answer?: (request: Omit<CaughtRequest, 'answeredStatus'>, index: number) => CatcherAnswer,
): Promise<HookCatcher> => {
  const caught: CaughtRequest[] = [];
  const waiters = new Set<Waiter>();
  const turnedOff = new Set<string>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [path = '/', querystring = ''] = (request.url ?? '/').split('?');
      const raw = Buffer.concat(chunks).toString('utf8');
      const received = {
        path,
        method: request.method ?? 'POST',
        querystring,
        headers: request.headers,
        raw,
        body: parseBody(raw),
        at: Date.now(),
      };
      const { status, body = { status: status === 410 ? 'gone' : 'success' } } = answer?.(received, caught.length) ?? {
        status: turnedOff.has(path) ? 410 : 200,
      };
      const entry: CaughtRequest = { ...received, answeredStatus: status };
      caught.push(entry);
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
      for (const waiter of waiters) {
        if (waiter.path === path && waiter.accepts(entry)) {
          waiters.delete(waiter);
          waiter.resolve(entry);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (target: string) => new URL(target, url).pathname;

  return {
    url,
    hookUrl: (name) => `${url}/hooks/${encodeURIComponent(name)}`,
    callbackUrl: (name) => `${url}/callbacks/${encodeURIComponent(name)}`,
    caught,
    turnOff: (target) => turnedOff.add(pathOf(target)),
    waitFor: (target, accepts = () => true, timeoutMs = 30_000) => {
      const path = pathOf(target);
      const already = caught.find((entry) => entry.path === path && accepts(entry));
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          path,
          accepts,
          resolve: (entry) => {
            clearTimeout(timer);
            resolve(entry);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`Nothing was delivered to ${target} within ${timeoutMs} ms.`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
