/**
 * Waiting for an object to reach a state, by watch (list, then watch from the list's
 * resourceVersion), never by polling in a sleep loop. Survives what real API servers do to long
 * watches: the server ends them (timeoutSeconds), proxies drop them, and a resourceVersion too old
 * to resume from is answered 410 Gone, after which we list again. A timeout or a failed state
 * becomes an error that says what was awaited, the last state seen and the object's recent events.
 */
import type http from 'node:http';
import { UserError } from '../../../core/errors.js';
import { formatGoDuration } from '../../../core/duration.js';
import { sleep } from '../../../core/abort.js';
import { eventsSuffix } from './events.js';
import { kubeApiError, KubeApiError, type KubeStatus } from './kube-api-error.js';
import { abortError } from './kube-api.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { backoffDelay } from './retry.js';
import { collectionPath, describeRef, type ObjectRef } from './resources.js';

/** What an object's state means for the wait. */
export type Verdict<R> = { done: R } | { failed: string } | { waiting: string };

export interface WaitRequest<T extends LiveObject, R> {
  ref: ObjectRef;
  /** What is awaited, for messages ("the root disk import"). */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Judges the object as it is now; undefined = it does not exist (yet, or any more). */
  judge: (object: T | undefined) => Verdict<R>;
  /** Told of every change of state (for progress lines). */
  onState?: (object: T | undefined, verdict: Verdict<R>) => void;
  /** Objects whose events explain a failure (default: the awaited one). */
  explain?: ObjectRef[];
  /** Seconds a single watch request may last before the server ends it (default 240). */
  watchSeconds?: number;
}

/** The wait ran out of time; the message says what was awaited and where it stood. */
export class WaitTimeoutError extends UserError {
  override name = 'WaitTimeoutError';
}

/** The awaited object reached a state it cannot recover from (a failed import, a failed VMI). */
export class WaitFailedError extends UserError {
  override name = 'WaitFailedError';
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: LiveObject & KubeStatus;
}

class Gone extends Error {}

export async function waitFor<T extends LiveObject, R>(objects: ObjectClient, req: WaitRequest<T, R>): Promise<R> {
  const timeout = AbortSignal.timeout(Math.max(1, req.timeoutMs));
  const signal = AbortSignal.any([req.signal, timeout]);
  let lastState = 'nothing seen yet';
  let lastVerdict: string | undefined;
  const judge = (object: T | undefined): R | undefined => {
    const verdict = req.judge(object);
    const key = JSON.stringify(verdict);
    if (key !== lastVerdict) {
      lastVerdict = key;
      req.onState?.(object, verdict);
    }
    if ('done' in verdict) return verdict.done;
    if ('failed' in verdict) throw new FailedState(verdict.failed);
    lastState = verdict.waiting;
    return undefined;
  };

  try {
    let failures = 0;
    for (;;) {
      // List: the current state and the resourceVersion to watch from.
      const list = await objects.list<T>(req.ref.apiVersion, req.ref.kind, req.ref.namespace, { fieldSelector: `metadata.name=${req.ref.name}` }, signal);
      const found = list.items.find((o) => o.metadata.name === req.ref.name);
      const result = judge(found);
      if (result !== undefined) return result;
      let resourceVersion = list.resourceVersion;
      // Watch, resuming from the last version seen, until done or the version is too old.
      for (;;) {
        try {
          let sawEvent = false;
          const outcome = await watchOnce<T, R>(objects, req, resourceVersion, signal, (event) => {
            sawEvent = true;
            failures = 0;
            if (event.type === 'ERROR') {
              if (event.object.code === 410) throw new Gone();
              throw kubeApiError('WATCH', collectionPath(req.ref.apiVersion, req.ref.kind, req.ref.namespace), event.object.code ?? 500, JSON.stringify(event.object));
            }
            if (event.object.metadata?.resourceVersion) resourceVersion = event.object.metadata.resourceVersion;
            if (event.type === 'BOOKMARK') return undefined;
            if (event.object.metadata?.name !== req.ref.name) return undefined;
            const object = event.type === 'DELETED' ? undefined : ({ ...event.object, apiVersion: req.ref.apiVersion, kind: req.ref.kind } as unknown as T);
            return judge(object);
          });
          if (outcome.done) return outcome.value as R;
          if (!sawEvent) failures++;
        } catch (err) {
          if (err instanceof Gone || (err instanceof KubeApiError && err.status === 410)) break;
          if (err instanceof FailedState || signal.aborted) throw err;
          failures++;
        }
        // A watch that ends at once again and again (a proxy cutting it) must not spin.
        if (failures > 1) await sleep(backoffDelay(Math.min(failures, 6), 250, 5_000), signal);
      }
    }
  } catch (err) {
    if (err instanceof FailedState) {
      throw new WaitFailedError(`${req.what} failed: ${err.message}${await eventsSuffix(objects, req.explain ?? [req.ref])}`);
    }
    if (timeout.aborted && !req.signal.aborted) {
      throw new WaitTimeoutError(`${req.what}: not done after ${formatGoDuration(req.timeoutMs)} (${describeRef(req.ref)}: ${lastState})${await eventsSuffix(objects, req.explain ?? [req.ref])}`);
    }
    if (req.signal.aborted) throw abortError(req.signal);
    throw err;
  }
}

class FailedState extends Error {}

/**
 * One watch request. Resolves { done } when `onEvent` returned a value, or { done: false } when
 * the server ended the watch; rejects when the connection broke or `onEvent` threw.
 */
async function watchOnce<T extends LiveObject, R>(
  objects: ObjectClient,
  req: WaitRequest<T, R>,
  resourceVersion: string,
  signal: AbortSignal,
  onEvent: (event: WatchEvent) => R | undefined,
): Promise<{ done: boolean; value?: R }> {
  const path = collectionPath(req.ref.apiVersion, req.ref.kind, req.ref.namespace);
  const watchSeconds = req.watchSeconds ?? 240;
  const res = await objects.api.send('GET', path, {
    query: {
      watch: 'true',
      resourceVersion: resourceVersion || undefined,
      allowWatchBookmarks: 'true',
      fieldSelector: `metadata.name=${req.ref.name}`,
      timeoutSeconds: watchSeconds,
    },
    signal,
    // Bookmarks arrive about once a minute; silence much longer than the watch itself means a dead connection.
    idleTimeoutMs: (watchSeconds + 30) * 1000,
  });
  if ((res.statusCode ?? 0) >= 400) {
    const body = await new Promise<string>((resolve) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
      res.on('error', () => resolve(text));
    });
    throw kubeApiError('GET', `${path}?watch=true`, res.statusCode ?? 0, body);
  }
  return readEvents(res, signal, onEvent);
}

function readEvents<R>(res: http.IncomingMessage, signal: AbortSignal, onEvent: (event: WatchEvent) => R | undefined): Promise<{ done: boolean; value?: R }> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let settled = false;
    const finish = (outcome: { done: boolean; value?: R } | Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      res.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while (!settled && (newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === '') continue;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          finish(new Error(`watch: the API server sent a line that is not JSON: ${line.slice(0, 200)}`));
          return;
        }
        try {
          const value = onEvent(event);
          if (value !== undefined) finish({ done: true, value });
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    res.once('end', () => finish({ done: false }));
    res.once('aborted', () => finish(Object.assign(new Error('watch: the connection was cut'), { code: 'ECONNRESET' })));
    res.once('error', (err) => finish(err));
    res.once('close', () => finish(Object.assign(new Error('watch: the connection was closed'), { code: 'ECONNRESET' })));
  });
}
