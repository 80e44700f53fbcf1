/**
 * The build-file model after loading, validation and defaults: what engines, the pipeline,
 * communicators and provisioners receive. Durations are milliseconds, sizes are bytes, local paths
 * are absolute. Made by loadBuild (./load.ts).
 *
 * Templates: {{ env }} and {{ user }} are evaluated when the file is loaded; values that offer
 * fields (bootCommand, shell inline and executeCommand — see src/core/template/fields.ts) keep
 * their {{ .Field }} actions and are rendered with renderTemplate at the moment they are used, as
 * Packer does. Every other string is final.
 */
import type { DataSourceOutput } from './data-source-output.js';
import type { BuildKubevirtSettings, KubevirtSettings } from './kubevirt-settings.js';
import type { BuildProblem } from './problems.js';
import type { VerifySettings } from './verify-settings.js';

export type DiskBus = 'virtio' | 'sata' | 'scsi';
/** The chipset: q35 is KubeVirt's (and our) default; pc (i440fx) runs on the local engine only. */
export type MachineType = 'q35' | 'pc';
export type NicModel = 'virtio' | 'e1000' | 'e1000e' | 'rtl8139';
export type OutputFormat = 'qcow2' | 'raw';
export type Qcow2Compression = 'zlib' | 'zstd';
/** Packer's -on-error: clean up, leave everything for debugging, or ask a person (a terminal) each time. */
export type OnError = 'cleanup' | 'abort' | 'ask';

/** What a person chose after a failed step (onError ask). */
export type FailureChoice = 'cleanup' | 'abort' | 'retry';

/** Where a key in the build file came from, for messages that point at it. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface Checksum {
  algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512';
  hex: string;
}

/**
 * `checksum: file:…` (Packer's form): the digest is an entry of a checksum file, optionally
 * signed, read before the build starts (src/core/sources/resolve-checksums.ts), which then puts
 * the Checksum it names in its place. Engines only ever see a Checksum (knownChecksum).
 */
export interface ChecksumFile {
  /** An http(s):// or file:// URL, or an absolute path. */
  file: string;
  /** A detached OpenPGP signature of the checksum file: URL or absolute path. */
  signature?: string;
  /** The OpenPGP keyring (absolute path) the signature must come from. */
  keyring?: string;
}

export type SourceChecksum = Checksum | ChecksumFile;

export type Source =
  | { kind: 'url'; url: string; mirrors?: string[]; checksum: SourceChecksum }
  | { kind: 'containerDisk'; image: string }
  | { kind: 'iso'; url: string; mirrors?: string[]; checksum: SourceChecksum }
  | { kind: 'path'; path: string }
  | { kind: 'from'; layer: string; vm: string };

export interface Disk {
  name: string;
  sizeBytes: number;
  bus: DiskBus;
}

export interface Cdrom {
  name: string;
  /** Files and folders (absolute paths) packed into an ISO with `label`; or an existing ISO. */
  files?: string[];
  iso?: string;
  /** Set (default "packer", as Packer's cd_label) when `files` is. */
  label?: string;
  /** undefined = cdrom; disk = a read-only disk holding the ISO (how KubeVirt attaches cloudInitNoCloud). */
  type?: 'cdrom' | 'disk';
  /** undefined = sata for a cdrom, virtio for type disk (see cdromBus). */
  bus?: DiskBus;
}

/** The bus a cdrom is attached to, with the defaults KubeVirt applies. */
export function cdromBus(cdrom: Pick<Cdrom, 'type' | 'bus'>): DiskBus {
  return cdrom.bus ?? (cdrom.type === 'disk' ? 'virtio' : 'sata');
}

export interface Nic {
  model: NicModel;
  /** A subnet declared under network.vpcs[].subnets; undefined = the default network. */
  subnet?: string;
}

export interface EfiFirmware {
  secureBoot: boolean;
}

export interface Communicator {
  /** Default: ssh when the VM has provisioners or a shutdownCommand, else none. */
  type: 'ssh' | 'none';
  sshHost?: string;
  sshPort: number; // default 22
  sshUsername?: string;
  sshPassword?: string; // secret
  sshPrivateKeyFile?: string;
  sshAgentAuth: boolean;
  /** ms; Packer: 5m when neither sshTimeout nor sshHandshakeAttempts is set, else 0 = unlimited. */
  sshTimeout: number;
  /** Packer: 10 when neither is set, else 0 = unlimited. */
  sshHandshakeAttempts: number;
  sshPty: boolean;
  /** ms; default 5s; negative disables keepalives. */
  sshKeepAliveInterval: number;
  sshBastionHost?: string;
  sshBastionPort: number;
  sshBastionUsername?: string;
  sshBastionPassword?: string; // secret
  sshBastionPrivateKeyFile?: string;
  /** ms; default 0. */
  pauseBeforeConnecting: number;
}

/** Fields every provisioner has (Packer core). */
export interface ProvisionerCommon {
  /** ms */
  pauseBefore: number;
  /** ms; 0 = none */
  timeout: number;
  maxRetries: number;
  name?: string;
}

