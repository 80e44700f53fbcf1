/**
 * The events Kubernetes recorded about an object, as lines for an error message: when a wait
 * fails, they usually say why (FailedScheduling, ErrImagePull, a failed import, a full disk).
 */
import type { ObjectClient, LiveObject } from './objects.js';
import type { ObjectRef } from './resources.js';

interface EventObject extends LiveObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; name?: string };
}

function when(e: EventObject): string {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

/** "Warning FailedScheduling (x3): 0/1 nodes are available", oldest first. */
export function formatEvents(events: readonly EventObject[], limit: number): string[] {
  return [...events]
    .sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0))
    .slice(-limit)
    .map((e) => {
      const count = e.series?.count ?? e.count ?? 1;
      const what = e.involvedObject?.kind && e.involvedObject.name ? `${e.involvedObject.kind} ${e.involvedObject.name}: ` : '';
      return `${what}${e.type ?? 'Normal'} ${e.reason ?? ''}${count > 1 ? ` (x${count})` : ''}: ${(e.message ?? '').trim()}`;
    });
}

/**
 * The last events about each of `refs`, newest last. Best effort: a failure to read events must
 * not hide the error being explained, so it yields a note instead.
 */
export async function recentEvents(objects: ObjectClient, refs: readonly ObjectRef[], limit = 8): Promise<string[]> {
  const all: EventObject[] = [];
  const signal = AbortSignal.timeout(15_000);
  try {
    for (const ref of refs) {
      if (!ref.namespace) continue;
      const list = await objects.list<EventObject>('v1', 'Event', ref.namespace, { fieldSelector: `involvedObject.name=${ref.name},involvedObject.kind=${ref.kind}` }, signal);
      // Field selectors are a hint some servers ignore: filter again.
      all.push(...list.items.filter((e) => (e.involvedObject?.name ?? ref.name) === ref.name && (e.involvedObject?.kind ?? ref.kind) === ref.kind));
    }
  } catch (err) {
    return [`(events could not be read: ${err instanceof Error ? err.message : String(err)})`];
  }
  return formatEvents(all, limit);
}

/** " Events:\n  - …" for appending to an error message, or "" when there are none. */
export async function eventsSuffix(objects: ObjectClient, refs: readonly ObjectRef[]): Promise<string> {
  const lines = await recentEvents(objects, refs);
  return lines.length > 0 ? `\nrecent events:\n${lines.map((l) => `  - ${l}`).join('\n')}` : '';
}
