/**
 * startKubeHarness(): a Kubernetes API server with KubeVirt, CDI, the CSI snapshot controller and
 * Kube-OVN's objects, for testing the kubevirt engine on a machine where no cluster can run. It
 * serves HTTPS with its own CA and a bearer token, writes a kubeconfig, and runs in-process
 * controllers that do what the real ones do — including booting a real QEMU guest for a
 * VirtualMachine. Test code only; never shipped. See README.md beside this file.
 */
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../src/core/log.js';
import { LineLogger } from '../../src/core/log.js';
import { chooseAccelerator, type Accelerator } from '../../src/engines/local/accelerator.js';
import { AccessPolicy, type AccessRule } from './access-policy.js';
import { ApiError, notFound } from './api-errors.js';
import { CertificateAuthority } from './certificates.js';
import { ClusterApi } from './cluster-api.js';
import { CrdRegistry } from './crd-registry.js';
import { AddonOperators, type OperatorTimings } from './controllers/addon-operators.js';
import { ClaimController, DEFAULT_CLASS_ANNOTATION } from './controllers/claim-controller.js';
import { DataSourceController } from './controllers/datasource-controller.js';
import { DataVolumeController } from './controllers/datavolume-controller.js';
import { EventRecorder } from './controllers/event-recorder.js';
import { ExportController } from './controllers/export-controller.js';
import { KubeOvnDataplane } from './controllers/kube-ovn-dataplane.js';
import { NetworkController } from './controllers/network-controller.js';
import { NODE_NAME, PodRuntime } from './controllers/pod-runtime.js';
import { PodNetwork } from './controllers/pod-network.js';
import { DEFAULT_SNAPSHOT_CLASS_ANNOTATION, SnapshotController, type TransientSnapshotError } from './controllers/snapshot-controller.js';
import { CDI_NAMESPACE, UploadProxy } from './controllers/upload-proxy.js';
import { VmController } from './controllers/vm-controller.js';
import { VmiController, type ConsoleStreamRecord } from './controllers/vmi-controller.js';
import { VolumeFiles } from './controllers/volumes.js';
import { FaultSwitch, ResponseInjector, type Faults, type InjectedResponse } from './faults.js';
import { GarbageCollector } from './garbage-collector.js';
import { checkHostTools } from './host-tools.js';
import { HttpApi } from './http-api.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ObjectStore, type KubeObject } from './object-store.js';
import { PlayedEndpoints, type Endpoint, type PlayedVmi } from './played-endpoints.js';
import { RequestLog, type LoggedRequest } from './request-log.js';
import { RESOURCE_TYPES, ServedResources, mustResource, type ResourceType } from './resources.js';
import type { FieldValidation } from './validation.js';
import { WatchHub } from './watch-hub.js';
import { WebSocketStreams } from './websocket-streams.js';

export const STORAGE_CLASS = 'harness-hostpath';
export const STORAGE_PROVISIONER = 'hostpath.csi.harness.ruddervirt.io';
export const SNAPSHOT_CLASS = 'harness-snapclass';
/** Label on the objects the harness creates at start (namespaces, node, classes, CDI, KubeVirt). */
export const SYSTEM_LABEL = 'harness.ruddervirt.io/system';

/** The in-process controllers, by what they play. */
export const CONTROLLER_NAMES = ['garbage-collector', 'claims', 'pods', 'datavolumes', 'exports', 'snapshots', 'datasources', 'vms', 'vmis', 'networks', 'operators'] as const;
/** What runs by default in a harness started with `installed: false`: kube-controller-manager's part and the played installers. */
export const INSTALL_CONTROLLERS: readonly ControllerName[] = ['garbage-collector', 'operators'];
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

