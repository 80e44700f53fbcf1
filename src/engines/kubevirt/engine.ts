/**
 * The kubevirt engine: build VMs as KubeVirt VirtualMachines on a Kubernetes cluster, driven
 * through the API server only (docs/kubevirt.md).
 *
 * The first startVm opens the run: it loads the kubeconfig, checks the cluster can run this build
 * (capabilities.ts: APIs, permissions, KVM or emulation — failing early with the fixes), renders
 * every object of the build (manifests/) and creates the run's root object and network. Each
 * startVm then creates its VM's Secrets, disks and file server, uploads local disks, waits for
 * the imports (with progress), creates the VirtualMachine and waits for it to run. close()
 * removes everything the run created; the pipeline calls it on success, failure and
 * cancellation alike.
 *
 * With keepLayers (the CLI), a layer's outputs stay in the namespace once the layer succeeded,
 * labelled with its content key; findKeptLayer finds them in a later build (only connecting,
 * nothing is created for a lookup), and that build's next layer clones them instead of booting the
 * reused layer's VMs (cluster/kept-layers.ts).
 *
 * The pipeline's own HTTP server is not used: the guest cannot reach this machine, so the files
 * are served by a pod next to the VM ({{ .HTTPIP }} is the pod's IP).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { effectiveSettings, type KubevirtSettings } from '../../core/config/kubevirt-settings.js';
import type { Build, Layer, Vm } from '../../core/config/model.js';
import type { AttachVmRequest, DetachedVm, Engine, HttpEndpoint, KeptLayerRequest, KeptVmOutput, PublishLayerRequest, SourceDigest, StartVmRequest, VmHandle } from '../../core/engine.js';
import type { VmOutput } from '../../core/pipeline/manifest.js';
import type { Logger } from '../../core/log.js';
import { containerDiskDigest, type ContainerDiskSource } from '../../core/oci/pull/container-disk-source.js';
import { assertBuildable, buildFeatures, discoverCapabilities, type CaptureRequest } from './capabilities.js';
import { allOrNothing } from './cluster/abort-together.js';
import { attachVm, type AttachedKubevirtVm } from './cluster/attach-vm.js';
import { ClusterRun } from './cluster/cluster-run.js';
import { dataVolumeRef, waitForDataVolumes } from './cluster/data-volume-wait.js';
import { goldenUpToDate, publishGolden } from './cluster/golden-images.js';
import { cloneSourceOf, DEFAULT_KEPT_PER_VM, findKeptLayer, keptKindOf, pruneKept, touchKept, type KeptOutput } from './cluster/kept-layers.js';
import { KubeApi } from './cluster/kube-api.js';
import { loadKubeTarget, type KubeTarget } from './cluster/kube-target.js';
import { localDiskUploads } from './cluster/local-disk-uploads.js';
import { ObjectClient } from './cluster/objects.js';
import { downloadOutput, exportedVolume } from './cluster/output-download.js';
import { keepSbom, readKeptSbom, type KeepSbomRequest } from './cluster/kept-sboms.js';
import { describeRef, type ObjectRef } from './cluster/resources.js';
import { RetryingDiscoveryClient } from './cluster/retrying-discovery-client.js';
import { judgePodServing, type PodObject } from './cluster/pod-wait.js';
import { DEFAULT_TIMEOUTS, type KubevirtTimeouts, type RunSession } from './cluster/session.js';
import { importSourceVolume, type ImportedSourceVolume, type SourceImportRequest } from './cluster/source-import.js';
import { uploadDisk } from './cluster/upload.js';
import { KubevirtVmHandle } from './cluster/vm-handle.js';
import { waitForVmiRunning } from './cluster/vmi-wait.js';
import { waitFor } from './cluster/wait.js';
import { KubeDiscoveryClient } from './kube-discovery-client.js';
import { peerAddresses, type PeerAddress } from '../../core/peers.js';
import { collectLocalInputs, LABEL_COMPONENT, newRunId, renderBuild, renderOptions, type CapturePlan, type ExportApiVersion, type RenderedBuild, type RenderedObject, type RenderOptions } from './manifests/index.js';
import type { GoldenPublishInputs, GoldenSource, RenderedPublish } from './manifests/golden-image.js';
import type { KeepInputs, RenderedKeep } from './manifests/kept-layer-labels.js';
import { randomExportToken } from './manifests/render-options.js';
import { UserError } from '../../core/errors.js';

export interface KubevirtEngineOptions {
  /** --kubeconfig; default KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig?: string;
  /** --namespace; default the context's namespace, else "default". */
  namespace?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Engine-level lines (run opened, cleanup); default the first VM's logger. */
  logger?: Logger;
  /**
   * Cluster settings from the command line or action inputs (storage class, node placement,
   * instance type, helper images …), over the build file's kubevirt blocks key by key.
   */
  kubevirt?: KubevirtSettings;
  /** The Kube-OVN external subnet egress gateways leave through; default Kube-OVN's ovn-vpc-external-network. */
  egressExternalSubnet?: string;
  /** The volume an installer ISO is imported into (CDI needs a size before it downloads); default 10Gi. */
  isoVolumeBytes?: number;
  /** How outputs are kept; default: a CSI snapshot when a class matches, else a CDI clone. */
  capture?: CaptureRequest;
  timeouts?: Partial<KubevirtTimeouts>;
  /** Default: a fresh random id per build. */
  runId?: string;
  /**
   * Keep each built layer's outputs in the namespace, labelled with the layer's content key, and
   * reuse them in later builds of the unchanged layer (cluster/kept-layers.ts). Off, outputs go
   * with their run. The CLI turns it on (a build without a layer cache has no keys and keeps none).
   */
  keepLayers?: boolean;
  /** With keepLayers: how many kept outputs per build/layer/VM survive a successful layer (newest used first); default 2. */
  keptPerVm?: number;
  /**
   * Resolves containerDisk tags from this machine for the layer key (CDI imports them inside the
   * cluster), so a tag that moved upstream rebuilds its layer instead of reusing a kept one.
   */
  containerDisks?: ContainerDiskSource;
}

