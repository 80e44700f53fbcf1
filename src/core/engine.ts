/**
 * The seam between the build pipeline (src/core/pipeline) and the machines that run VMs
 * (src/engines/local with QEMU, src/engines/kubevirt on a cluster). The pipeline only speaks this
 * interface, which is why one build file runs unchanged on either engine.
 */
import type { Duplex } from 'node:stream';
import type { SshAddress } from './communicator/ssh-connect.js';
import type { Logger } from './log.js';
import type { Build, Layer, OutputFormat, Qcow2Compression, Vm } from './config/model.js';
import type { PeerAddress } from './peers.js';
import type { VmOutput } from './pipeline/manifest.js';

/** Where the guest finds the build's HTTP server; fills {{ .HTTPIP }} / {{ .HTTPPort }}. */
export interface HttpEndpoint {
  ip: string;
  port: number;
}

export interface StartVmRequest {
  build: Build;
  vm: Vm;
  /** A folder that lives as long as the build, for overlays, logs, firmware vars. */
  workDir: string;
  /** Screenshots and the serial log go here; kept after the build (it is for people debugging). */
  logDir: string;
  /** For `source: {from: layer/vm}`: the earlier layer's output disk, used as a backing file. */
  parentDisk?: string;
  /** The host-side HTTP server the guest must reach, when the VM has httpDirectory/httpContent. */
  http?: { port: number };
  logger: Logger;
  signal: AbortSignal;
}

export interface ExportDiskRequest {
  destination: string;
  format: OutputFormat;
  compress: boolean;
  /** Default: the engine's (zstd). */
  compressionType?: Qcow2Compression;
  logger: Logger;
  signal: AbortSignal;
}

/** A running build VM. Every method is safe to call after the VM has stopped. */
export interface VmHandle {
  readonly name: string;
  /** Whether the VM still runs, as far as this process knows (the local engine asks the OS each time). */
  isRunning(): boolean;
  /** The address of the build's HTTP server as the guest sees it. */
  httpEndpoint(): HttpEndpoint | undefined;
  /** A raw RFB byte stream to the VM's display (a socket, or a websocket adapted to a Duplex). */
  openVnc(signal: AbortSignal): Promise<Duplex>;
  /** Where to dial SSH from this host (a forwarded port, or a port-forward tunnel). */
  sshAddress(signal: AbortSignal): Promise<SshAddress>;
  /** Presses the ACPI power button. */
  powerOff(): Promise<void>;
  /** Resolves true when the VM stopped by itself within `timeoutMs`, false otherwise. */
  waitForShutdown(timeoutMs: number, signal: AbortSignal): Promise<boolean>;
  /** Stops the VM at once (kill); idempotent. */
  stop(): Promise<void>;
  /** The last lines of the serial console, for failure reports. */
  serialTail(lines: number): Promise<string[]>;
  /**
   * What the serial console printed since the VM booted, from byte `from` on (raw bytes, escape
   * sequences included), for `<waitSerial 'TEXT'>`, which reads it again as it grows. Engines that
   * cannot read the console leave it out, and such waits then fail naming the engine.
   */
  readSerial?(from: number, signal: AbortSignal): Promise<Buffer>;
  /** Writes the (stopped) VM's root disk to `destination` in the asked format. */
  exportDisk(req: ExportDiskRequest): Promise<void>;
}

/** About one layer's outputs, by the layer's content key (pipeline/layer-key.ts). */
export interface KeptLayerRequest {
  build: Build;
  layer: Layer;
  key: string;
  logger: Logger;
  signal: AbortSignal;
}

export interface PublishLayerRequest {
  build: Build;
  layer: Layer;
  /** The layer's outputs, `reused` (and `keptAs`) set for a layer that was not built. */
  outputs: readonly VmOutput[];
  logger: Logger;
  signal: AbortSignal;
}

/** One VM's output an engine kept from an earlier build of the same layer. */
export interface KeptVmOutput {
  vm: string;
  /** Where it is kept, for people ("VolumeSnapshot builds/web-base-web-k3x9a-output"). */
  where: string;
  sha256: string;
  bytes: number;
  format: OutputFormat;
  compressed: boolean;
  /** When it was built (ISO 8601), for a layer's maxAge; unknown counts as too old. */
  createdAt?: string;
  /** Writes it to this machine in its format, for when no local copy exists. */
  download(destination: string, logger: Logger, signal: AbortSignal): Promise<void>;
  /** The SBOM kept with it (an SPDX JSON document), when the engine kept one; rejects saying why it cannot be read. */
  readSbom?(signal: AbortSignal): Promise<string>;
}