/** An object as tests name it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface KubeHarnessOptions {
  faults?: Faults;
  /**
   * The controllers that run (default all). With fewer, objects stay as they were written unless
   * a test changes them (putObject, updateObject) — for testing a client against states it
   * chooses; `[]` runs none, `['garbage-collector']` keeps kube-controller-manager's part only.
   */
  controllers?: readonly ControllerName[];
  /** The folder the harness makes its own temp folder in (default os.tmpdir()). */
  workDir?: string;
  logger?: Logger;
  /** What unknown fields do without a fieldValidation parameter. Default Warn, as on real servers (Kubernetes 1.25+). */
  fieldValidation?: FieldValidation;
  /** How often watches that allow bookmarks get one. Default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** How many changes watches can resume from. Default 5000. */
  historyLimit?: number;
  /** Serve a VolumeSnapshotClass for the storage class (CSI snapshots possible). Default true. */
  snapshotClass?: boolean;
  /** Skip the accelerator probe. */
  accelerator?: Accelerator;
  /** Turns `docker://image` into a local disk image, for registry imports and containerDisks. */
  resolveRegistryImage?: (url: string, signal: AbortSignal) => Promise<string>;
  denials?: AccessRule[];
  /** How long upload tokens are valid. Default 5 minutes, as CDI's. */
  uploadTokenTtlMs?: number;
  /** The first N uploads are answered 503 (the upload server pod not ready yet). Default 0. */
  uploadProxyUnavailable?: number;
  /** Importer restarts before a DataVolume fails. Default unlimited, as CDI (a checksum mismatch fails at once). */
  importRetries?: number;
  /** Upper bound on VMI termination grace periods. Default 30 s. */
  maxGraceSeconds?: number;
  /** How long a VpcEgressGateway's workload takes to be ready (its image pull on a real cluster). Default 1500 ms. */
  egressStartMs?: number;
  /**
   * virt-exportproxy has an Ingress, so exports publish status.links.external (at exportProxyUrl).
   * Default false, as on a stock kind cluster: the engine downloads through a port-forward.
   */
  exportIngress?: boolean;
  /**
   * The KubeVirt version the KubeVirt CR reports; feature-gates.ts decides the gates by it and
   * resources.ts exportVersions the served export.kubevirt.io versions. Default v1.9.0.
   */
  kubevirtVersion?: string;
  /** spec.configuration.developerConfiguration.featureGates / disabledFeatureGates of the KubeVirt CR. */
  featureGates?: string[];
  disabledFeatureGates?: string[];
  /**
   * false: a cluster where KubeVirt, CDI, Kube-OVN and Multus are not installed yet. Only built-in
   * kinds are served (apps, RBAC, CRDs, … included); a resource is served once its
   * CustomResourceDefinition is Established; no KubeVirt or CDI objects exist; the node has no
   * `devices.kubevirt.io/kvm`; the controllers default to INSTALL_CONTROLLERS, whose `operators`
   * play virt-operator, cdi-operator, kube-ovn-controller and the DaemonSet controller
   * (controllers/addon-operators.ts). Default true.
   */
  installed?: boolean;
  /** With `installed: false`: how long the played operators take (Infinity: never). */
  operators?: OperatorTimings;
  /** How long a stored CRD takes to be Established. Default 100 ms. */
  crdEstablishMs?: number;
  /**
   * false: the cluster was made without a CNI (kind's disableDefaultCNI): the node is NotReady
   * until Kube-OVN's Subnet resource is served (kube-ovn-cni then writes its CNI config). Default true.
   */
  cni?: boolean;
  /** Aborting closes the harness (stops its VMs, processes and servers, removes its folder). */
  signal?: AbortSignal;
}

export interface HarnessObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  /** Made by the harness at start, not by a test. */
  system: boolean;
  deleting: boolean;
}

