/**
 * The build's HTTP server on KubeVirt: a Pod that serves the VM's httpDirectory (and
 * httpContent) to the guest, for preseed/kickstart/autounattend fetches typed in boot commands.
 *
 * No custom image: the files travel in a Secret (base64, so binary files work; Secret because
 * answer files hold passwords) mounted read-only into a stock busybox image whose `httpd` applet
 * serves them. Limit: 1 MiB of files (a Secret's maximum); larger files belong on a web server.
 *
 * Reachability: the guest fetches from the pod's IP ({{ .HTTPIP }}), so the pod joins the
 * network of the VM's first NIC — the default pod network, or the same Kube-OVN subnet through
 * the logical_switch annotation, at a fixed address from the subnet's top (subnet-addresses.ts;
 * custom VPCs have no cluster DNS or Services, pod IPs always work).
 * No readiness probe: kubelet cannot reach pods in a custom VPC, so a probe would never pass;
 * httpd listens as soon as it runs.
 *
 * Hardened for the "restricted" Pod Security Standard: non-root, no privilege escalation, no
 * capabilities, read-only root filesystem, RuntimeDefault seccomp, no service account token.
 */
import type { IoK8sApiCoreV1Pod } from '@kubevirt-ui-ext/kubevirt-api/kubernetes';
import { vmKey } from './local-files.js';
import { IP_ADDRESS_ANNOTATION, LOGICAL_SWITCH_ANNOTATION } from './network.js';
import { helperPlacement, httpServerImage, vmSettings } from './cluster-settings.js';
import { objectMeta, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import { keyFiles, secretData } from './secret-data.js';
import { helperAddresses } from './subnet-addresses.js';
import type { Pod, Secret } from './types.js';

export const HTTP_ROOT = '/srv/http';
/** "nobody": busybox has the entry, and no file of the image belongs to it. */
const NOBODY = 65534;

export interface VmFileServer {
  objects: RenderedObject[];
  port: number;
}

export function renderFileServer(ctx: RenderContext, scope: VmScope, primarySubnet: string | undefined): VmFileServer | undefined {
  const files = ctx.inputs.http.get(vmKey(scope.layer.name, scope.vm.name));
  if (!files || files.length === 0) return undefined;
  const where = `${scope.layer.name}/${scope.vm.name}`;
  const keyed = keyFiles(files);
  const port = ctx.options.httpPort;

  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(ctx, scope.names.httpFiles, 'http-files', scope),
    type: 'Opaque',
    data: secretData(keyed),
  };
  const settings = vmSettings(ctx, scope);
  const spec: NonNullable<IoK8sApiCoreV1Pod['spec']> = {
    ...helperPlacement(settings),
    restartPolicy: 'Always',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 2,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NOBODY,
      runAsGroup: NOBODY,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'httpd',
        image: httpServerImage(settings),
        command: ['busybox', 'httpd', '-f', '-v', '-p', String(port), '-h', HTTP_ROOT],
        ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [{ name: 'files', mountPath: HTTP_ROOT, readOnly: true }],
      },
    ],
    volumes: [
      {
        name: 'files',
        secret: { secretName: secret.metadata.name, defaultMode: 0o444, items: keyed.map((f) => ({ key: f.key, path: f.path })) },
      },
    ],
  };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: objectMeta(ctx, scope.names.httpServer, 'http-server', scope, {
      annotations: primarySubnet ? { [LOGICAL_SWITCH_ANNOTATION]: primarySubnet, [IP_ADDRESS_ANNOTATION]: helperAddresses(ctx.build, scope.layer, scope.vm)!.fileServer } : {},
    }),
    spec,
  };
  const list = files.map((f) => f.path).join(', ');
  return {
    port,
    objects: [
      { object: secret, step: 'prepare', owner: { kind: 'run' }, vm: where, note: `HTTP files of ${where}: ${list}` },
      { object: pod, step: 'prepare', owner: { kind: 'run' }, vm: where, note: `HTTP server of ${where} on port ${port} ({{ .HTTPIP }} is this pod's IP)` },
    ],
  };
}
