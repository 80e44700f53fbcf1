/** A kubeconfig for the harness: its URL, its CA inline, a bearer token, a default namespace. */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigRequest {
  file: string;
  server: string;
  caCert: string;
  token: string;
  namespace?: string;
}

export function kubeconfigText(req: Omit<KubeconfigRequest, 'file'>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kube-harness', cluster: { server: req.server, 'certificate-authority-data': Buffer.from(req.caCert).toString('base64') } }],
    users: [{ name: 'builder', user: { token: req.token } }],
    contexts: [{ name: 'kube-harness', context: { cluster: 'kube-harness', user: 'builder', ...(req.namespace ? { namespace: req.namespace } : {}) } }],
    'current-context': 'kube-harness',
    preferences: {},
  });
}

export async function writeKubeconfig(req: KubeconfigRequest): Promise<void> {
  await writeFile(req.file, kubeconfigText(req), { mode: 0o600 });
}
