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

/**
 * One answer chosen by a test for requests it names, instead of what the server would answer:
 * any status and Status reason/message (or a body of its own), or no answer at all after the
 * request was carried out — a connection lost after the server committed the write, which is
 * what leaves a client unsure whether its create went through.
 */
export interface InjectedResponse {
  /** The HTTP method to match (GET, POST, …); any when absent. */
  method?: string;
  /** true: websocket upgrades only; false: plain requests only; any when absent. */
  upgrade?: boolean;
  /** Matched against the URL path without its query. */
  path: RegExp;
  /** The HTTP status (ignored with `lostAnswer`). */
  status?: number;
  /** The Status reason; by default the one kube-apiserver gives `status`. */
  reason?: string;
  message?: string;
  /** Answer this instead of a Status object: JSON, or a string as text/plain (a pod log). */
  body?: unknown;
  /** Serve the request, then never answer it. */
  lostAnswer?: boolean;
  /** How many matching requests get it. Default 1. */
  times?: number;
}

/** The reason k8s.io/apimachinery pkg/api/errors gives each status (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go@v1.34.0). */
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export interface ChosenAnswer {
  lostAnswer: boolean;
  status: number;
  body: unknown;
}

/** The injected responses, matched in the order they were added; each used up after `times`. */
export class ResponseInjector {
  private rules: (InjectedResponse & { left: number })[] = [];
  /** The answers given so far, for tests to assert that the client really saw them. */
  injected: { status: number; method: string; path: string }[] = [];

  add(rule: InjectedResponse): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
    this.injected = [];
  }

  /** The answer for this request, if a rule takes it. */
  take(method: string, path: string, upgrade: boolean): ChosenAnswer | undefined {
    const rule = this.rules.find((r) => r.left > 0 && (r.method === undefined || r.method === method) && (r.upgrade === undefined || r.upgrade === upgrade) && r.path.test(path));
    if (!rule) return undefined;
    rule.left--;
    const status = rule.lostAnswer ? 0 : (rule.status ?? 500);
    this.injected.push({ status, method, path });
    if (rule.lostAnswer) return { lostAnswer: true, status, body: undefined };
    const reason = rule.reason ?? REASONS[status] ?? 'Unknown';
    const body =
      rule.body !== undefined
        ? rule.body
        : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: status < 400 ? 'Success' : 'Failure', message: rule.message ?? `injected by the test: ${status} ${reason}`, reason, code: status };
    return { lostAnswer: false, status, body };
  }
}