export interface KubeHarness {
  url: string;
  caCert: string;
  token: string;
  kubeconfigPath: string;
  /** The harness's own folder (claims, pods, VM folders); removed by close(). */
  workDir: string;
  /** CDI's upload proxy, directly (also reachable by port-forward to its pod in namespace cdi). */
  uploadProxyUrl: string;
  /** Where status.links.external of exports point (with exportIngress). */
  exportProxyUrl: string;
  /** A client-node KubeConfig for the harness. */
  kubeConfig(): KubeConfig;
  /** Creates a namespace (a generated test-xxxxx name by default) and returns its name. */
  createNamespace(name?: string): Promise<string>;
  /** Deletes a namespace with everything in it; resolves when it is gone (unless wait is false). */
  deleteNamespace(name: string, options?: { wait?: boolean; timeoutMs?: number }): Promise<void>;
  objects(): HarnessObject[];
  /** Objects a test made that still exist (system objects excluded; in `namespace` if given). */
  leftovers(namespace?: string): HarnessObject[];
  /** Replaces the fault switch and forgets every injected response. */
  setFaults(faults: Faults): void;
  /** Answers the next matching request(s) as `response` says (after authentication). */
  injectResponse(response: InjectedResponse): void;
  /** Every request and upgrade received since start (or clearRequests), in order. */
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** Watches being served now. */
  openWatches(): number;
  /**
   * Writes an object as a controller would (status kept, validated and admitted like any write):
   * created if absent, else replaced except its uid, creation time and deletion state.
   */
  putObject<T extends { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } }>(object: T): KubeObject;
  getObject(ref: ObjectRef): KubeObject | undefined;
  /** A controller's read-modify-write of a stored object (status included). */
  updateObject(ref: ObjectRef, change: (object: KubeObject & Record<string, unknown>) => void): KubeObject | undefined;
  /** Deletes as a client's DELETE would (finalizers and owners honoured). */
  deleteObject(ref: ObjectRef): void;
  /**
   * Calls `listener` after every change to a stored object, as an informer's handler is called:
   * how a test plays a controller that is off.
   */
  onChange(listener: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void): () => void;
  /** A serving certificate from the cluster CA, for a server a test runs in the cluster's place. */
  issueCertificate(commonName: string, names: readonly string[]): Promise<{ cert: string; key: string }>;
  /** Serves a pod's container port from `target` (the pod must be Running for port-forwards). */
  exposePodPort(namespace: string, pod: string, containerPort: number, target: Endpoint): void;
  /** Serves a VMI's vnc and port-forward streams from test-run servers (undefined: stop). */
  playVmi(namespace: string, name: string, endpoints: PlayedVmi | undefined): void;
  /** Faults injected since the last setFaults. */
  injectedFaults(): { status: number; verb: string; path: string }[];
  /** The VMI console streams served so far (subresource `console`) and what each sent. */
  consoleStreams(): ConsoleStreamRecord[];
  setDenials(rules: AccessRule[]): void;
  /**
   * From now on every new VolumeSnapshot shows `message` in status.error for `forMs` and then
   * succeeds (the snapshot controller's retries); undefined stops it.
   */
  setTransientSnapshotErrors(transient: TransientSnapshotError | undefined): void;
  /** Ends every open watch now (an API server restart). */
  dropWatches(): void;
  /** Forgets the change history: watches from older resourceVersions get 410 Gone. */
  compact(): void;
  /** The disk file behind a claim. */
  claimFile(namespace: string, claim: string): string;
  /** Resolves when every controller's queue is empty. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Without a logger, the harness's own warnings (a controller that failed) still show, on stderr. */
function stderrLogger(): Logger {
  return new LineLogger((level, line) => {
    if (level === 'warn' || level === 'error') process.stderr.write(`kube harness ${level}: ${line}\n`);
  });
}

