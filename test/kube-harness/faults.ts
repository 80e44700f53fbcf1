/**
 * The fault switch: makes the API server misbehave the ways real ones do under load or during
 * upgrades, so clients' retries and watch resumption can be tested. Each distinct request (verb +
 * path) fails its first tries; watches end early (the server closing the stream, as a restarting
 * API server or a load balancer timeout does).
 */
import { conflict, internalError, type ApiError } from './api-errors.js';

export type FaultVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface Faults {
  /** The first N tries of each update/patch (or `conflictVerbs`) of an object answer 409 Conflict. */
  conflicts?: number;
  conflictVerbs?: FaultVerb[];
  /** The first N tries of each request (or `serverErrorVerbs`) answer 500 InternalError. */
  serverErrors?: number;
  serverErrorVerbs?: FaultVerb[];
  /** Every watch ends after sending this many events (initial ADDED events and bookmarks count). */
  dropWatchesAfterEvents?: number;
  /** Only requests whose path contains this text are affected (e.g. "/virtualmachines"). */
  pathIncludes?: string;
}

export interface FaultRequest {
  verb: FaultVerb;
  /** The URL path without query, which identifies the object or collection. */
  path: string;
  /** For the Conflict message. */
  group: string;
  resource: string;
  name?: string;
}

export class FaultSwitch {
  private faults: Faults = {};
  private readonly tries = new Map<string, number>();
  /** Faults injected so far, for tests to assert that the client really retried. */
  injected: { status: number; verb: FaultVerb; path: string }[] = [];

  set(faults: Faults): void {
    this.faults = { ...faults };
    this.tries.clear();
    this.injected = [];
  }

  get current(): Faults {
    return { ...this.faults };
  }

  /** The error to answer instead of serving the request, if any. */
  check(req: FaultRequest): ApiError | undefined {
    const f = this.faults;
    if (f.pathIncludes && !req.path.includes(f.pathIncludes)) return undefined;
    const key = `${req.verb} ${req.path}`;
    const attempt = (this.tries.get(key) ?? 0) + 1;
    this.tries.set(key, attempt);
    const serverErrors = f.serverErrors ?? 0;
    const serverVerbs = f.serverErrorVerbs;
    if (attempt <= serverErrors && (!serverVerbs || serverVerbs.includes(req.verb))) {
      this.injected.push({ status: 500, verb: req.verb, path: req.path });
      return internalError(`injected fault: try ${attempt} of ${key} fails`);
    }
    const conflictVerbs = f.conflictVerbs ?? ['update', 'patch'];
    const conflicts = f.conflicts ?? 0;
    // Conflicts count after the server errors, so both can be combined.
    const conflictAttempt = serverVerbs && !serverVerbs.includes(req.verb) ? attempt : attempt - serverErrors;
    if (conflictAttempt >= 1 && conflictAttempt <= conflicts && conflictVerbs.includes(req.verb)) {
      this.injected.push({ status: 409, verb: req.verb, path: req.path });
      return conflict({ group: req.group, resource: req.resource, ...(req.name !== undefined ? { name: req.name } : {}) });
    }
    return undefined;
  }

  get watchEventLimit(): number | undefined {
    return this.faults.dropWatchesAfterEvents;
  }

  appliesToPath(path: string): boolean {
    return !this.faults.pathIncludes || path.includes(this.faults.pathIncludes);
  }
}