/** What a build needs from the cluster before anything is created in it. */
interface Connection {
  objects: ObjectClient;
  namespace: string;
  capture: CapturePlan;
  rendered: RenderedBuild;
  tokens: Map<string, string>;
  clusterCa?: string;
  build: Build;
}

interface Session extends RunSession {
  rendered: RenderedBuild;
  build: Build;
}

export class KubevirtEngine implements Engine {
  readonly name = 'kubevirt' as const;
  readonly servesHttpItself = true;
  private connecting: Promise<Connection> | undefined;
  private opening: Promise<Session> | undefined;
  /** Outputs of earlier builds this build reuses, by "layer/vm": later layers clone them. */
  private readonly kept = new Map<string, KeptOutput>();
  private run: ClusterRun | undefined;
  private logger: Logger | undefined;
  private readonly timeouts: KubevirtTimeouts;
  private readonly handles = new Set<KubevirtVmHandle>();
  private closed = false;
  /** A VM of the run was handed to another process: the run outlives this one (close() keeps it). */
  private detachedAny = false;

  constructor(private readonly options: KubevirtEngineOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.logger = options.logger;
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  async startVm(req: StartVmRequest): Promise<VmHandle> {
    if (this.closed) throw new Error('internal: the kubevirt engine was closed');
    this.logger ??= req.logger;
    this.opening ??= this.open(req);
    const session = await this.opening;
    if (session.build !== req.build) throw new Error('internal: one kubevirt engine runs one build');
    const handle = await this.startOne(session, req);
    this.handles.add(handle);
    return handle;
  }

  /**
   * The stage actions' seam (one process per stage, the run kept by its id, options.runId):
   * creates the DataVolume holding the VM's source in the run (creating or adopting its root) and
   * fills it. Nothing is removed when the process ends without close().
   */
  async importSource(req: Omit<SourceImportRequest, 'layer'>): Promise<ImportedSourceVolume> {
    if (this.closed) throw new Error('internal: the kubevirt engine was closed');
    this.logger ??= req.logger;
    this.opening ??= this.open(req);
    return importSourceVolume(await this.opening, { ...req, layer: layerOf(req.build, req.vm) });
  }

  /**
   * The stage actions' seam: a handle on a VM of run options.runId that another process started
   * (provision, snapshot). The run is adopted, nothing is created; close() does not stop the VM.
   */
  async attachVm(req: StartVmRequest): Promise<AttachedKubevirtVm> {
    if (this.closed) throw new Error('internal: the kubevirt engine was closed');
    this.logger ??= req.logger;
    this.opening ??= this.open(req, 'adopt');
    return attachVm(await this.opening, { ...req, layer: layerOf(req.build, req.vm) });
  }

  /**
   * Hands a VM of this run to another process: the cluster keeps the VirtualMachine running, and
   * from now on close() leaves the whole run in place (the stage that finishes the VM, or a post
   * step, removes it by its label).
   */
  async detach(handle: VmHandle): Promise<DetachedVm> {
    if (!(handle instanceof KubevirtVmHandle) || !this.handles.has(handle)) throw new Error(`internal: vm ${handle.name} was not started by this kubevirt engine`);
    const session = await this.opening!;
    this.handles.delete(handle);
    this.detachedAny = true;
    const host = `vmi/${handle.virtualMachine}.${session.namespace}`;
    const port = handle.sshPort;
    return {
      engine: 'kubevirt',
      vm: handle.name,
      sshEndpoint: { host, port, display: `${host}:${port}` },
      state: { runId: session.run.runId, namespace: session.namespace, virtualMachine: handle.virtualMachine },
    };
  }

  /** A handle on a VM of this engine's run (options.runId) that another process detached; the run is adopted. */
  async attach(record: DetachedVm, req: AttachVmRequest): Promise<VmHandle> {
    if (record.engine !== 'kubevirt') throw new Error(`internal: a ${record.engine} VM record was given to the kubevirt engine`);
    const runId = record.state.runId;
    if (typeof runId !== 'string' || runId !== this.options.runId) {
      throw new Error(`internal: vm ${record.vm} belongs to run ${String(runId)}, but this kubevirt engine joins run ${String(this.options.runId)}`);
    }
    const attached = await this.attachVm(req);
    // Ours until detached again: close() stops it unless a later stage is to have it.
    this.handles.add(attached.handle);
    return attached.handle;
  }

  /** Loads the kubeconfig, checks the cluster can run the build and renders it; creates nothing. */
  private async connect(req: Pick<StartVmRequest, 'build' | 'logger' | 'signal'>): Promise<Connection> {
    const { build, signal } = req;
    const logger = this.logger ?? req.logger;
    const target = loadKubeTarget({ env: this.env, ...pick(this.options, 'kubeconfig', 'namespace', 'context') });
    const api = new KubeApi(target.kc);
    const objects = new ObjectClient(api, logger);
    logger.info(`kubevirt: cluster ${api.address} (${target.source}), namespace ${target.namespace}`);

    const discovery = new RetryingDiscoveryClient(new KubeDiscoveryClient(target.kc), signal, (err) => logger.debug(`kubevirt: discovery: ${err instanceof Error ? err.message : String(err)}; asking again`));
    const capabilities = await discoverCapabilities(discovery, {
      namespace: target.namespace,
      features: buildFeatures(build),
      ...(this.options.capture ? { capture: this.options.capture } : {}),
      storageClasses: storageClassesOf(build, this.options.kubevirt),
    });
    for (const warning of capabilities.warnings) logger.warn(`kubevirt: ${warning}`);
    assertBuildable(capabilities);
    logger.info(
      `kubevirt: VMs run with ${capabilities.accelerator === 'emulation' ? 'emulation (TCG, slow)' : capabilities.accelerator}; ` +
        `outputs kept as ${capabilities.capture.mode === 'volume-snapshot' ? `CSI snapshots (${capabilities.capture.snapshotClass})` : capabilities.capture.mode}; ` +
        `export.kubevirt.io/${capabilities.exportApiVersion}`,
    );

    const tokens = new Map<string, string>();
    // Rendered once here (a bad build file fails before anything is created), and again by the
    // run as owners appear (rendered.rerender): renderOptions keeps each VM's export token.
    const rendered = renderBuild(
      build,
      collectLocalInputs(build),
      engineRenderOptions({ ...this.options, runId: this.options.runId ?? newRunId() }, { namespace: target.namespace, capture: capabilities.capture, exportApiVersion: capabilities.exportApiVersion }, (key) => {
        const token = randomExportToken();
        tokens.set(key, token);
        return token;
      }),
    );
    const clusterCa = readClusterCa(target);
    return { objects, namespace: target.namespace, capture: capabilities.capture, rendered, tokens, ...(clusterCa ? { clusterCa } : {}), build };
  }

  /**
   * Connects (once), then creates the run's root and network (or adopts them when they exist),
   * or — `adopt` — only joins a run that must exist.
   */
  private async open(req: Pick<StartVmRequest, 'build' | 'logger' | 'signal'>, mode: 'create' | 'adopt' = 'create'): Promise<Session> {
    const { signal } = req;
    const logger = this.logger ?? req.logger;
    const c = await (this.connecting ??= this.connect(req));
    const run = new ClusterRun(c.objects, c.rendered, logger);
    this.run = run;
    if (mode === 'adopt') await run.adopt(signal);
    else await run.begin(signal);
    return {
      objects: c.objects,
      run,
      namespace: c.namespace,
      timeouts: this.timeouts,
      env: this.env,
      ...(c.clusterCa ? { clusterCa: c.clusterCa } : {}),
      exportToken: (key) => {
        const token = c.tokens.get(key);
        if (!token) throw new Error(`internal: no export token rendered for ${key}`);
        return token;
      },
      outputs: new Set(),
      rendered: c.rendered,
      build: c.build,
    };
  }

  /**
   * The layer's outputs kept in the cluster by an earlier build with the same key (one per VM),
   * or undefined. Found ones are marked used now and remembered: this build's later layers clone
   * them instead of uploading.
   */
  /**
   * The digest a containerDisk tag names now, resolved from this machine. A registry only the
   * cluster can reach (an in-cluster mirror) is not an error: the build goes on by tag, and says
   * that a moved tag will not be noticed.
   */
  async sourceDigest(vm: Vm, logger: Logger, signal: AbortSignal): Promise<SourceDigest | undefined> {
    if (vm.source.kind !== 'containerDisk' || !this.options.containerDisks) return undefined;
    try {
      return await containerDiskDigest(this.options.containerDisks, vm, logger, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      logger.warn(`${vm.name}: cannot resolve ${vm.source.image} from this machine (${err instanceof Error ? err.message : String(err)}); CDI imports it by tag, and the layer key cannot notice when the tag moves`);
      return undefined;
    }
  }

  async findKeptLayer(req: KeptLayerRequest): Promise<KeptVmOutput[] | undefined> {
    if (this.closed) throw new Error('internal: the kubevirt engine was closed');
    if (!this.options.keepLayers) return undefined;
    this.logger ??= req.logger;
    const c = await (this.connecting ??= this.connect(req));
    if (c.build !== req.build) throw new Error('internal: one kubevirt engine runs one build');
    const kind = keptKindOf(c.capture);
    if (!kind) return undefined;
    const found = await findKeptLayer({ objects: c.objects, namespace: c.namespace, kind, build: req.build.name, layer: req.layer, key: req.key, signal: req.signal });
    if (!found) return undefined;
    await touchKept(c.objects, found, new Date(), req.signal);
    for (const f of found) this.kept.set(`${req.layer.name}/${f.vm}`, f);
    return found.map((f) => ({
      vm: f.vm,
      where: describeRef(f.ref),
      sha256: f.sha256,
      bytes: f.bytes,
      format: f.format,
      compressed: f.compressed,
      ...(f.createdAt ? { createdAt: f.createdAt } : {}),
      download: (destination, logger, signal) => this.downloadKept(req.build, req.layer, f, destination, logger, signal),
      ...(f.sbom ? { readSbom: (signal: AbortSignal) => readKeptSbom(c.objects, c.namespace, f.sbom!, f.sha256, signal) } : {}),
    }));
  }

  /**
   * A kept output onto this machine: restored into the volume this run's export of that VM reads
   * (a clone of the kept DataVolume, or a restore of the kept VolumeSnapshot), exported,
   * downloaded, and the restored volume removed again.
   */
  private async downloadKept(build: Build, layer: Layer, kept: KeptOutput, destination: string, logger: Logger, signal: AbortSignal): Promise<void> {
    const session = await (this.opening ??= this.open({ build, logger, signal }));
    const key = `${layer.name}/${kept.vm}`;
    const rendered = session.rendered.vms.find((v) => v.layer === layer.name && v.vm === kept.vm);
    if (!rendered) throw new Error(`internal: ${key} was not rendered`);
    const volume = exportedVolume(rendered);
    const restore = session.rendered.objects.find((o) => o.vm === key && o.object.kind === 'DataVolume' && o.object.metadata.name === volume);
    if (!restore) throw new Error(`internal: no DataVolume ${volume} rendered for ${key}`);
    logger.info(`vm ${key}: restoring its kept output ${describeRef(kept.ref)} into DataVolume ${volume} to export it`);
    await session.run.create(restore, signal, { volumeSources: new Map([[volume, cloneSourceOf(kept)]]) });
    try {
      await waitForDataVolumes({ objects: session.objects, namespace: session.namespace, dataVolumes: [{ name: volume, label: `the restored output of ${key}` }], logger, signal, timeoutMs: this.timeouts.import });
      const rawFile = path.join(path.dirname(destination), `.${path.basename(destination)}.export.raw`);
      await downloadOutput({ session, rendered, rawFile, destination, format: kept.format, compress: kept.compressed, logger, signal });
    } finally {
      await session.run.remove(dataVolumeRef(session.namespace, volume), AbortSignal.timeout(60_000)).catch((err: unknown) => {
        logger.debug(`removing DataVolume ${volume} later: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  }

  /**
   * Keeps the outputs of a layer this build just made (the layer succeeded), labelled with the
   * layer's key, out of the run's cleanup; then removes the older kept outputs of the same VMs
   * beyond the newest `keptPerVm`.
   */
  async keepLayer(req: KeptLayerRequest & { outputs: readonly VmOutput[] }): Promise<Map<string, string>> {
    const where = new Map<string, string>();
    if (!this.options.keepLayers || !this.opening) return where;
    const session = await this.opening;
    const c = await this.connecting!;
    const logger = this.logger ?? req.logger;
    const kind = keptKindOf(c.capture);
    if (!kind) {
      logger.info(`layer ${req.layer.name}: outputs captured as VirtualMachineSnapshots are not kept for later builds (a later layer clones the VM's root disk, which goes with the run)`);
      return where;
    }
    const now = new Date();
    for (const o of req.outputs) {
      const rendered = session.rendered.vms.find((v) => v.layer === req.layer.name && v.vm === o.vm);
      if (!rendered) throw new Error(`internal: ${req.layer.name}/${o.vm} was not rendered`);
      const ref = { apiVersion: kind.apiVersion, kind: kind.kind, namespace: session.namespace, name: rendered.output.name };
      const vmKey = `${req.layer.name}/${o.vm}`;
      const facts = { key: req.key, runId: session.run.runId, sha256: o.sha256, bytes: o.bytes, format: o.format, compressed: o.compressed, now };
      const sbom = await this.keepSbomOf(session.objects, ref, req.build, req.layer, o, logger, req.signal, ({ document, owner }) => {
        const cm = keepStep(session.rendered, vmKey, { facts, sbom: { document, ownerUid: owner.uid } }).sbom;
        if (!cm) throw new Error(`internal: no SBOM ConfigMap rendered for ${vmKey}`);
        return cm;
      });
      const { patch } = keepStep(session.rendered, vmKey, { facts: { ...facts, ...(sbom ? { sbom } : {}) } });
      await session.objects.mergePatch(patch.target, patch.patch, req.signal);
      session.run.release(ref);
      where.set(o.vm, describeRef(ref));
    }
    logger.info(`layer ${req.layer.name}: outputs kept in the cluster for later builds (key ${req.key.slice(0, 12)}): ${[...where.values()].join(', ')}`);
    const keep = this.options.keptPerVm ?? DEFAULT_KEPT_PER_VM;
    const pruned = await pruneKept({
      objects: session.objects,
      namespace: session.namespace,
      kinds: [kind],
      scope: { build: req.build.name, layer: req.layer.name },
      keep,
      signal: req.signal,
      timeoutMs: this.timeouts.cleanup,
    });
    if (pruned.removed.length > 0) logger.info(`layer ${req.layer.name}: removed ${pruned.removed.length} older kept output(s) beyond the newest ${keep} per VM: ${pruned.removed.join(', ')}`);
    if (pruned.left.length > 0) logger.warn(`layer ${req.layer.name}: older kept outputs not removed:\n${pruned.left.map((l) => `  - ${l}`).join('\n')}`);
    return where;
  }

  /**
   * The output's SBOM into the cluster beside it (cluster/kept-sboms.ts), so a build that reuses
   * it elsewhere, or a person with kubectl, has the document that describes it. Resolves with the
   * ConfigMap's name; a failure costs the SBOM a warning, not the build.
   */
  private async keepSbomOf(objects: ObjectClient, ref: ObjectRef, build: Build, layer: Layer, o: VmOutput, logger: Logger, signal: AbortSignal, render?: KeepSbomRequest['render']): Promise<string | undefined> {
    if (!o.sbom) return undefined;
    try {
      const name = await keepSbom({ objects, output: ref, sbomFile: o.sbom, sha256: o.sha256, scope: { build: build.name, layer: layer.name, vm: o.vm }, ...(render ? { render } : {}), signal });
      logger.info(`vm ${layer.name}/${o.vm}: its SBOM is kept beside ${describeRef(ref)} in ConfigMap ${ref.namespace}/${name}`);
      return name;
    } catch (err) {
      if (signal.aborted) throw err;
      logger.warn(`vm ${layer.name}/${o.vm}: its SBOM is not kept in the cluster: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /**
   * Golden images (output.dataSource): each such VM's output stays in the cluster behind a CDI
   * DataSource, replacing the one it pointed at before (cluster/golden-images.ts). A fresh output
   * leaves the run; a reused layer's kept output is pointed at where it is kept; a layer reused
   * from the local layer cache has nothing in the cluster, so its DataSource must already hold it.
   */
  async publishLayer(req: PublishLayerRequest): Promise<Map<string, string>> {
    const where = new Map<string, string>();
    const logger = this.logger ?? req.logger;
    const c = await (this.connecting ??= this.connect(req));
    for (const vm of req.layer.vms) {
      const ds = vm.output.dataSource;
      const output = req.outputs.find((o) => o.vm === vm.name);
      if (!ds || !output) continue;
      const key = `${req.layer.name}/${vm.name}`;
      const scope = { build: req.build.name, layer: req.layer.name, vm: vm.name };
      const planFor = (inputs: GoldenPublishInputs): RenderedPublish => publishStep(c.rendered, key, inputs);
      const publish = (source: GoldenSource, sbom: string | undefined) =>
        publishGolden({
          objects: c.objects,
          dataSource: ds,
          source,
          scope,
          sha256: output.sha256,
          ...(sbom ? { sbom } : {}),
          plan: planFor({ source, sha256: output.sha256, ...(sbom ? { sbomConfigMap: sbom } : {}) }),
          logger,
          signal: req.signal,
          timeoutMs: this.timeouts.import,
        });
      const kept = this.kept.get(key);
      if (!output.reused) {
        const session = await this.opening!;
        const rendered = session.rendered.vms.find((v) => v.layer === req.layer.name && v.vm === vm.name);
        if (!rendered) throw new Error(`internal: ${key} was not rendered`);
        const kind = keptKindOf(c.capture);
        if (!kind) throw new UserError(`vm ${key}: output.dataSource needs its output as a DataVolume or VolumeSnapshot, but this build captures VirtualMachineSnapshots; use the clone or volume-snapshot capture`);
        const source = { kind: kind.kind, namespace: c.namespace, name: rendered.output.name };
        const sbom = await this.keepSbomOf(c.objects, { apiVersion: kind.apiVersion, ...source }, req.build, req.layer, output, logger, req.signal, ({ document, owner }) => {
          const cm = planFor({ source, sha256: output.sha256, sbom: { document, ownerUid: owner.uid } }).sbom;
          if (!cm) throw new Error(`internal: no SBOM ConfigMap rendered for ${key}`);
          return cm;
        });
        const published = await publish(source, sbom);
        session.run.release({ apiVersion: kind.apiVersion, kind: kind.kind, namespace: c.namespace, name: rendered.output.name });
        where.set(vm.name, published.where);
      } else if (kept) {
        const published = await publish({ kind: kept.ref.kind as GoldenSource['kind'], namespace: kept.ref.namespace!, name: kept.ref.name }, kept.sbom);
        where.set(vm.name, published.where);
      } else {
        const current = await goldenUpToDate(c.objects, ds, c.namespace, output.sha256, req.signal);
        if (current) {
          logger.info(`golden image: ${current} already holds this output of ${key} (sha256 ${output.sha256.slice(0, 12)})`);
          where.set(vm.name, current);
        } else {
          throw new UserError(
            `vm ${key}: layer ${req.layer.name} was reused from the local layer cache, so its output is not in the cluster for DataSource ${ds.name}; build it with --force (or keep layers in the cluster) to publish it`,
          );
        }
      }
    }
    return where;
  }

  private async startOne(session: Session, req: StartVmRequest): Promise<KubevirtVmHandle> {
    const { build, vm, logger, signal } = req;
    const layer = layerOf(build, vm);
    const key = `${layer.name}/${vm.name}`;
    const rendered = session.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
    if (!rendered) throw new Error(`internal: ${key} was not rendered`);
    const mine = session.rendered.objects.filter((o) => o.vm === key);
    const names = rendered.names;
    if (rendered.sshJump) {
      logger.info(
        `vm ${key}: its first NIC is on Kube-OVN subnet ${vm.nics[0]?.subnet}, where KubeVirt's port-forward cannot reach (kubeovn/kube-ovn#4908); SSH goes through the jump pod ${rendered.sshJump.pod} on that subnet`,
      );
    }

    // A parent reused from an earlier build is cloned where it is kept, not uploaded.
    const parent = vm.source.kind === 'from' ? `${vm.source.layer}/${vm.source.vm}` : undefined;
    const keptParent = parent && !session.outputs.has(parent) ? this.kept.get(parent) : undefined;
    if (keptParent) logger.info(`vm ${key}: its root disk clones the output of ${parent} kept by an earlier build (${describeRef(keptParent.ref)})`);
    const inCluster = keptParent ? new Set([...session.outputs, parent!]) : session.outputs;
    // Local files go up through CDI's upload proxy.
    const { uploads, rootSource } = localDiskUploads({ build, vm, key, names, outputs: inCluster, logger, ...(req.parentDisk ? { parentDisk: req.parentDisk } : {}) });
    // How the root disk is filled when only this run knows it: an input of the render, not an edit of its result.
    const source = rootSource ?? (keptParent ? cloneSourceOf(keptParent) : undefined);
    const inputs = source ? { volumeSources: new Map([[names.rootDisk, source]]) } : {};
    for (const o of mine.filter((r) => r.step === 'prepare')) await session.run.create(o, signal, inputs);
    const dataVolumes = mine.filter((o) => o.step === 'prepare' && o.object.kind === 'DataVolume').map((o) => ({ name: o.object.metadata.name, label: diskLabel(o, key) }));
    const fileServer = mine.find((o) => o.step === 'prepare' && o.object.kind === 'Pod' && o.object.metadata.labels?.[LABEL_COMPONENT] === 'http-server');

    let http: HttpEndpoint | undefined;
    await allOrNothing<unknown>(signal, [
      (s) => waitForDataVolumes({ objects: session.objects, namespace: session.namespace, dataVolumes, logger, signal: s, timeoutMs: this.timeouts.import }),
      ...uploads.map(
        (u) => (s: AbortSignal) =>
          uploadDisk({ objects: session.objects, namespace: session.namespace, ...u, logger, signal: s, readyTimeoutMs: this.timeouts.import, ...(session.clusterCa ? { clusterCa: session.clusterCa } : {}) }),
      ),
      async (s) => {
        if (!fileServer || rendered.httpPort === undefined) return;
        const ip = await waitFor<PodObject, string>(session.objects, {
          ref: { apiVersion: 'v1', kind: 'Pod', namespace: session.namespace, name: fileServer.object.metadata.name },
          what: `the HTTP file server of ${key}`,
          timeoutMs: this.timeouts.start,
          signal: s,
          judge: judgePodServing,
        });
        http = { ip, port: rendered.httpPort };
        logger.info(`http: files of ${key} served by pod ${fileServer.object.metadata.name} at ${ip}:${rendered.httpPort}`);
      },
    ]);

    for (const o of mine.filter((r) => r.step === 'start')) await session.run.create(o, signal);
    const vmi = await waitForVmiRunning({ objects: session.objects, namespace: session.namespace, name: names.vm, label: key, logger, signal, timeoutMs: this.timeouts.start });
    logger.info(`vm ${key}: running${vmi.status?.nodeName ? ` on node ${vmi.status.nodeName}` : ''} (VirtualMachine ${names.vm})`);
    return new KubevirtVmHandle({ session, vm, rendered, ...(http ? { http } : {}), workDir: req.workDir, logger });
  }

  /** The fixed Kube-OVN addresses the render gives the layer's VMs (manifests/subnet-addresses.ts). */
  peerAddresses(build: Build, layer: Layer, vm: Vm): PeerAddress[] {
    return peerAddresses(build, layer, vm.name);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    // Stopping first keeps the order the pipeline expects (a VM is off before its disks go).
    await Promise.all([...this.handles].map((h) => h.stop()));
    this.handles.clear();
    if (this.run && !this.detachedAny) await this.run.cleanup(this.timeouts.cleanup);
  }
}

/**
 * The render options of a build: the engine's options (the CLI flags and action inputs) over what
 * the cluster was found to offer. The one place they are joined — `ruddervirt render` calls it with
 * the same options a build would get, so its output is what the build creates.
 */
export function engineRenderOptions(
  options: Pick<KubevirtEngineOptions, 'kubevirt' | 'egressExternalSubnet' | 'isoVolumeBytes'> & { runId: string },
  cluster: { namespace: string; capture: CapturePlan; exportApiVersion: ExportApiVersion },
  exportToken?: (vmKey: string) => string,
): RenderOptions {
  return renderOptions({
    runId: options.runId,
    ...cluster,
    ...pick(options, 'kubevirt', 'egressExternalSubnet', 'isoVolumeBytes'),
    ...(exportToken ? { exportToken } : {}),
  });
}

/**
 * The publish step of VM `key` (output.dataSource) as the build sends it: renderBuild's, given
 * this build's inputs, where `ruddervirt render` shows placeholders for them.
 */
export function publishStep(rendered: RenderedBuild, key: string, inputs: GoldenPublishInputs): RenderedPublish {
  const plan = rendered.rerender({ published: new Map([[key, inputs]]) }).publish.find((p) => p.vm === key);
  if (!plan) throw new Error(`internal: no publish step rendered for ${key}`);
  return plan;
}

/** The keep step of VM `key` as the build sends it once its layer succeeded: renderBuild's, given the layer's facts. */
export function keepStep(rendered: RenderedBuild, key: string, inputs: KeepInputs): RenderedKeep {
  const step = rendered.rerender({ kept: new Map([[key, inputs]]) }).keep.find((k) => k.vm === key);
  if (!step) throw new Error(`internal: no keep step rendered for ${key}`);
  return step;
}

/** The StorageClass of each VM's disks (undefined: the cluster default), for the snapshot class that fits them. */
function storageClassesOf(build: Build, options: KubevirtSettings | undefined): (string | undefined)[] {
  return [...new Set(build.layers.flatMap((l) => l.vms.map((vm) => effectiveSettings(build.kubevirt, vm.kubevirt, options).settings.storageClassName)))];
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function layerOf(build: Build, vm: Vm): Layer {
  const layer = build.layers.find((l) => l.vms.includes(vm));
  if (!layer) throw new Error(`internal: vm ${vm.name} is not part of build ${build.name}`);
  return layer;
}

function diskLabel(o: RenderedObject, key: string): string {
  const component = o.object.metadata.labels?.[LABEL_COMPONENT];
  switch (component) {
    case 'root-disk':
      return `root disk of ${key}`;
    case 'install-iso':
      return `installer ISO of ${key}`;
    default:
      return `${component ?? 'disk'} ${o.object.metadata.name}`;
  }
}

function readClusterCa(target: KubeTarget): string | undefined {
  const cluster = target.kc.getCurrentCluster();
  if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  if (cluster?.caFile) {
    try {
      return readFileSync(cluster.caFile, 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}
