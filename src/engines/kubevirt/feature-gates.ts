/**
 * Whether KubeVirt will let a build create what it creates behind a feature gate: a
 * VirtualMachineExport (gate VMExport, every build) and a VirtualMachineSnapshot (gate Snapshot,
 * vm-snapshot capture). The API groups are always served — virt-operator installs the CRDs
 * whatever the gates say (kubevirt/kubevirt pkg/virt-operator/resource/generate/install/strategy.go,
 * v1.5.0) — and the webhooks refuse the create while the gate is off ("vm export feature gate not
 * enabled", pkg/storage/admitters/vmexport.go; "snapshot feature gate not enabled",
 * pkg/storage/admitters/vmsnapshot.go). Without this check a build on a stock v1.5–v1.8 cluster
 * runs to its very end and fails at the export, so the KubeVirt CR is read up front.
 *
 * The rules, by status.observedKubeVirtVersion:
 * - before v1.9 a gate is on only when GA or listed in developerConfiguration.featureGates
 *   (pkg/virt-config/feature-gates.go isFeatureGateEnabled, v1.5.0–v1.8.x); VMExport and Snapshot
 *   are Alpha (v1.5) or Beta (v1.6–v1.8) there (pkg/virt-config/featuregate/active.go), so off by
 *   default;
 * - from v1.9: GA, else listed, else not in disabledFeatureGates and Beta
 *   (pkg/virt-config/featuregate/feature-gates.go IsEnabled, v1.9.0); VMExport is GA
 *   (featuregate/inactive.go), Snapshot Beta.
 */
import type { KubeVirtInfo } from './discovery-client.js';

export type GatedFeature = 'VMExport' | 'Snapshot';

/** true / false, or undefined when the version is unknown and the gate is not listed. */
export function gateEnabled(gate: GatedFeature, kubevirt: KubeVirtInfo): boolean | undefined {
  const minor = minorOf(kubevirt.version);
  if (gate === 'VMExport' && minor !== undefined && minor >= 9) return true;
  if (kubevirt.featureGates.includes(gate)) return true;
  if (minor === undefined) return undefined;
  if (minor < 9) return false;
  return !kubevirt.disabledFeatureGates.includes(gate);
}

function minorOf(version: string | undefined): number | undefined {
  const m = version ? /^v?(\d+)\.(\d+)/.exec(version) : null;
  if (!m) return undefined;
  return Number(m[1]) > 1 ? Number.POSITIVE_INFINITY : Number(m[2]);
}

/** The kubectl command that turns `gate` on in `kubevirt`. */
export function enableGateCommand(gate: GatedFeature, kubevirt: KubeVirtInfo): string {
  const developerConfiguration: Record<string, string[]> = { featureGates: [...new Set([...kubevirt.featureGates, gate])] };
  if (kubevirt.disabledFeatureGates.includes(gate)) developerConfiguration.disabledFeatureGates = kubevirt.disabledFeatureGates.filter((g) => g !== gate);
  const patch = JSON.stringify({ spec: { configuration: { developerConfiguration } } });
  return `kubectl -n ${kubevirt.namespace} patch kubevirt ${kubevirt.name} --type merge -p '${patch}'`;
}
