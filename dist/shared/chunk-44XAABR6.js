import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  parseKubevirtEngineOptions,
  parseKubevirtOptions
} from "./chunk-UF5DILBV.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/cli/kubevirt-flags.ts
var KUBEVIRT_FLAGS = {
  "storage-class": { type: "string" },
  "volume-mode": { type: "string" },
  "access-mode": { type: "string" },
  "node-selector": { type: "string", multiple: true },
  toleration: { type: "string", multiple: true },
  affinity: { type: "string" },
  resources: { type: "string" },
  instancetype: { type: "string" },
  preference: { type: "string" },
  "http-server-image": { type: "string" },
  "ssh-jump-image": { type: "string" }
};
var NAMES = {
  storageClassName: "--storage-class",
  volumeMode: "--volume-mode",
  accessMode: "--access-mode",
  nodeSelector: "--node-selector",
  tolerations: "--toleration",
  affinity: "--affinity",
  resources: "--resources",
  instancetype: "--instancetype",
  preference: "--preference",
  httpServerImage: "--http-server-image",
  sshJumpImage: "--ssh-jump-image"
};
var KUBEVIRT_FLAGS_USAGE = `Cluster settings (the build file's kubevirt: block; a flag wins over the file, for every VM):
  --storage-class NAME           StorageClass of every disk (default: the cluster's default)
  --volume-mode Filesystem|Block volume mode of the disks (default: the StorageProfile's)
  --access-mode MODE             ReadWriteOnce, ReadWriteMany or ReadWriteOncePod
                                 (default: the StorageProfile's)
  --node-selector KEY=VALUE      node label the VMs and their helper pods need (repeatable)
  --toleration KEY[=VALUE][:EFFECT]
                                 taint the VMs and helper pods tolerate (repeatable; kubectl's
                                 taint syntax; without =VALUE any value)
  --affinity YAML                the VMs' Kubernetes affinity, as YAML or JSON
  --resources YAML               the VMs' resources, e.g. '{requests: {cpu: 2}, limits: {memory: 8Gi}}'
  --instancetype [KIND/]NAME     instance type (KIND virtualmachineclusterinstancetype, the
                                 default, or virtualmachineinstancetype); the VMs' cpu and memory
                                 then come from it
  --preference [KIND/]NAME       preference (virtualmachineclusterpreference or
                                 virtualmachinepreference)
  --http-server-image IMAGE      image of the HTTP file-server pods (default
                                 docker.io/library/busybox:1.37; any image with busybox)
  --ssh-jump-image IMAGE         image of the SSH jump pods (default: the file server's)
`;
function givenKubevirtFlags(values) {
  return [...Object.keys(KUBEVIRT_FLAGS), ...Object.keys(KUBEVIRT_ENGINE_FLAGS)].filter((k) => values[k] !== void 0);
}
var KUBEVIRT_ENGINE_FLAGS = {
  "egress-external-subnet": { type: "string" },
  "iso-size": { type: "string" }
};
var KUBEVIRT_ENGINE_FLAGS_USAGE = `  --egress-external-subnet NAME  Kube-OVN external subnet the VPCs' egress gateways leave through
                                 (default ovn-vpc-external-network, Kube-OVN's own name)
  --iso-size SIZE                volume size an installer ISO is imported into; CDI needs it
                                 before it downloads (default 10Gi)
`;
function kubevirtEngineFlagOptions(values) {
  try {
    return parseKubevirtEngineOptions({ egressExternalSubnet: values["egress-external-subnet"], isoSize: values["iso-size"] }, { egressExternalSubnet: "--egress-external-subnet", isoSize: "--iso-size" });
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(err.message);
    throw err;
  }
}
function kubevirtSettingsFromFlags(values) {
  try {
    return parseKubevirtOptions(
      {
        storageClassName: values["storage-class"],
        volumeMode: values["volume-mode"],
        accessMode: values["access-mode"],
        nodeSelector: values["node-selector"],
        tolerations: values.toleration,
        affinity: values.affinity,
        resources: values.resources,
        instancetype: values.instancetype,
        preference: values.preference,
        httpServerImage: values["http-server-image"],
        sshJumpImage: values["ssh-jump-image"]
      },
      NAMES
    );
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(err.message);
    throw err;
  }
}

export {
  KUBEVIRT_FLAGS,
  KUBEVIRT_FLAGS_USAGE,
  givenKubevirtFlags,
  KUBEVIRT_ENGINE_FLAGS,
  KUBEVIRT_ENGINE_FLAGS_USAGE,
  kubevirtEngineFlagOptions,
  kubevirtSettingsFromFlags
};
