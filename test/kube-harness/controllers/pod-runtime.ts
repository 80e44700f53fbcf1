/**
 * The kubelet, for the pods a build creates: the HTTP file server, `busybox httpd` from the stock
 * busybox image (docs/kubevirt.md "The HTTP file server"), runs as a local busybox process with the
 * pod's Secret/ConfigMap/emptyDir volumes written out as folders, its `-h <mountPath>` pointed at
 * them and its `-p <port>` bound to a free loopback port (PodNetwork maps podIP:port to it).
 * Other images cannot run here: such a pod stays Pending with an image-pull style reason that
 * says so. Pods that the harness's own controllers create (virt-launcher, exporter, uploader) are
 * marked with an annotation and left to them.
 *
 * Pod logs are served from files: each container's output, or a file another controller
 * registered (the guest's serial console for virt-launcher's guest-console-log container).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, watch as watchFile } from 'node:fs';
import { chmod, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../../src/core/log.js';
import { badRequest, notFound } from '../api-errors.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject, StoreEvent } from '../object-store.js';
import { mustResource } from '../resources.js';
import { toolPath } from '../host-tools.js';
import { inBackground } from '../background.js';
import { WorkQueue } from '../work-queue.js';
import type { EventRecorder } from './event-recorder.js';
import { IP_ADDRESS, type KubeOvnDataplane } from './kube-ovn-dataplane.js';
import type { PodNetwork } from './pod-network.js';
import { freePort } from '../../helpers/free-port.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Pods whose status another harness controller owns. */
export const MANAGED_POD_ANNOTATION = 'harness.ruddervirt.io/managed-by';
export const NODE_NAME = 'harness-node';

interface RunningPod {
  uid: string;
  dir: string;
  starting?: Promise<void>;
  process?: ChildProcess;
  restarts: number;
  stopping: boolean;
  /** Leaves the pod's Kube-OVN subnet (its address and network stack), for pods on one. */
  leaveSubnet?: () => Promise<void>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The running-pod status of a pod whose containers all run. */
export function runningPodStatus(pod: Loose, ip: string, restarts = 0): Loose {
  const now = timestamp();
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: pod.status?.startTime ?? now,
    qosClass: 'Burstable',
    containerStatuses: ((pod.spec?.containers ?? []) as Loose[]).map(running),
    // Native sidecars (init containers with restartPolicy Always) keep running beside the others.
    ...(sidecars(pod).length ? { initContainerStatuses: sidecars(pod).map(running) } : {}),
  };
  function running(c: Loose): Loose {
    return {
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
      containerID: `harness://${pod.metadata.uid}/${c.name}`,
      ready: true,
      started: true,
      restartCount: restarts,
      state: { running: { startedAt: now } },
    };
  }
}

/** A pod's native sidecars: init containers with restartPolicy Always. */
export function sidecars(pod: Loose): Loose[] {
  return ((pod.spec?.initContainers ?? []) as Loose[]).filter((c) => c.restartPolicy === 'Always');
}

