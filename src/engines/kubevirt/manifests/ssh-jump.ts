/**
 * SSH into a VM whose first NIC is on a Kube-OVN subnet: KubeVirt's port-forward cannot do it,
 * because virt-api dials the VMI's address from its own pod and a custom VPC is not routed there
 * (kubeovn/kube-ovn#4908). A pod's port-forward is different: the kubelet enters the pod's network
 * namespace, wherever that network is. So a small "jump" pod sits on the VM's subnet, at a fixed
 * address (subnet-addresses.ts), and relays each connection to its port to the VM's SSH port —
 * `busybox nc -ll -p 2222 -e busybox nc <vm address> <ssh port>`, one nc per connection — and the
 * engine port-forwards to that pod (docs/kubevirt.md).
 *
 * The stock busybox image (the file server's unless `sshJumpImage` / `--ssh-jump-image` names
 * a mirror), the VM's nodeSelector and tolerations, no service account token, and the
 * "restricted" Pod Security Standard, as the file server.
 */
import type { IoK8sApiCoreV1Pod } from '@kubevirt-ui-ext/kubevirt-api/kubernetes';
import { IP_ADDRESS_ANNOTATION, LOGICAL_SWITCH_ANNOTATION } from './network.js';
import { helperPlacement, sshJumpImage, vmSettings } from './cluster-settings.js';
import { objectMeta, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import { helperAddresses, vmSubnetAddresses } from './subnet-addresses.js';
import type { Pod } from './types.js';

/** The relay's port in the pod (what the engine port-forwards to). */
export const SSH_JUMP_PORT = 2222;
const NOBODY = 65534;

export function renderSshJump(ctx: RenderContext, scope: VmScope, primarySubnet: string | undefined): { object: RenderedObject; port: number } | undefined {
  const { vm } = scope;
  if (!primarySubnet || vm.communicator.type !== 'ssh') return undefined;
  const target = vmSubnetAddresses(ctx.build, scope.layer, vm).get(0);
  const helpers = helperAddresses(ctx.build, scope.layer, vm);
  if (!target || !helpers) return undefined;
  const where = `${scope.layer.name}/${vm.name}`;
  const settings = vmSettings(ctx, scope);
  const spec: NonNullable<IoK8sApiCoreV1Pod['spec']> = {
    ...helperPlacement(settings),
    restartPolicy: 'Always',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 2,
    securityContext: { runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'relay',
        image: sshJumpImage(settings),
        command: ['busybox', 'nc', '-ll', '-p', String(SSH_JUMP_PORT), '-e', 'busybox', 'nc', target, String(vm.communicator.sshPort)],
        ports: [{ name: 'ssh', containerPort: SSH_JUMP_PORT, protocol: 'TCP' }],
        resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: objectMeta(ctx, scope.names.sshJump, 'ssh-jump', scope, {
      annotations: { [LOGICAL_SWITCH_ANNOTATION]: primarySubnet, [IP_ADDRESS_ANNOTATION]: helpers.sshJump },
    }),
    spec,
  };
  return {
    port: SSH_JUMP_PORT,
    object: {
      object: pod,
      step: 'prepare',
      owner: { kind: 'run' },
      vm: where,
      note: `SSH jump pod of ${where} on its custom-VPC subnet: relays port ${SSH_JUMP_PORT} to ${target}:${vm.communicator.sshPort} (KubeVirt's port-forward cannot reach custom VPCs)`,
    },
  };
}
