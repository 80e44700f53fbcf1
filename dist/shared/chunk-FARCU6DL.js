import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/engines/kubevirt/manifests/labels.ts
var LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
var LABEL_BUILD = "ruddervirt.io/build";
var LABEL_RUN = "ruddervirt.io/run";
var LABEL_LAYER = "ruddervirt.io/layer";
var LABEL_VM = "ruddervirt.io/vm";
var LABEL_COMPONENT = "ruddervirt.io/component";
var LABEL_LAYER_KEY = "ruddervirt.io/layer-key";
var MANAGED_BY = "ruddervirt";
function runLabels(scope, component) {
  const labels = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_BUILD]: scope.build,
    [LABEL_RUN]: scope.runId
  };
  if (scope.layer !== void 0) labels[LABEL_LAYER] = scope.layer;
  if (scope.vm !== void 0) labels[LABEL_VM] = scope.vm;
  labels[LABEL_COMPONENT] = component;
  return labels;
}
function runSelector(runId) {
  return `${LABEL_RUN}=${runId}`;
}

export {
  LABEL_MANAGED_BY,
  LABEL_BUILD,
  LABEL_RUN,
  LABEL_LAYER,
  LABEL_VM,
  LABEL_COMPONENT,
  LABEL_LAYER_KEY,
  MANAGED_BY,
  runLabels,
  runSelector
};