export class PodRuntime {
  private readonly pods = mustResource('', 'pods');
  private readonly secrets = mustResource('', 'secrets');
  private readonly configMaps = mustResource('', 'configmaps');
  private readonly queue: WorkQueue;
  private readonly running = new Map<string, RunningPod>();
  private readonly logFiles = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly network: PodNetwork,
    private readonly dataplane: KubeOvnDataplane,
    private readonly events: EventRecorder,
    private readonly root: string,
    private readonly logger: Logger,
  ) {
    this.queue = new WorkQueue('kubelet', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind !== 'Pod') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'DELETED') {
      inBackground(this.teardown(key, e.object.metadata.uid!), this.logger, `stopping pod ${key}`);
      return;
    }
    if (e.object.metadata.annotations?.[MANAGED_POD_ANNOTATION]) return;
    this.queue.add(key);
  }

  /** Makes `pods/<name>/log?container=<c>` read `file`. */
  registerLog(namespace: string, pod: string, container: string, file: string): void {
    this.logFiles.set(`${namespace}/${pod}/${container}`, file);
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = this.api.tryGet(this.pods, namespace, name) as Loose | undefined;
    if (!pod || pod.metadata.deletionTimestamp) return;
    if (this.running.get(key)?.uid === pod.metadata.uid) return;
    const containers: Loose[] = pod.spec?.containers ?? [];
    const problem = containers.length !== 1 ? 'the kube harness runs pods with exactly one container' : containerProblem(containers[0]!);
    if (problem) {
      this.api.mutate(this.pods, namespace, name, (p) => {
        const o = p as Loose;
        o.spec.nodeName ??= NODE_NAME;
        o.status = {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp() }],
          hostIP: '127.0.0.1',
          qosClass: 'Burstable',
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: problem } } })),
        };
      });
      this.events.record(pod as KubeObject, 'Warning', 'Failed', `Failed to pull image "${containers[0]?.image ?? ''}": ${problem}`, 'kubelet');
      return;
    }
    const entry: RunningPod = { uid: pod.metadata.uid, dir: path.join(this.root, 'pods', namespace, name), restarts: 0, stopping: false };
    this.running.set(key, entry);
    entry.starting = this.start(pod, entry);
    try {
      await entry.starting;
    } catch (err) {
      if (entry.stopping) return;
      this.running.delete(key);
      await this.kill(entry);
      await entry.leaveSubnet?.().catch(() => undefined);
      const message = err instanceof Error ? err.message : String(err);
      this.api.mutate(this.pods, namespace, name, (p) => {
        (p as Loose).status = { phase: 'Failed', reason: 'StartError', message };
      });
      this.events.record(pod as KubeObject, 'Warning', 'Failed', `Error: ${message}`, 'kubelet');
    }
  }

  private async writeVolumes(pod: Loose, dir: string): Promise<Map<string, string>> {
    const mounts = new Map<string, string>();
    const namespace = pod.metadata.namespace as string;
    for (const volume of (pod.spec?.volumes ?? []) as Loose[]) {
      const target = path.join(dir, 'volumes', volume.name);
      await mkdir(target, { recursive: true });
      let files: Record<string, Buffer> = {};
      let items: Loose[] | undefined;
      let mode = 0o644;
      if (volume.secret) {
        const secret = this.api.tryGet(this.secrets, namespace, volume.secret.secretName) as Loose | undefined;
        if (!secret) throw new Error(`MountVolume.SetUp failed for volume "${volume.name}": secret "${volume.secret.secretName}" not found`);
        files = Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
        items = volume.secret.items;
        mode = volume.secret.defaultMode ?? mode;
      } else if (volume.configMap) {
        const cm = this.api.tryGet(this.configMaps, namespace, volume.configMap.name) as Loose | undefined;
        if (!cm) throw new Error(`MountVolume.SetUp failed for volume "${volume.name}": configmap "${volume.configMap.name}" not found`);
        files = {
          ...Object.fromEntries(Object.entries((cm.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
          ...Object.fromEntries(Object.entries((cm.binaryData ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        };
        items = volume.configMap.items;
        mode = volume.configMap.defaultMode ?? mode;
      } else if (!volume.emptyDir) {
        throw new Error(`volume "${volume.name}": only secret, configMap and emptyDir volumes run in the kube harness`);
      }
      const entries: [string, Buffer, number][] = items
        ? items.map((i) => {
            const data = files[i.key];
            if (!data) throw new Error(`MountVolume.SetUp failed for volume "${volume.name}": key "${i.key}" not found`);
            return [i.path, data, i.mode ?? mode];
          })
        : Object.entries(files).map(([k, v]) => [k, v, mode]);
      for (const [rel, data, fileMode] of entries) {
        const file = path.join(target, rel);
        if (!file.startsWith(target + path.sep)) throw new Error(`volume "${volume.name}": path "${rel}" leaves the volume`);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, data);
        await chmod(file, fileMode);
      }
      mounts.set(volume.name, target);
    }
    return mounts;
  }

  private async start(pod: Loose, entry: RunningPod): Promise<void> {
    const namespace = pod.metadata.namespace as string;
    const name = pod.metadata.name as string;
    const container = (pod.spec.containers as Loose[])[0]!;
    await rm(entry.dir, { recursive: true, force: true });
    await mkdir(entry.dir, { recursive: true });
    const volumes = await this.writeVolumes(pod, entry.dir);
    const mountPaths = ((container.volumeMounts ?? []) as Loose[]).map((m) => ({ mountPath: m.mountPath as string, local: volumes.get(m.name) ?? '' }));
    const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
    const program = parseProgram(argv, mountPaths);
    const logFile = path.join(entry.dir, `${container.name}.log`);
    this.registerLog(namespace, name, container.name, logFile);
    const subnet = this.dataplane.primarySubnet(pod.metadata.annotations);
    const busybox = toolPath('busybox') ?? 'busybox';

    // On a Kube-OVN subnet the pod's address and reach come from the data plane; a relay's target
    // on the subnet becomes a loopback port of the pod's network stack.
    let ip: string;
    let relayTarget: { host: string; port: number } | undefined;
    let subnetServes: number | undefined;
    if (subnet) {
      const owner = `pod ${namespace}/${name}`;
      const requested = pod.metadata.annotations?.[IP_ADDRESS] as string | undefined;
      if (program.kind === 'relay') {
        const joined = await this.dataplane.attachPod({ subnet, owner, ...(requested ? { requested } : {}), serves: [], dials: [{ target: program.target, port: program.targetPort }] });
        entry.leaveSubnet = joined.release;
        ip = joined.address;
        relayTarget = { host: '127.0.0.1', port: joined.dials[0]!.hostPort };
      } else {
        ip = '';
        subnetServes = program.containerPort;
      }
    } else {
      if (program.kind === 'relay') throw new Error(`the kube harness runs "nc -ll -e nc HOST PORT" relays only in pods on a Kube-OVN subnet (${'ovn.kubernetes.io/logical_switch'})`);
      ip = this.network.ipOf(namespace, name);
    }

    const launch = async (): Promise<number> => {
      const port = await freePort();
      const log = await open(logFile, 'a');
      const args =
        program.kind === 'httpd' ? ['httpd', '-f', '-v', '-p', `127.0.0.1:${port}`, ...program.args] : ['nc', '-ll', '-p', String(port), '127.0.0.1', '-e', busybox, 'nc', relayTarget!.host, String(relayTarget!.port)];
      const child = spawn(busybox, args, { stdio: ['ignore', log.fd, log.fd] });
      await log.close();
      entry.process = child;
      child.once('exit', (code, signal) => inBackground(this.exited(pod, entry, code, signal), this.logger, `pod ${namespace}/${name} exit`));
      for (let i = 0; i < 100; i++) {
        if (await canConnect(port)) return port;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`busybox ${program.kind === 'httpd' ? 'httpd' : 'nc'} did not start listening (see pods/${name}/log)`);
    };
    if (entry.stopping) return;
    const port = await launch();
    if (subnetServes !== undefined) {
      const requested = pod.metadata.annotations?.[IP_ADDRESS] as string | undefined;
      const joined = await this.dataplane.attachPod({
        subnet: subnet!,
        owner: `pod ${namespace}/${name}`,
        ...(requested ? { requested } : {}),
        serves: [{ port: subnetServes, command: [busybox, 'nc', '127.0.0.1', String(port)] }],
        dials: [],
      });
      entry.leaveSubnet = joined.release;
      ip = joined.address;
    }
    // Deleted while it started: teardown() waits for this and then stops the process.
    if (entry.stopping) return;
    this.network.expose(namespace, name, program.containerPort, '127.0.0.1', port, { podNetwork: !subnet, ip });
    this.logger.debug(`kube harness: pod ${namespace}/${name} serves ${ip}:${program.containerPort} at 127.0.0.1:${port}${subnet ? ` (subnet ${subnet})` : ''}`);
    this.api.mutate(this.pods, namespace, name, (p) => {
      const o = p as Loose;
      o.spec.nodeName = NODE_NAME;
      o.status = runningPodStatus(o, ip, entry.restarts);
    });
    this.events.record(pod as KubeObject, 'Normal', 'Started', `Started container ${container.name}`, 'kubelet');
  }

  private async exited(pod: Loose, entry: RunningPod, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (entry.stopping) return;
    const namespace = pod.metadata.namespace as string;
    const name = pod.metadata.name as string;
    const key = `${namespace}/${name}`;
    if (this.running.get(key) !== entry) return;
    const restartPolicy = pod.spec.restartPolicy ?? 'Always';
    const failed = code !== 0;
    this.logger.debug(`kube harness: pod ${key} exited (${signal ?? code})`);
    if (restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && failed)) {
      entry.restarts++;
      this.running.delete(key);
      this.network.release(namespace, name);
      await entry.leaveSubnet?.();
      this.api.mutate(this.pods, namespace, name, (p) => {
        const o = p as Loose;
        for (const s of (o.status?.containerStatuses ?? []) as Loose[]) {
          s.ready = false;
          s.restartCount = entry.restarts;
          s.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${s.name}` } };
        }
      });
      this.queue.addAfter(key, Math.min(10_000, 1000 * entry.restarts));
      return;
    }
    this.network.release(namespace, name);
    await entry.leaveSubnet?.();
    this.api.mutate(this.pods, namespace, name, (p) => {
      const o = p as Loose;
      o.status = { ...(o.status ?? {}), phase: failed ? 'Failed' : 'Succeeded' };
      for (const s of (o.status.containerStatuses ?? []) as Loose[]) {
        s.ready = false;
        s.state = { terminated: { exitCode: code ?? 137, reason: failed ? 'Error' : 'Completed', finishedAt: timestamp() } };
      }
    });
  }

  private async teardown(key: string, uid: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    for (const k of [...this.logFiles.keys()]) if (k.startsWith(`${key}/`)) this.logFiles.delete(k);
    const entry = this.running.get(key);
    if (!entry || entry.uid !== uid) return;
    this.running.delete(key);
    entry.stopping = true;
    await entry.starting?.catch(() => undefined);
    await this.kill(entry);
    this.network.release(namespace, name);
    await entry.leaveSubnet?.();
    await rm(entry.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  private async kill(entry: RunningPod): Promise<void> {
    entry.stopping = true;
    const child = entry.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  /** pods/<name>/log: the container's output (or its registered file), followed if asked. */
  async podLog(namespace: string, name: string, container: string | undefined, follow: boolean, res: http.ServerResponse): Promise<void> {
    const pod = this.api.get(this.pods, namespace, name) as Loose;
    const names = ((pod.spec?.containers ?? []) as Loose[]).map((c) => c.name as string);
    // kube-apiserver's log subresource also takes init containers' names (native sidecars too).
    const initNames = ((pod.spec?.initContainers ?? []) as Loose[]).map((c) => c.name as string);
    const chosen = container ?? (names.length === 1 ? names[0] : undefined);
    if (!chosen) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    if (!names.includes(chosen) && !initNames.includes(chosen)) throw badRequest(`container ${chosen} is not valid for pod ${name}`);
    const file = this.logFiles.get(`${namespace}/${name}/${chosen}`);
    if (!file) throw badRequest(`container "${chosen}" in pod "${name}" is waiting to start: ContainerCreating`);
    await stat(file).catch(() => {
      throw notFound({ group: '', resource: 'pods', name });
    });
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    let offset = 0;
    const pump = () =>
      new Promise<void>((resolve) => {
        const stream = createReadStream(file, { start: offset });
        stream.on('data', (chunk) => {
          offset += chunk.length;
          res.write(chunk);
        });
        stream.once('close', () => resolve());
        stream.once('error', () => resolve());
      });
    await pump();
    if (!follow) {
      res.end();
      return;
    }
    let pending = Promise.resolve();
    const watcher = watchFile(file, () => {
      pending = pending.then(pump);
    });
    const stop = () => {
      watcher.close();
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    const unsubscribe = this.api.store.subscribe((e) => {
      if (e.resource.kind === 'Pod' && e.type === 'DELETED' && e.object.metadata.uid === pod.metadata.uid) void pending.then(stop);
    });
    res.once('close', stop);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
    const entries = [...this.running.values()];
    this.running.clear();
    await Promise.all(
      entries.map(async (e) => {
        e.stopping = true;
        await e.starting?.catch(() => undefined);
        await this.kill(e);
        await e.leaveSubnet?.().catch(() => undefined);
      }),
    );
  }
}

type Program = { kind: 'httpd'; args: string[]; containerPort: number } | { kind: 'relay'; containerPort: number; target: string; targetPort: number };

const isBusybox = (a: string | undefined) => a === 'busybox' || a?.endsWith('/busybox') === true;

/**
 * Why a container is not one this runtime knows how to run (undefined = it is): the file server
 * (`busybox httpd`) or the SSH jump pod's relay (`busybox nc -ll -p PORT -e busybox nc HOST PORT`).
 */
function containerProblem(container: Loose): string | undefined {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  const known = isBusybox(argv[0]) && (argv[1] === 'httpd' || argv[1] === 'nc');
  if (!String(container.image ?? '').includes('busybox') || !known) {
    return `the kube harness runs only "busybox httpd" and "busybox nc" containers (image ${String(container.image)}, command ${JSON.stringify(argv)})`;
  }
  return undefined;
}

function parseProgram(argv: string[], mounts: { mountPath: string; local: string }[]): Program {
  if (argv[1] === 'httpd') return { kind: 'httpd', ...httpdArguments(argv, mounts) };
  // nc -ll -p PORT -e PROG…: a persistent listener running PROG per connection (nc's own usage).
  const e = argv.indexOf('-e');
  const p = argv.indexOf('-p');
  const prog = e >= 0 ? argv.slice(e + 1) : [];
  const hostAndPort = isBusybox(prog[0]) ? prog.slice(2) : prog.slice(1);
  if (!argv.includes('-ll') || p < 0 || p > e || (prog[0] !== 'nc' && !(isBusybox(prog[0]) && prog[1] === 'nc')) || hostAndPort.length !== 2) {
    throw new Error(`the kube harness runs nc only as a relay: "busybox nc -ll -p PORT -e busybox nc HOST PORT" (got ${JSON.stringify(argv)})`);
  }
  return { kind: 'relay', containerPort: Number(argv[p + 1]), target: hostAndPort[0]!, targetPort: Number(hostAndPort[1]) };
}

/** busybox httpd's arguments with the listen address and home folder mapped to this machine. */
function httpdArguments(argv: string[], mounts: { mountPath: string; local: string }[]): { args: string[]; containerPort: number } {
  const args: string[] = [];
  let containerPort = 80;
  const mapPath = (p: string) => {
    const m = mounts.filter((x) => p === x.mountPath || p.startsWith(`${x.mountPath.replace(/\/$/, '')}/`)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!m) throw new Error(`httpd folder ${p} is not on a volume of the pod`);
    return path.join(m.local, p.slice(m.mountPath.length));
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-f' || a === '-v' || a === '-vv') continue;
    if (a === '-p') {
      const value = argv[++i] ?? '80';
      containerPort = Number(value.split(':').pop());
      continue;
    }
    if (a === '-h') {
      args.push('-h', mapPath(argv[++i] ?? '/'));
      continue;
    }
    args.push(a);
  }
  if (!args.includes('-h')) throw new Error('busybox httpd needs -h <folder on a volume> in the kube harness');
  return { args, containerPort };
}
