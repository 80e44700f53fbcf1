/**
 * KubeVirt's feature gates for the two resources a build creates behind one: VirtualMachineExport
 * (gate VMExport) and VirtualMachineSnapshot (gate Snapshot). virt-operator installs both CRDs
 * whatever the gates say (kubevirt/kubevirt pkg/virt-operator/resource/generate/install/strategy.go,
 * v1.5.0), so the groups are always served; the validating webhooks refuse a create while the gate
 * is off: "vm export feature gate not enabled" (pkg/storage/admitters/vmexport.go) and "snapshot
 * feature gate not enabled" (pkg/storage/admitters/vmsnapshot.go), v1.5.0 to v1.8.x, answered as
 * code 400 (pkg/util/webhooks ToAdmissionResponseError).
 *
 * Whether a gate is on, by the KubeVirt CR's status.observedKubeVirtVersion:
 * - up to v1.8: only a GA gate or one listed in developerConfiguration.featureGates
 *   (pkg/virt-config/feature-gates.go isFeatureGateEnabled, v1.5.0 and v1.8.0). VMExport and
 *   Snapshot are Alpha in v1.5 and Beta in v1.6 to v1.8 (pkg/virt-config/featuregate/active.go), so
 *   off unless listed;
 * - from v1.9: GA, else listed, else not in disabledFeatureGates and Beta
 *   (pkg/virt-config/featuregate/feature-gates.go IsEnabled, v1.9.0). VMExport is GA
 *   (featuregate/inactive.go) and Snapshot Beta, so both are on unless Snapshot is disabled.
 */
import { ApiError } from './api-errors.js';
import type { KubeObject } from './object-store.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type GateState = 'Alpha' | 'Beta' | 'GA';

const GATED: Record<string, { gate: string; webhook: string; message: string }> = {
  VirtualMachineExport: { gate: 'VMExport', webhook: 'virtualmachineexport-validator.export.kubevirt.io', message: 'vm export feature gate not enabled' },
  VirtualMachineSnapshot: { gate: 'Snapshot', webhook: 'virtualmachinesnapshot-validator.snapshot.kubevirt.io', message: 'snapshot feature gate not enabled' },
};

function minorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

function stateOf(gate: string, minor: number): GateState {
  if (gate === 'VMExport') return minor >= 9 ? 'GA' : minor >= 6 ? 'Beta' : 'Alpha';
  return minor >= 6 ? 'Beta' : 'Alpha';
}

/** Whether `gate` is on in a KubeVirt CR of the version it reports. */
export function gateEnabled(gate: string, kubevirt: Loose | undefined): boolean {
  const minor = minorOf(String(kubevirt?.status?.observedKubeVirtVersion ?? 'v1.9.0'));
  const dev: Loose = kubevirt?.spec?.configuration?.developerConfiguration ?? {};
  const state = stateOf(gate, minor);
  if (state === 'GA') return true;
  if (((dev.featureGates ?? []) as string[]).includes(gate)) return true;
  if (minor < 9) return false;
  if (((dev.disabledFeatureGates ?? []) as string[]).includes(gate)) return false;
  return state === 'Beta';
}

/** The webhook's denial of creating `object` with the gates of `kubevirt`, if any. */
export function featureGateDenial(object: KubeObject, kubevirt: Loose | undefined): ApiError | undefined {
  const gated = GATED[object.kind];
  if (!gated || gateEnabled(gated.gate, kubevirt)) return undefined;
  return new ApiError(400, 'BadRequest', `admission webhook "${gated.webhook}" denied the request: ${gated.message}`);
}
