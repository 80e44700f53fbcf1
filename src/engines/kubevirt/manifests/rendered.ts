/**
 * The result of rendering a build for the kubevirt engine: every object of the run in creation
 * order, each with the step that creates it and the object that owns it.
 */
import type { RenderedPublish } from './golden-image.js';
import type { RenderedKeep } from './kept-layer-labels.js';
import type { RunInputs } from './run-inputs.js';
import type { BuildProblem } from '../../../core/config/problems.js';
import type { VmNames } from './run-names.js';
import type { AnyManifest, ConfigMap } from './types.js';

/**
 * When an object is created during a build:
 * - run: the root object, first;
 * - network: Kube-OVN VPCs, subnets, egress gateways, network attachments;
 * - prepare: a VM's disks, cdrom and HTTP Secrets, its file server and SSH jump pod;
 * - start: the VirtualMachine (it starts when created);
 * - capture: after the VM shut down, what keeps its root disk (clone or snapshot);
 * - export: the VirtualMachineExport that lets the disk leave the cluster, and its token;
 * - keep: once the layer succeeded, when the build keeps layers, what keeps the output (RenderedBuild.keep);
 * - publish: once the output is downloaded, what makes it a golden image (RenderedBuild.publish).
 */
export type Step = 'run' | 'network' | 'prepare' | 'start' | 'capture' | 'export' | 'keep' | 'publish';

/**
 * Owner references need the owner's uid, which only exists once the owner is created, so the
 * uids are an input of the render (run-inputs.ts: a placeholder until given):
 * - run: the run's root ConfigMap (every namespaced object);
 * - vpc: the Kube-OVN Vpc of that name (its Subnets: cluster-scoped objects cannot have a
 *   namespaced owner);
 * - none: the root itself and the Vpcs, found by the run label.
 */
export type Owner = { kind: 'run' } | { kind: 'vpc'; name: string } | { kind: 'none' };

export interface RenderedObject {
  object: AnyManifest;
  step: Step;
  owner: Owner;
  /** "layer/vm" for a VM's objects. */
  vm?: string;
  /** A short note for people reading `ruddervirt render` output. */
  note: string;
}

export interface RenderedVm {
  layer: string;
  vm: string;
  names: VmNames;
  /** The file server's port, when the VM has HTTP files ({{ .HTTPPort }}; the IP is the pod's). */
  httpPort?: number;
  /** The SSH jump pod and its relay port, when the VM's first NIC is in a custom VPC (ssh-jump.ts). */
  sshJump?: { pod: string; port: number };
  /** What holds the VM's output: the kind and name of the clone DataVolume or the snapshot. */
  output: { kind: 'DataVolume' | 'VolumeSnapshot' | 'VirtualMachineSnapshot'; name: string };
}

export interface RenderedBuild {
  namespace: string;
  runId: string;
  root: ConfigMap;
  /** The root first, then the network, then layer by layer: prepare, start, capture, export. */
  objects: RenderedObject[];
  vms: RenderedVm[];
  /** The keep step of each VM whose output can be kept, sent when the build keeps layers. */
  keep: RenderedKeep[];
  /** The publish step of each VM with output.dataSource, after the objects: patches, SBOM, DataSource. */
  publish: RenderedPublish[];
  /** Valid, but not what the build file may mean on KubeVirt (mirrors CDI will not try), located. */
  warnings?: BuildProblem[];
  /**
   * The same build rendered again with the run's inputs (owner uids once the owners exist,
   * run-time volume sources): what a build creates. Names, tokens and everything else are the same.
   */
  rerender(run: RunInputs): RenderedBuild;
}
