/** An ObjectClient for the kube harness, through the same kubeconfig loading a build uses. */
import { memoryLogger } from '../../../../src/core/log.js';
import { KubeApi } from '../../../../src/engines/kubevirt/cluster/kube-api.js';
import { loadKubeTarget } from '../../../../src/engines/kubevirt/cluster/kube-target.js';
import { ObjectClient } from '../../../../src/engines/kubevirt/cluster/objects.js';

export function clientFor(fake: { kubeconfigPath: string }): { objects: ObjectClient; api: KubeApi; lines: string[] } {
  const target = loadKubeTarget({ kubeconfig: fake.kubeconfigPath, env: {} });
  const api = new KubeApi(target.kc);
  const { logger, lines } = memoryLogger();
  return { objects: new ObjectClient(api, logger), api, lines };
}

export const DV_COLLECTION = '/apis/cdi.kubevirt.io/v1beta1/namespaces/ns/datavolumes';
export const VMI_COLLECTION = '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances';
export const VM_COLLECTION = '/apis/kubevirt.io/v1/namespaces/ns/virtualmachines';
export const CM_COLLECTION = '/api/v1/namespaces/ns/configmaps';
export const EVENT_COLLECTION = '/api/v1/namespaces/ns/events';
