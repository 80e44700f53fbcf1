/** The kube harness: a Kubernetes + KubeVirt/CDI API server for tests. See README.md. */
export { startKubeHarness, STORAGE_CLASS, STORAGE_PROVISIONER, SNAPSHOT_CLASS, SYSTEM_LABEL, type HarnessObject, type KubeHarness, type KubeHarnessOptions } from './harness.js';
export type { Faults, FaultVerb } from './faults.js';
export type { AccessRule } from './access-policy.js';
export { KUBEVIRT_PROTOCOL } from './websocket-streams.js';
export { CDI_NAMESPACE, UPLOAD_PROXY_SERVICE } from './controllers/upload-proxy.js';
