/**
 * Settings of the kubevirt engine that are not part of the build file: where the run goes, what
 * the cluster offers (capture method, export API version — capabilities.ts discovers them) and
 * the few cluster-specific names Kube-OVN needs.
 */
import { randomBytes } from 'node:crypto';
import { UserError } from '../../../core/errors.js';
import { checkKubevirtOptions } from '../../../core/config/kubevirt-options.js';
import type { KubevirtSettings } from '../../../core/config/kubevirt-settings.js';
import { DEFAULT_HELPER_IMAGE } from './cluster-settings.js';
import { checkRunId, isDnsLabel } from './names.js';

/**
 * How a VM's finished root disk is kept once the VM has shut down (its "output"), for `from:` in
 * later layers and for export:
 * - clone: a CDI DataVolume cloned from the root disk; works on every storage class.
 * - volume-snapshot: a CSI VolumeSnapshot of the root disk; needs a VolumeSnapshotClass whose
 *   driver provisions the disk's storage class.
 * - vm-snapshot: a KubeVirt VirtualMachineSnapshot (snapshot.kubevirt.io) of the whole VM, which
 *   also needs such a class; later layers then clone the root disk itself.
 */
export type CapturePlan = { mode: 'clone' } | { mode: 'volume-snapshot'; snapshotClass: string } | { mode: 'vm-snapshot' };

export type ExportApiVersion = 'v1' | 'v1beta1';

export interface RenderOptions {
  namespace: string;
  runId: string;
  capture: CapturePlan;
  /** export.kubevirt.io/v1 from KubeVirt v1.9; v1beta1 before (still served, deprecated). */
  exportApiVersion: ExportApiVersion;
  /**
   * Cluster settings from the command line or action inputs (--storage-class, --node-selector …):
   * over every VM's and the build's `kubevirt:` block, key by key (cluster-settings.ts).
   */
  kubevirt: KubevirtSettings;
  /** The Kube-OVN external Subnet (a macvlan attachment) egress gateways leave through. */
  egressExternalSubnet: string;
  httpPort: number;
  /** Size of the volume an installer ISO is imported into (CDI needs a size before it downloads). */
  isoVolumeBytes: number;
  /** ttlDuration of each VirtualMachineExport (a Go duration). */
  exportTtl: string;
  /** The token of each VM's export Secret, by "layer/vm"; random unless given (tests); asked once per VM (renderOptions keeps it). */
  exportToken: (vmKey: string) => string;
}

/** The port of each VM's file-server pod ({{ .HTTPPort }} on KubeVirt). */
export const DEFAULT_FILE_SERVER_PORT = 8080;

/** The image of the helper pods (file server, SSH jump pod) unless the build or the options say otherwise. */
export const DEFAULT_HTTP_SERVER_IMAGE = DEFAULT_HELPER_IMAGE;
/** Kube-OVN's conventional name for the external network of VPC gateways. */
export const DEFAULT_EGRESS_EXTERNAL_SUBNET = 'ovn-vpc-external-network';

export function randomExportToken(): string {
  return randomBytes(24).toString('base64url');
}

export function renderOptions(given: Partial<RenderOptions> & Pick<RenderOptions, 'runId'>): RenderOptions {
  const options: RenderOptions = {
    namespace: 'default',
    capture: { mode: 'clone' },
    exportApiVersion: 'v1',
    kubevirt: {},
    egressExternalSubnet: DEFAULT_EGRESS_EXTERNAL_SUBNET,
    httpPort: DEFAULT_FILE_SERVER_PORT,
    isoVolumeBytes: 10 * 1024 ** 3,
    exportTtl: '2h',
    exportToken: randomExportToken,
    ...given,
  };
  const problems: string[] = [];
  if (!isDnsLabel(options.namespace)) problems.push(`namespace '${options.namespace}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)`);
  const runIdProblem = checkRunId(options.runId);
  if (runIdProblem) problems.push(runIdProblem);
  if (options.capture.mode === 'volume-snapshot' && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(options.capture.snapshotClass)) {
    problems.push(`volume snapshot class '${options.capture.snapshotClass}' is not a Kubernetes name`);
  }
  if (!isDnsLabel(options.egressExternalSubnet)) problems.push(`egress external subnet '${options.egressExternalSubnet}' is not a Kube-OVN subnet name`);
  if (!Number.isInteger(options.httpPort) || options.httpPort < 1 || options.httpPort > 65535) problems.push(`HTTP port ${options.httpPort} is not a TCP port`);
  if (problems.length > 0) throw new UserError(`kubevirt engine: ${problems.join('; ')}`);
  // One token per VM however often the run is rendered (a build renders again as owners appear).
  const tokens = new Map<string, string>();
  const token = options.exportToken;
  options.exportToken = (key) => {
    let t = tokens.get(key);
    if (t === undefined) tokens.set(key, (t = token(key)));
    return t;
  };
  // The same checks as the build file's kubevirt block; the CLI and actions have run them already, naming their flags and inputs.
  options.kubevirt = checkKubevirtOptions(options.kubevirt as Record<string, unknown>, {});
  return options;
}