export interface ShellProvisioner extends ProvisionerCommon {
  type: 'shell';
  inline?: string[];
  script?: string;
  scripts?: string[];
  environmentVars: string[];
  env: Record<string, string>;
  /** default: chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }} (or the env-var-file form) */
  executeCommand: string;
  inlineShebang: string; // default /bin/sh -e
  remoteFolder: string; // default /tmp
  remoteFile?: string; // default script_<rand>.sh
  remotePath?: string; // default remoteFolder/remoteFile
  validExitCodes: number[]; // default [0]
  expectDisconnect: boolean;
  startRetryTimeout: number; // ms, default 5m
  skipClean: boolean;
  binary: boolean;
  useEnvVarFile: boolean;
}

export interface FileProvisioner extends ProvisionerCommon {
  type: 'file';
  /** upload: absolute local paths (a trailing / kept: copy the folder's contents); download: guest paths. */
  sources: string[];
  content?: string;
  /** upload: a guest path; download: an absolute local path. A trailing / means a folder. */
  destination: string;
  direction: 'upload' | 'download';
  generated: boolean;
}

export interface WindowsUpdateProvisioner extends ProvisionerCommon {
  type: 'windows-update';
  searchCriteria: string;
  filters: string[]; // ['include:$true']
  updateLimit: number; // 1000
  updateMaxRetries: number; // 5
  restartTimeout: number; // ms, 4h
  maxReboots: number; // 10; 0 = no limit
}

export interface WindowsRestartProvisioner extends ProvisionerCommon {
  type: 'windows-restart';
  restartCommand: string;
  restartCheckCommand: string;
  restartTimeout: number; // ms, 5m
  checkRegistry: boolean;
}

export type Provisioner = ShellProvisioner | FileProvisioner | WindowsUpdateProvisioner | WindowsRestartProvisioner;

export interface Output {
  format: OutputFormat;
  compress: boolean;
  compressionType: Qcow2Compression; // zstd
  /** kubevirt: also keep it in the cluster as a golden image behind a CDI DataSource (data-source-output.ts). */
  dataSource?: DataSourceOutput;
  /** Read the guest's package database into an SPDX document beside the image (default true). */
  sbom: boolean;
}

export interface Vm {
  name: string;
  source: Source;
  cpu: number; // 1
  /** undefined = the engine's default (host under KVM, max under emulation). */
  cpuModel?: string;
  memoryBytes: number; // 512Mi
  /** undefined = q35. */
  machineType?: MachineType;
  efiFirmware?: EfiFirmware; // undefined = BIOS
  disks: Disk[]; // the first is the root disk (made from the source)
  cdroms: Cdrom[];
  nics: Nic[]; // at least one
  httpDirectory?: string; // resolved against the build file's folder
  httpContent?: Record<string, string>; // keys start with '/'
  bootWait: number; // ms, default 10s; negative = no wait (also when bootWaitText is set)
  /** bootWait given as `<wait 'TEXT'>` / `<waitSerial 'TEXT'>`: typing starts when the text shows. */
  bootWaitText?: { source: 'screen' | 'serial'; pattern: string };
  /** ms each text wait may take; undefined = 5m. */
  bootTextTimeout?: number;
  bootKeyInterval?: number; // ms; undefined = PACKER_KEY_INTERVAL or 100ms
  /** Elements kept separate for screenshots; concatenated before parsing, as Packer does. */
  bootCommand: string[];
  communicator: Communicator;
  provisioners: Provisioner[];
  shutdownCommand?: string;
  shutdownTimeout: number; // ms, 5m
  output: Output;
  /** The output image's file name (Packer's vm_name); undefined = `<layer>-<name>.qcow2`. */
  vmName?: string;
  /** Extra QEMU arguments, local engine only: each a switch and value parts joined without a separator. */
  qemuArgs?: string[][];
  dependsOn: string[];
  /** Checks the finished image must pass before it is published (verify-settings.ts). */
  verify?: VerifySettings;
  /** The VM's own kubevirt block (overrides the build's key by key; see kubevirt-settings.ts). */
  kubevirt?: KubevirtSettings;
  /** Where each field was written, keyed by field path below this VM ("bootCommand.0"). */
  positions?: Record<string, SourcePosition>;
}

export interface Layer {
  name: string;
  vms: Vm[];
  /** ms; a cached output older than this is rebuilt (refresh of layers that pull updates). */
  maxAge?: number;
}

export interface Subnet {
  name: string;
  cidr: string;
}

export interface Vpc {
  name: string;
  internet: boolean;
  subnets: Subnet[];
}

export interface Network {
  /** Empty when the file declares no network: every NIC is then on the default network, with internet. */
  vpcs: Vpc[];
}

export interface Build {
  /** Absolute path of the build file; relative paths in it resolve against its folder. */
  file: string;
  dir: string;
  name: string;
  variables: Record<string, string>;
  network: Network;
  layers: Layer[];
  /** The build's kubevirt block: cluster settings of every VM on the kubevirt engine. */
  kubevirt?: BuildKubevirtSettings;
  /** Values to mask in every log line (passwords, keys), gathered while loading. */
  secrets: string[];
  /** Variables whose values are secrets (sensitiveVariables and the actions' sensitive-variables input); never written anywhere by name and value. */
  sensitiveVariables?: string[];
  /** Things that are valid but will likely not work as meant (a bus the guest cannot see). */
  warnings?: BuildProblem[];
}
