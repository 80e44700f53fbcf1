/**
 * An in-memory Engine (src/core/engine.ts) for the pipeline's unit tests: no QEMU, no cluster, no
 * root. It stands in for the engines, which cannot run in the unit tier; the engines themselves are
 * tested against real QEMU (test/integration/local) and the kube harness.
 *
 * Scriptable per VM and per method — fail, hang until the caller's signal aborts, take a while, or
 * (waitForShutdown) let the guest never power off — and it records every call in order, so a test
 * can assert what the pipeline asked for and in which order it cleaned up. VMs live in a FakeWorld,
 * which plays the machine (or cluster) that outlives a process: two FakeEngines over one world are
 * two processes, and detach/attach hand a VM from one to the other through plain JSON, as the
 * stage actions do through the job's handoff file.
 *
 * There is no display and no SSH server unless a test provides one: openVnc fails (the pipeline's
 * failure report then says "no screenshot") and sshAddress fails unless `world.sshServer()` names
 * a real sshd (test/helpers/sshd.ts, outside the unit tier).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { abortReason } from '../../src/core/abort.js';
import type { Build, Layer, Vm } from '../../src/core/config/model.js';
import type { AttachVmRequest, DetachedVm, Engine, EngineName, ExportDiskRequest, HttpEndpoint, KeptLayerRequest, KeptVmOutput, StartVmRequest, VmHandle } from '../../src/core/engine.js';
import type { PeerAddress } from '../../src/core/peers.js';
import type { VmOutput } from '../../src/core/pipeline/manifest.js';

/** The engine and handle methods a test can script. */
export type FakeMethod = 'startVm' | 'openVnc' | 'sshAddress' | 'powerOff' | 'waitForShutdown' | 'stop' | 'serialTail' | 'exportDisk' | 'detach' | 'attach' | 'findKeptLayer' | 'downloadKept' | 'keepLayer';

/**
 * What a scripted call does instead of succeeding at once:
 * - `fail`: rejects with this error (a string becomes an Error);
 * - `hang`: never settles by itself; rejects when the call's signal aborts (methods without a
 *   signal — powerOff, stop — then hang for good, which is what a stuck cleanup looks like);
 * - `delayMs`: succeeds after this long (still abortable);
 * - `never` (waitForShutdown only): the guest ignores the power button, so the wait runs out.
 */
export type FakeBehaviour = { fail: Error | string } | { hang: true } | { delayMs: number } | { never: true };

export interface FakeCall {
  /** The VM's name in the build file ('' for engine-wide calls such as findKeptLayer). */
  vm: string;
  method: FakeMethod | 'close';
  /** Which engine instance ("process") made the call. */
  engine: string;
  startedAt: number;
  /** Set when the call settled. */
  endedAt?: number;
  outcome?: 'ok' | 'failed';
  /** startVm: the parent disk and HTTP port it was given; exportDisk: the destination. */
  detail?: Record<string, unknown>;
}

/** One VM as the machine sees it, whichever process holds a handle on it. */
export interface FakeVm {
  id: string;
  name: string;
  running: boolean;
  /** Set once the ACPI button was pressed or stop() ran. */
  poweredOffBy?: 'acpi' | 'guest' | 'stop';
  /** Whether some process detached it (then close() of that engine leaves it running). */
  detached: boolean;
  parentDisk?: string;
  httpPort?: number;
  serial: string[];
  /** The bytes exportDisk writes: changes with the VM, its parent disk and its config. */
  disk: string;
}

interface Script {
  vm: string | '*';
  method: FakeMethod;
  behaviour: FakeBehaviour;
  /** Only the first `times` matching calls (default: every call). */
  times: number;
}

/** The machine that outlives processes: VMs, the calls made on them, the scripts for them. */
export class FakeWorld {
  readonly vms = new Map<string, FakeVm>();
  readonly calls: FakeCall[] = [];
  private readonly scripts: Script[] = [];
  private readonly ssh = new Map<string, { host: string; port: number }>();
  private readonly waiters: { vm: string; method: string; resolve: (c: FakeCall) => void }[] = [];
  private nextId = 1;

