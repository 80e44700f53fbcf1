import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/actions/toolkit/state-keys.ts
var STATE = {
  /** Which engine the step's VMs run on ('local' | 'kubevirt'). */
  engine: "engine",
  /** The handoff file this job's stage actions share. */
  handoff: "handoff",
  /** "layer/vm" that build-vm started. */
  vm: "vm",
  /** The VM's work folder (disks, keeper log): removed by post unless the VM is kept. */
  workDir: "workDir",
  keepOnFailure: "keepOnFailure",
  /** kubevirt: the build run's id, namespace and kubeconfig path (never its content). */
  runId: "runId",
  namespace: "namespace",
  kubeconfig: "kubeconfig",
  /** A kubeconfig file this step wrote from an inline input; its post step removes it. */
  writtenKubeconfig: "writtenKubeconfig",
  /** setup-cluster: whether it created the namespace, and whether post may remove what it made. */
  namespaceCreated: "namespaceCreated",
  cleanup: "cleanup",
  /** The whole-build action's temp folder and how the build ended. */
  buildTemp: "buildTemp",
  status: "status"
};

export {
  STATE
};