export type EngineName = 'local' | 'kubevirt';

/**
 * A running VM handed from one process to another: each stage action of a GitHub job is its own
 * process, while the VM must keep running from build-vm to snapshot. Plain JSON, written to the
 * job's handoff file, so it never holds a secret; `state` belongs to the engine that wrote it.
 */
export interface DetachedVm {
  engine: EngineName;
  /** The VM's name in the build file. */
  vm: string;
  /** Where a person reaches SSH ("127.0.0.1:2222", "vmi/web.builds:22"), for logs and outputs. */
  sshEndpoint?: { host: string; port: number; display: string };
  state: Record<string, unknown>;
}

/** What attach needs besides the record: the build the VM belongs to and this process's folders. */
export interface AttachVmRequest {
  build: Build;
  vm: Vm;
  workDir: string;
  logDir: string;
  logger: Logger;
  signal: AbortSignal;
}

/** For engines that hold a VM's source themselves ahead of startVm (the import-source stage). */
export interface EngineSourceRequest {
  build: Build;
  vm: Vm;
  /** For `from:`: the parent's output on this machine. */
  parentDisk?: string;
  logger: Logger;
  signal: AbortSignal;
}

export interface EngineSource {
  /** How people find it ("builds/web-root-x1y2z": a DataVolume and its claim). */
  reference: string;
  /** Filled by the engine's own importer from the URL or registry, or uploaded from this machine. */
  how: 'import' | 'upload';
}

/** What a source reference that can move (a containerDisk tag) named when the build read it. */
export interface SourceDigest {
  /** As written in the build file. */
  reference: string;
  /** The content it resolved to (the manifest digest, for a containerDisk): the layer-key input. */
  digest: string;
  /** The index the reference named, for a multi-platform image. */
  indexDigest?: string;
  /** The platform picked from that index. */
  platform?: string;
}

export interface Engine {
  readonly name: EngineName;
  /** The engine serves httpDirectory/httpContent to the guest itself (KubeVirt: a pod beside the VM), so the pipeline starts no HTTP server. */
  readonly servesHttpItself?: boolean;
  startVm(req: StartVmRequest): Promise<VmHandle>;
  /**
   * Lets a running VM outlive this process: from now on close() leaves it running, and the record
   * attaches it again in another process. The local engine can detach only VMs it started with
   * `detachable` (owned by a keeper process); the kubevirt engine any (the cluster keeps them).
   */
  detach(handle: VmHandle): Promise<DetachedVm>;
  /** A handle on a VM another process started and detached; nothing is created. */
  attach(record: DetachedVm, req: AttachVmRequest): Promise<VmHandle>;
  /**
   * Puts a VM's source where the engine's VMs start from, before the VM starts (KubeVirt: a
   * DataVolume of the run, which startVm then adopts). Engines that read sources from this
   * machine have none: the pipeline fetches those itself.
   */
  importSource?(req: EngineSourceRequest): Promise<EngineSource>;
  /**
   * The digest a VM's source names now, for sources whose reference alone does not pin their
   * bytes (a containerDisk tag); undefined for others. It goes into the layer key, so a moved tag
   * rebuilds the layer, and startVm uses the same resolution.
   */
  sourceDigest?(vm: Vm, logger: Logger, signal: AbortSignal): Promise<SourceDigest | undefined>;
  /** The peers `vm` can reach on the layer's subnets, known before any VM starts. */
  peerAddresses?(build: Build, layer: Layer, vm: Vm): PeerAddress[];
  /**
   * Layer outputs the engine keeps between builds itself (KubeVirt: in the cluster): one per VM of
   * the layer for this key, or undefined. The runner then reuses the layer without booting its
   * VMs, and later layers' `from:` disks start from these outputs where they are kept.
   */
  findKeptLayer?(req: KeptLayerRequest): Promise<KeptVmOutput[] | undefined>;
  /**
   * The layer was just built with this key (every VM succeeded): keep its outputs for later
   * builds. Resolves with where each VM's output is kept, by VM name.
   */
  keepLayer?(req: KeptLayerRequest & { outputs: readonly VmOutput[] }): Promise<Map<string, string>>;
  /**
   * The layer's outputs are final (built or reused): keep those the build file asks the engine to
   * keep as its own images (KubeVirt: output.dataSource, a golden image behind a CDI DataSource).
   * Resolves with where each is published, by VM name; a failure fails the build.
   */
  publishLayer?(req: PublishLayerRequest): Promise<Map<string, string>>;
  /** Releases what the engine itself holds (probes, caches); VMs are stopped through their handles. */
  close(): Promise<void>;
}