  /** Makes the next `times` calls of `method` on `vm` ('*' = any VM) behave as given. */
  script(vm: string | '*', method: FakeMethod, behaviour: FakeBehaviour, times = Infinity): this {
    if ('never' in behaviour && method !== 'waitForShutdown') throw new Error(`fake engine: 'never' is for waitForShutdown, not ${method}`);
    this.scripts.push({ vm, method, behaviour, times });
    return this;
  }

  /** Where sshAddress sends the pipeline for `vm` (a real sshd in a non-unit test). */
  sshServer(vm: string, address: { host: string; port: number }): this {
    this.ssh.set(vm, address);
    return this;
  }

  sshAddressOf(vm: string): { host: string; port: number } | undefined {
    return this.ssh.get(vm);
  }

  /** "vm method" for every call in order, e.g. ["web startVm", "web waitForShutdown", …]. */
  log(filter?: (c: FakeCall) => boolean): string[] {
    return this.calls.filter(filter ?? (() => true)).map((c) => (c.vm ? `${c.vm} ${c.method}` : c.method));
  }

  callsOf(vm: string, method?: FakeMethod | 'close'): FakeCall[] {
    return this.calls.filter((c) => c.vm === vm && (method === undefined || c.method === method));
  }

  /** VMs still running: after a build that cleaned up, none. */
  running(): FakeVm[] {
    return [...this.vms.values()].filter((v) => v.running);
  }

  /** Resolves when `method` is called on `vm` (now or later): the moment to cancel "during" it. */
  whenCalled(vm: string, method: FakeMethod): Promise<FakeCall> {
    const seen = this.calls.find((c) => c.vm === vm && c.method === method);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ vm, method, resolve }));
  }

  newVm(name: string, req: { parentDisk?: string; httpPort?: number; config: string }): FakeVm {
    const id = `fake-${this.nextId++}-${name}`;
    const disk = `fake disk of ${name}\nconfig ${createHash('sha256').update(req.config).digest('hex')}\nparent ${req.parentDisk ?? 'none'}\n`;
    const vm: FakeVm = { id, name, running: true, detached: false, serial: [`[    0.000000] ${name}: fake kernel booting`, `${name} login:`], disk };
    if (req.parentDisk !== undefined) vm.parentDisk = req.parentDisk;
    if (req.httpPort !== undefined) vm.httpPort = req.httpPort;
    this.vms.set(id, vm);
    return vm;
  }

  /** @internal Records a call, then applies the first matching script (if any). */
  async call<T>(engine: string, vm: string, method: FakeMethod | 'close', signal: AbortSignal | undefined, real: () => Promise<T> | T, detail?: Record<string, unknown>): Promise<T> {
    const call: FakeCall = { vm, method, engine, startedAt: performance.now(), ...(detail ? { detail } : {}) };
    this.calls.push(call);
    for (const w of this.waiters.filter((w) => w.vm === vm && w.method === method)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(call);
    }
    try {
      // `never` is the guest's behaviour, applied inside waitForShutdown (takeNever), not here.
      const script = method === 'close' ? undefined : this.scripts.find((s) => (s.vm === '*' || s.vm === vm) && s.method === method && s.times > 0 && !('never' in s.behaviour));
      if (script) {
        script.times--;
        const b = script.behaviour;
        if ('fail' in b) throw typeof b.fail === 'string' ? new Error(b.fail) : b.fail;
        if ('hang' in b) await untilAborted(signal);
        if ('delayMs' in b) await delay(b.delayMs, signal);
      }
      const result = await real();
      call.outcome = 'ok';
      return result;
    } catch (err) {
      call.outcome = 'failed';
      throw err;
    } finally {
      call.endedAt = performance.now();
    }
  }

  /** @internal Whether the next waitForShutdown of `vm` is scripted to run out. */
  takeNever(vm: string): boolean {
    const s = this.scripts.find((x) => (x.vm === '*' || x.vm === vm) && x.method === 'waitForShutdown' && x.times > 0 && 'never' in x.behaviour);
    if (!s) return false;
    s.times--;
    return true;
  }
}

function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) return reject(abortReason(signal));
    signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Where `value` holds something JSON would lose or change (a function, undefined, a Date, NaN …), or undefined. */
