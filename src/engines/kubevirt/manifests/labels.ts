/**
 * Labels on every object of a build run. `ruddervirt.io/run` finds all of one run's objects
 * (including the cluster-scoped Kube-OVN ones, which cannot be owned by a namespaced object);
 * `ruddervirt.io/build` all runs of one build file.
 */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_BUILD = 'ruddervirt.io/build';
export const LABEL_RUN = 'ruddervirt.io/run';
export const LABEL_LAYER = 'ruddervirt.io/layer';
export const LABEL_VM = 'ruddervirt.io/vm';
export const LABEL_COMPONENT = 'ruddervirt.io/component';
/**
 * On a VM output kept between builds (kept-layer-labels.ts): the label-safe form of its layer's
 * content key. Kept outputs carry no `ruddervirt.io/run` label, so removing a run leaves them.
 */
export const LABEL_LAYER_KEY = 'ruddervirt.io/layer-key';

export const MANAGED_BY = 'ruddervirt';

/** What an object is for, so `kubectl get -l ruddervirt.io/component=http-server` works. */
export type Component =
  'run' | 'vpc' | 'subnet' | 'egress-gateway' | 'network-attachment' | 'root-disk' | 'disk' | 'install-iso' | 'cdrom' | 'http-files' | 'http-server' | 'ssh-jump' | 'vm' | 'output' | 'export' | 'export-token' | 'sbom';

export interface LabelScope {
  build: string;
  runId: string;
  layer?: string;
  vm?: string;
}

export function runLabels(scope: LabelScope, component: Component): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_BUILD]: scope.build,
    [LABEL_RUN]: scope.runId,
  };
  if (scope.layer !== undefined) labels[LABEL_LAYER] = scope.layer;
  if (scope.vm !== undefined) labels[LABEL_VM] = scope.vm;
  labels[LABEL_COMPONENT] = component;
  return labels;
}

/** A label selector for every object of one run: `kubectl delete … -l <this>`. */
export function runSelector(runId: string): string {
  return `${LABEL_RUN}=${runId}`;
}