export async function startKubeHarness(options: KubeHarnessOptions = {}): Promise<KubeHarness> {
  const logger = options.logger ?? stderrLogger();
  options.signal?.throwIfAborted();
  checkHostTools();
  const parent = options.workDir ?? os.tmpdir();
  await mkdir(parent, { recursive: true });
  const workDir = await mkdtemp(path.join(parent, 'ruddervirt-kube-harness-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(workDir, { recursive: true, force: true })];
  const undo = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const pki = path.join(workDir, 'pki');
    await mkdir(pki);
    const ca = await CertificateAuthority.create(pki);
    const serving = await ca.issue('kube-apiserver', ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', '127.0.0.1', '::1']);
    const token = randomBytes(24).toString('base64url');

    const store = new ObjectStore(options.historyLimit ?? 5000);
    const api = new ClusterApi(store, options.fieldValidation ?? 'Warn');
    const installed = options.installed !== false;
    const served = installed ? ServedResources.all(options.kubevirtVersion) : ServedResources.builtIn();
    const crdRegistry = new CrdRegistry(api, served, logger, options.crdEstablishMs ?? 100);
    cleanups.push(() => crdRegistry.close());
    const faults = new FaultSwitch();
    if (options.faults) faults.set(options.faults);
    const responses = new ResponseInjector();
    const requestLog = new RequestLog();
    const played = new PlayedEndpoints();
    const access = new AccessPolicy();
    if (options.denials) access.setDenials(options.denials);
    const watches = new WatchHub(api, faults, options.bookmarkIntervalMs ?? 1000);
    const events = new EventRecorder(api);
    const files = new VolumeFiles(workDir);
    const network = new PodNetwork();
    const dataplane = new KubeOvnDataplane(api, workDir, logger);

    let acceleratorChoice: Promise<Accelerator> | undefined;
    const accelerator = () => {
      acceleratorChoice ??= options.accelerator ? Promise.resolve(options.accelerator) : chooseAccelerator({ logger }).then((c) => c.accelerator);
      return acceleratorChoice;
    };

    const gc = new GarbageCollector(api, logger);
    const claims = new ClaimController(api, files, events, logger);
    const pods = new PodRuntime(api, network, dataplane, events, workDir, logger);
    const dataVolumes = new DataVolumeController(api, files, network, events, logger, {
      importRetries: options.importRetries ?? Number.POSITIVE_INFINITY,
      ...(options.resolveRegistryImage ? { resolveRegistryImage: options.resolveRegistryImage } : {}),
    });
    const uploads = new UploadProxy(api, dataVolumes, network, logger, options.uploadTokenTtlMs, options.uploadProxyUnavailable ?? 0);
    const exports = new ExportController(api, files, network, events, ca, logger, options.exportIngress === true);
    const snapshots = new SnapshotController(api, files, events, logger);
    const dataSources = new DataSourceController(api, logger);
    const vms = new VmController(api, events, logger);
    const vmis = new VmiController(
      api,
      {
        api,
        files,
        network,
        dataplane,
        accelerator,
        logger,
        ...(options.resolveRegistryImage ? { resolveRegistryImage: options.resolveRegistryImage } : {}),
        ...(options.kubevirtVersion ? { kubevirtVersion: options.kubevirtVersion } : {}),
      },
      pods,
      events,
      workDir,
      options.maxGraceSeconds ?? 30,
      logger,
    );
    const networks = new NetworkController(api, dataplane, logger, options.egressStartMs ?? 1500);
    const operators = new AddonOperators(api, served, logger, options.operators, options.kubevirtVersion);
    const byName: Record<ControllerName, (typeof all)[number]> = {
      'garbage-collector': gc,
      claims,
      pods,
      datavolumes: dataVolumes,
      exports,
      snapshots,
      datasources: dataSources,
      vms,
      vmis,
      networks,
      operators,
    };
    const all = [gc, claims, pods, dataVolumes, exports, snapshots, dataSources, vms, vmis, networks, operators];
    const wanted = new Set<ControllerName>(options.controllers ?? (installed ? CONTROLLER_NAMES : INSTALL_CONTROLLERS));
    const controllers = all.filter((c) => [...wanted].some((n) => byName[n] === c));
    // Left out: stopped before the first object, so they never act.
    for (const c of all) if (!controllers.includes(c)) await c.close();
    cleanups.push(async () => {
      for (const c of [...controllers].reverse()) await c.close();
      await dataplane.close();
    });
    await uploads.start(ca);
    cleanups.push(() => uploads.close());
    await exports.start();

    const httpApi = new HttpApi(
      api,
      watches,
      faults,
      access,
      token,
      {
        podLog: (ns, name, container, follow, res) => pods.podLog(ns, name, container, follow, res),
        kubevirtAction: async (ns, kind, name, action, body) => {
          if (kind === 'virtualmachines') return vms.action(ns, name, action, body);
          if (['softreboot', 'reset'].includes(action)) {
            throw new ApiError(400, 'BadRequest', `${action} is not served by the kube harness`);
          }
          throw new ApiError(400, 'BadRequest', `virtualmachineinstances/${action} is not served by the kube harness`);
        },
        screenshot: (ns, name) => vmis.screenshot(ns, name),
        answerVirtual: (resource, object) => {
          if (resource.kind === 'UploadTokenRequest') return uploads.answerTokenRequest(object);
          return object;
        },
      },
      logger,
      responses,
      requestLog,
      served,
    );
    const streams = new WebSocketStreams(
      {
        vmiVnc: (ns, name, preserve) => {
          const endpoint = played.vnc(ns, name);
          return endpoint ? PlayedEndpoints.dial(endpoint) : vmis.vnc(ns, name, preserve);
        },
        vmiConsole: (ns, name) => vmis.console(ns, name),
        vmiPortForward: (ns, name, port) => {
          const endpoint = played.port(ns, name, port);
          if (endpoint) return PlayedEndpoints.dial(endpoint);
          if (played.has(ns, name)) return Promise.reject(new ApiError(500, 'InternalError', `Internal error occurred: dialing VM: dial tcp 127.0.0.1:${port}: connect: connection refused`));
          return vmis.portForward(ns, name, port);
        },
        vmiOfVm: (ns, name) => {
          if (!api.tryGet(mustResource('kubevirt.io', 'virtualmachines'), ns, name)) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachines', name });
          return name;
        },
        podPort: async (ns, name, port) => {
          const pod = api.get(mustResource('', 'pods'), ns, name) as KubeObject & { status?: { phase?: string } };
          if (pod.status?.phase !== 'Running') throw new ApiError(400, 'BadRequest', `pod ${name} is not running (phase ${pod.status?.phase ?? 'Pending'})`);
          const endpoint = network.endpoint(ns, name, port);
          if (!endpoint) throw new ApiError(500, 'InternalError', `error forwarding port ${port} to pod ${name}: nothing listens on port ${port} in the pod`);
          return { host: endpoint.host, port: endpoint.port };
        },
      },
      (req) => httpApi.authenticated(req),
      access,
      faults,
      logger,
      responses,
      requestLog,
      served,
    );

    const server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
      requestLog.record(req, false);
      void httpApi.handle(req, res);
    });
    server.on('upgrade', (req, socket, head) => {
      requestLog.record(req, true);
      streams.handleUpgrade(req, socket, head);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    cleanups.push(async () => {
      watches.dropAll();
      streams.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    seedSystemObjects(api, uploads, options.snapshotClass !== false, installed ? await accelerator() : (options.accelerator ?? 'tcg'), { ...options, installed });

    const kubeconfigPath = path.join(workDir, 'kubeconfig');
    await writeKubeconfig({ file: kubeconfigPath, server: url, caCert: ca.certPem, token, namespace: 'default' });

    const namespaces = mustResource('', 'namespaces');
    const list = (): HarnessObject[] =>
      store.all().map(({ resource, object }) => ({
        apiVersion: object.apiVersion,
        kind: object.kind,
        ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
        name: object.metadata.name!,
        uid: object.metadata.uid!,
        system: isSystem(resource, object),
        deleting: object.metadata.deletionTimestamp !== undefined,
      }));
    const settled = async () => {
      for (let round = 0; round < 3; round++) await Promise.all([...controllers, crdRegistry].map((c) => c.idle()));
    };
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      options.signal?.removeEventListener('abort', onAbort);
      await undo();
    };
    const onAbort = () => void close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) await close();

    return {
      url,
      caCert: ca.certPem,
      token,
      kubeconfigPath,
      workDir,
      uploadProxyUrl: uploads.url,
      exportProxyUrl: exports.proxyUrl,
      kubeConfig() {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        return kc;
      },
      async createNamespace(name) {
        const body = { apiVersion: 'v1', kind: 'Namespace', metadata: name ? { name } : { generateName: 'test-' } };
        return api.create(namespaces, undefined, body).object.metadata.name!;
      },
      async deleteNamespace(name, { wait = true, timeoutMs = 120_000 } = {}) {
        try {
          api.delete(namespaces, undefined, name);
        } catch (err) {
          if (err instanceof ApiError && err.code === 404) return;
          throw err;
        }
        if (!wait) return;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            unsubscribe();
            const left = list().filter((o) => o.namespace === name);
            reject(new Error(`namespace ${name} still exists after ${timeoutMs} ms; left: ${left.map((o) => `${o.kind}/${o.name}`).join(', ')}`));
          }, timeoutMs);
          const check = () => {
            if (!api.tryGet(namespaces, undefined, name)) {
              clearTimeout(timer);
              unsubscribe();
              resolve();
            }
          };
          const unsubscribe = store.subscribe((e) => {
            if (e.type === 'DELETED' && e.resource.kind === 'Namespace') check();
          });
          check();
        });
      },
      objects: list,
      leftovers: (namespace) => list().filter((o) => !o.system && (namespace === undefined || o.namespace === namespace || (o.kind === 'Namespace' && o.name === namespace))),
      setFaults: (f) => {
        faults.set(f);
        responses.clear();
      },
      injectResponse: (r) => responses.add(r),
      requests: () => requestLog.entries(),
      clearRequests: () => requestLog.clear(),
      openWatches: () => watches.open,
      putObject: (object) => {
        const resource = typeOf(served, object.apiVersion, object.kind);
        const ns = resource.namespaced ? object.metadata.namespace : undefined;
        const name = object.metadata.name ?? '';
        const body = copy(object) as unknown as KubeObject;
        if (!api.tryGet(resource, ns, name)) return api.createInternal(resource, ns, body);
        return api.mutate(resource, ns, name, (o) => {
          const keep = o.metadata;
          for (const k of Object.keys(o)) delete (o as Record<string, unknown>)[k];
          Object.assign(o, body, { metadata: { ...body.metadata, uid: keep.uid, creationTimestamp: keep.creationTimestamp, deletionTimestamp: keep.deletionTimestamp } });
        })!;
      },
      getObject: (ref) => {
        const resource = typeOf(served, ref.apiVersion, ref.kind);
        const found = api.tryGet(resource, resource.namespaced ? ref.namespace : undefined, ref.name);
        return found && api.view(resource, found, splitVersion(ref.apiVersion));
      },
      updateObject: (ref, change) => {
        const resource = typeOf(served, ref.apiVersion, ref.kind);
        return api.mutate(resource, resource.namespaced ? ref.namespace : undefined, ref.name, (o) => change(o as KubeObject & Record<string, unknown>));
      },
      deleteObject: (ref) => {
        const resource = typeOf(served, ref.apiVersion, ref.kind);
        api.delete(resource, resource.namespaced ? ref.namespace : undefined, ref.name);
      },
      onChange: (listener) => store.subscribe((e) => listener(e.type, api.view(e.resource, e.object))),
      issueCertificate: async (commonName, names) => {
        const issued = await ca.issue(commonName, names);
        return { cert: issued.cert, key: issued.key };
      },
      exposePodPort: (namespace, pod, containerPort, target) => network.expose(namespace, pod, containerPort, target.host, target.port),
      playVmi: (namespace, name, endpoints) => played.setVmi(namespace, name, endpoints),
      injectedFaults: () => [...faults.injected],
      consoleStreams: () => vmis.consoleStreams.map((r) => ({ ...r })),
      setDenials: (rules) => access.setDenials(rules),
      setTransientSnapshotErrors: (transient) => snapshots.setTransientErrors(transient),
      dropWatches: () => watches.dropAll(),
      compact: () => store.compact(),
      claimFile: (namespace, claim) => files.claimFile(namespace, claim),
      settled,
      close,
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

function typeOf(served: ServedResources, apiVersion: string, kind: string): ResourceType {
  const resource = served.forKind(apiVersion, kind);
  if (!resource) throw new Error(`the kube harness serves no ${kind} in ${apiVersion}`);
  return resource;
}

function splitVersion(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function isSystem(resource: ResourceType, object: KubeObject): boolean {
  if (object.metadata.labels?.[SYSTEM_LABEL] === 'true') return true;
  // Objects in the system namespaces are made by their operators (CDI's upload proxy, KubeVirt).
  return resource.namespaced && ['kube-system', 'kubevirt', CDI_NAMESPACE].includes(object.metadata.namespace ?? '');
}

function seedSystemObjects(
  api: ClusterApi,
  uploads: UploadProxy,
  snapshotClass: boolean,
  accelerator: Accelerator,
  kubevirt: Pick<KubeHarnessOptions, 'kubevirtVersion' | 'featureGates' | 'disabledFeatureGates' | 'cni'> & { installed: boolean },
): void {
  const installed = kubevirt.installed;
  const version = kubevirt.kubevirtVersion ?? 'v1.9.0';
  const system = { [SYSTEM_LABEL]: 'true' };
  const create = (plural: string, group: string, object: Record<string, unknown> & { metadata: Record<string, unknown> }) => {
    const resource = RESOURCE_TYPES.find((r) => r.plural === plural && r.group === group)!;
    const meta = object.metadata;
    api.createInternal(resource, meta.namespace as string | undefined, { ...object, metadata: { ...meta, labels: { ...((meta.labels as Record<string, string>) ?? {}), ...system } } } as unknown as KubeObject, true);
  };
  // Without KubeVirt, neither its namespaces nor virt-handler's node label and KVM device plugin.
  for (const ns of installed ? ['default', 'kube-system', 'kubevirt', CDI_NAMESPACE] : ['default', 'kube-system']) create('namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const kvm = installed ? { 'devices.kubevirt.io/kvm': accelerator === 'kvm' ? '1k' : '0' } : {};
  create('nodes', '', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE_NAME,
      labels: {
        'kubernetes.io/hostname': NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        // A one-node kind cluster's node is its control plane.
        ...(installed ? { 'kubevirt.io/schedulable': 'true' } : { 'node-role.kubernetes.io/control-plane': '' }),
      },
    },
    spec: {},
    status: {
      capacity: { cpu: '2', memory: '8Gi', ...kvm },
      allocatable: { cpu: '2', memory: '8Gi', ...kvm },
      conditions: [kubevirt.cni === false ? AddonOperators.notReadyForCni() : { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'the kube harness node is ready' }],
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: NODE_NAME },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'harness://1',
        kernelVersion: os.release(),
        kubeProxyVersion: 'v1.36.0',
        kubeletVersion: 'v1.36.0',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'ruddervirt kube harness',
        systemUUID: '',
      },
    },
  });
  create('storageclasses', 'storage.k8s.io', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: STORAGE_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  });
  if (snapshotClass) {
    create('volumesnapshotclasses', 'snapshot.storage.k8s.io', {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: { name: SNAPSHOT_CLASS, annotations: { [DEFAULT_SNAPSHOT_CLASS_ANNOTATION]: 'true' } },
      driver: STORAGE_PROVISIONER,
      deletionPolicy: 'Delete',
    });
  }
  if (!installed) return;
  // CDI does not know the harness's provisioner, so an admin states its modes (storage-profiles.ts).
  const rwoFilesystem = [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }];
  create('storageprofiles', 'cdi.kubevirt.io', {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'StorageProfile',
    metadata: { name: STORAGE_CLASS },
    spec: { claimPropertySets: rwoFilesystem },
    status: { storageClass: STORAGE_CLASS, provisioner: STORAGE_PROVISIONER, claimPropertySets: rwoFilesystem },
  });
  create('kubevirts', 'kubevirt.io', {
    apiVersion: 'kubevirt.io/v1',
    kind: 'KubeVirt',
    metadata: { name: 'kubevirt', namespace: 'kubevirt' },
    spec: {
      configuration: {
        developerConfiguration: {
          useEmulation: accelerator !== 'kvm',
          ...(kubevirt.featureGates ? { featureGates: kubevirt.featureGates } : {}),
          ...(kubevirt.disabledFeatureGates ? { disabledFeatureGates: kubevirt.disabledFeatureGates } : {}),
        },
      },
      infra: { replicas: 1 },
    },
    status: { phase: 'Deployed', observedKubeVirtVersion: version, targetKubeVirtVersion: version, operatorVersion: version, defaultArchitecture: 'amd64' },
  });
  create('cdiconfigs', 'cdi.kubevirt.io', {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'CDIConfig',
    metadata: { name: 'config' },
    spec: { featureGates: ['HonorWaitForFirstConsumer'] },
    status: { uploadProxyURL: uploads.url.replace(/^https:\/\//, ''), scratchSpaceStorageClass: STORAGE_CLASS, filesystemOverhead: { global: '0.055' } },
  });
  for (const { resource, object } of uploads.systemObjects()) {
    create(resource, '', object as KubeObject & { metadata: Record<string, unknown> });
  }
}