export function notPlainJson(value: unknown, at = '$'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} is ${value}`;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const odd = notPlainJson(v, `${at}[${i}]`);
      if (odd) return odd;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const odd = notPlainJson(v, `${at}.${k}`);
      if (odd) return odd;
    }
    return undefined;
  }
  return `${at} is ${typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value}`;
}

/** What detach writes into DetachedVm.state: plain JSON naming the VM in the world. */
interface FakeState {
  fakeVmId: string;
}

export class FakeVmHandle implements VmHandle {
  constructor(
    private readonly engine: FakeEngine,
    readonly vm: FakeVm,
  ) {}

  get name(): string {
    return this.vm.name;
  }

  isRunning(): boolean {
    return this.vm.running;
  }

  httpEndpoint(): HttpEndpoint | undefined {
    // QEMU's user network shows the host as 10.0.2.2; any fixed address would do here.
    return this.vm.httpPort !== undefined ? { ip: '10.0.2.2', port: this.vm.httpPort } : undefined;
  }

  openVnc(signal: AbortSignal): Promise<Duplex> {
    return this.engine.record(this.name, 'openVnc', signal, () => {
      throw new Error(`fake engine: ${this.name} has no display (build files for the fake engine have no bootCommand)`);
    });
  }

  sshAddress(signal: AbortSignal): Promise<{ host: string; port: number }> {
    return this.engine.record(this.name, 'sshAddress', signal, () => {
      const address = this.engine.world.sshAddressOf(this.name);
      if (!address) throw new Error(`fake engine: no SSH server for ${this.name} (FakeWorld.sshServer names one)`);
      if (!this.vm.running) throw new Error(`fake engine: ${this.name} is not running`);
      return address;
    });
  }

  powerOff(): Promise<void> {
    return this.engine.record(this.name, 'powerOff', undefined, () => {
      if (this.vm.running) this.vm.poweredOffBy = 'acpi';
    });
  }

  waitForShutdown(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return this.engine.record(this.name, 'waitForShutdown', signal, async () => {
      if (!this.vm.running) return true;
      if (this.engine.world.takeNever(this.name)) {
        await delay(timeoutMs, signal);
        return false;
      }
      // Without a communicator the guest powers itself off; with one, it reacts to the button.
      this.vm.running = false;
      this.vm.poweredOffBy ??= 'guest';
      return true;
    });
  }

  stop(): Promise<void> {
    return this.engine.record(this.name, 'stop', undefined, () => {
      if (this.vm.running) this.vm.poweredOffBy = 'stop';
      this.vm.running = false;
    });
  }

  serialTail(lines: number): Promise<string[]> {
    return this.engine.record(this.name, 'serialTail', undefined, () => this.vm.serial.slice(-lines));
  }

  exportDisk(req: ExportDiskRequest): Promise<void> {
    return this.engine.record(
      this.name,
      'exportDisk',
      req.signal,
      async () => {
        if (this.vm.running) throw new Error(`fake engine: ${this.name} is still running; export needs a stopped VM`);
        await writeFile(req.destination, `${this.vm.disk}format ${req.format}${req.compress ? ` compressed ${req.compressionType ?? 'zstd'}` : ''}\n`);
      },
      { destination: req.destination, format: req.format, compress: req.compress },
    );
  }
}

export interface FakeEngineOptions {
  /** The name the manifest shows (default 'local'; the fake plays whichever engine a test needs). */
  name?: EngineName;
  /** Peers per VM name, as an engine with a network plan would report them. */
  peers?: Record<string, PeerAddress[]>;
  /** Implement Engine.findKeptLayer/keepLayer (an engine that keeps layers itself, as KubeVirt's does). */
  keepsLayers?: boolean;
  /** A label for this instance ("process") in the call log. */
  label?: string;
}

/** Outputs an engine with `keepsLayers` kept, by layer key. */
interface KeptLayer {
  outputs: { vm: string; bytes: Buffer; sha256: string; format: VmOutput['format']; compressed: boolean }[];
}

export class FakeEngine implements Engine {
  readonly name: EngineName;
  readonly label: string;
  readonly kept = new Map<string, KeptLayer>();
  readonly peerAddresses?: (build: Build, layer: Layer, vm: Vm) => PeerAddress[];
  readonly findKeptLayer?: (req: KeptLayerRequest) => Promise<KeptVmOutput[] | undefined>;
  readonly keepLayer?: (req: KeptLayerRequest & { outputs: readonly VmOutput[] }) => Promise<Map<string, string>>;

  constructor(
    readonly world: FakeWorld = new FakeWorld(),
    options: FakeEngineOptions = {},
  ) {
    this.name = options.name ?? 'local';
    this.label = options.label ?? 'engine';
    if (options.peers) {
      const peers = options.peers;
      this.peerAddresses = (_build, _layer, vm) => peers[vm.name] ?? [];
    }
    if (options.keepsLayers) {
      this.findKeptLayer = (req) => this.record('', 'findKeptLayer', req.signal, () => this.keptOutputs(req.key));
      this.keepLayer = (req) =>
        this.record('', 'keepLayer', req.signal, async () => {
          const outputs = await Promise.all(req.outputs.map(async (o) => ({ vm: o.vm, bytes: await readFile(o.image), sha256: o.sha256, format: o.format, compressed: o.compressed })));
          this.kept.set(req.key, { outputs });
          return new Map(req.outputs.map((o) => [o.vm, `fake kept ${req.layer.name}/${o.vm}`]));
        });
    }
  }

  /** @internal */
  record<T>(vm: string, method: FakeMethod | 'close', signal: AbortSignal | undefined, real: () => Promise<T> | T, detail?: Record<string, unknown>): Promise<T> {
    return this.world.call(this.label, vm, method, signal, real, detail);
  }

  startVm(req: StartVmRequest): Promise<VmHandle> {
    const detail = { parentDisk: req.parentDisk, httpPort: req.http?.port, workDir: req.workDir, logDir: req.logDir };
    return this.record(
      req.vm.name,
      'startVm',
      req.signal,
      () => {
        const { positions: _positions, ...config } = req.vm;
        const vm = this.world.newVm(req.vm.name, { config: JSON.stringify(config), ...(req.parentDisk !== undefined ? { parentDisk: req.parentDisk } : {}), ...(req.http ? { httpPort: req.http.port } : {}) });
        return new FakeVmHandle(this, vm);
      },
      detail,
    );
  }

  detach(handle: VmHandle): Promise<DetachedVm> {
    return this.record(handle.name, 'detach', undefined, () => {
      if (!(handle instanceof FakeVmHandle)) throw new Error(`fake engine: ${handle.name} is not a fake engine's VM`);
      handle.vm.detached = true;
      const state: FakeState = { fakeVmId: handle.vm.id };
      const address = this.world.sshAddressOf(handle.name);
      const record: DetachedVm = { engine: this.name, vm: handle.name, state: { ...state } };
      if (address) record.sshEndpoint = { ...address, display: `${address.host}:${address.port}` };
      // What crosses processes is what survives JSON: nothing else may ride along.
      return JSON.parse(JSON.stringify(record)) as DetachedVm;
    });
  }

  attach(record: DetachedVm, req: AttachVmRequest): Promise<VmHandle> {
    return this.record(record.vm, 'attach', req.signal, () => {
      const odd = notPlainJson(record);
      if (odd) throw new Error(`fake engine: the detached record is not plain JSON (${odd})`);
      if (record.engine !== this.name) throw new Error(`fake engine: a ${record.engine} record cannot attach to the ${this.name} engine`);
      const id = (record.state as Partial<FakeState>).fakeVmId;
      const vm = id !== undefined ? this.world.vms.get(id) : undefined;
      if (!vm) throw new Error(`fake engine: no VM ${String(id)} to attach (was it stopped and removed?)`);
      if (vm.name !== req.vm.name || record.vm !== req.vm.name) throw new Error(`fake engine: the record is for ${vm.name}, not ${req.vm.name}`);
      return new FakeVmHandle(this, vm);
    });
  }

  /** Releases nothing: VMs are stopped through their handles (Engine.close's contract); recorded for order checks. */
  close(): Promise<void> {
    return this.record('', 'close', undefined, () => undefined);
  }

  private keptOutputs(key: string): KeptVmOutput[] | undefined {
    const kept = this.kept.get(key);
    if (!kept) return undefined;
    return kept.outputs.map((o) => ({
      vm: o.vm,
      where: `fake kept ${o.vm}`,
      sha256: o.sha256,
      bytes: o.bytes.length,
      format: o.format,
      compressed: o.compressed,
      download: (destination: string, _logger, signal: AbortSignal) => this.record(o.vm, 'downloadKept', signal, () => writeFile(destination, o.bytes)),
    }));
  }
}
