/**
 * The engine's cluster code against the kube harness where the harness now behaves as upstream
 * does (test/integration/kube-harness/upstream-fidelity.test.ts): each test names the upstream file and
 * version whose behaviour the engine must survive. No guest boots here.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { waitForCapture } from '../../../src/engines/kubevirt/cluster/capture-wait.js';
import { MAX_IMPORTER_RESTARTS, waitForDataVolumes } from '../../../src/engines/kubevirt/cluster/data-volume-wait.js';
import { ClusterRun } from '../../../src/engines/kubevirt/cluster/cluster-run.js';
import { KubeApi } from '../../../src/engines/kubevirt/cluster/kube-api.js';
import { ObjectClient, type LiveObject } from '../../../src/engines/kubevirt/cluster/objects.js';
import { downloadExport } from '../../../src/engines/kubevirt/cluster/export-download.js';
import { uploadDisk } from '../../../src/engines/kubevirt/cluster/upload.js';
import { LAUNCHER_HOSTNAME_LABEL, launcherSelector, removeFailedLaunchers } from '../../../src/engines/kubevirt/cluster/launcher-pods.js';
import { MANAGED_POD_ANNOTATION } from '../../kube-harness/controllers/pod-runtime.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { blankDisk, createCustom, putEgressExternalSubnet, waitFor as waitForObject, type Gvr, type Loose } from '../kube-harness/helpers.js';
import { renderYaml } from '../../unit/kubevirt/helpers.js';

const VOLUME_SNAPSHOT: Gvr = { group: 'snapshot.storage.k8s.io', version: 'v1', plural: 'volumesnapshots' };

type LiveLoose = LiveObject & Loose;

let harness: KubeHarness;
let objects: ObjectClient;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg', egressStartMs: 4000, uploadTokenTtlMs: 800, uploadProxyUnavailable: 1 });
  // internet: true VPCs' gateways leave through it; an admin makes it on a real cluster.
  putEgressExternalSubnet(harness);
  objects = new ObjectClient(new KubeApi(harness.kubeConfig()), memoryLogger().logger);
});

afterAll(async () => {
  await harness?.close();
});

const NETWORK_BUILD = `name: b
network:
  vpcs:
    - { name: app, internet: true, subnets: [{ name: front, cidr: 10.21.0.0/24 }] }
    - { name: lab, internet: false, subnets: [{ name: iso, cidr: 10.22.0.0/24 }] }
layers:
  - name: base
    vms:
      - name: web
        source: { url: https://example.org/disk.qcow2, checksum: "sha256:${'a'.repeat(64)}" }
        disks: [{ name: root, size: 1Gi }]
        nics: [{ subnet: front }]
        communicator: { type: none }
      - name: dark
        source: { url: https://example.org/disk.qcow2, checksum: "sha256:${'a'.repeat(64)}" }
        disks: [{ name: root, size: 1Gi }]
        nics: [{ subnet: iso }]
        communicator: { type: none }
`;

describe('Kube-OVN egress (kubeovn/kube-ovn v1.16.2)', () => {
  // pkg/apis/kubeovn/v1/vpc-egress-gateway.go (replicas omitempty, default 1) + pkg/controller/vpc_egress_gateway.go
  // (finalizer Update; ready only when the workload is up): an offline VPC gets no gateway, and a VM
  // on an online VPC is created only after its gateway is ready.
  it('internet: false creates no gateway (0 replicas would be defaulted back to 1); the VM on an internet VPC waits for its gateway to be ready', async () => {
    const ns = await harness.createNamespace();
    const rendered = renderYaml(NETWORK_BUILD, {}, { namespace: ns, runId: 'f1' });
    const { logger, lines } = memoryLogger();
    // No guest in this test: its VMs reach the API server halted (the run creates them as rendered).
    const create = objects.create.bind(objects);
    const halting = Object.assign(Object.create(objects) as ObjectClient, {
      create: <T extends LiveObject>(o: T, signal: AbortSignal) => create<T>(o.kind === 'VirtualMachine' ? ({ ...o, spec: { ...(o as unknown as Loose).spec, runStrategy: 'Halted' } } as unknown as T) : o, signal),
    });
    const run = new ClusterRun(halting, rendered, logger);
    try {
      await run.begin(AbortSignal.timeout(30_000));
      const gateways = harness.objects().filter((o) => o.kind === 'VpcEgressGateway');
      expect(gateways.map((g) => g.name)).toEqual(['b-app-f1-egress']);

      const online = rendered.objects.find((o) => o.object.kind === 'VirtualMachine' && o.vm === 'base/web')!;
      const offline = rendered.objects.find((o) => o.object.kind === 'VirtualMachine' && o.vm === 'base/dark')!;
      // The offline VM does not wait for anything: it exists while the gateway is still starting.
      await run.create(offline, AbortSignal.timeout(30_000));
      const gatewayAfterOffline = (await objects.get<LiveLoose>({ apiVersion: 'kubeovn.io/v1', kind: 'VpcEgressGateway', namespace: ns, name: 'b-app-f1-egress' }, AbortSignal.timeout(5_000)))!;
      expect(gatewayAfterOffline.status?.ready).not.toBe(true);

      await run.create(online, AbortSignal.timeout(30_000));
      const gateway = (await objects.get<LiveLoose>({ apiVersion: 'kubeovn.io/v1', kind: 'VpcEgressGateway', namespace: ns, name: 'b-app-f1-egress' }, AbortSignal.timeout(5_000)))!;
      expect(gateway.status.ready).toBe(true);
      const vm = (await objects.get<LiveLoose>({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', namespace: ns, name: online.object.metadata.name }, AbortSignal.timeout(5_000)))!;
      const readyAt = Date.parse(gateway.status.conditions[0].lastTransitionTime);
      expect(Date.parse(vm.metadata.creationTimestamp!)).toBeGreaterThanOrEqual(readyAt - 1000); // timestamps have second precision
      expect(lines.join('\n')).toContain('kubevirt: egress gateway b-app-f1-egress is ready');
    } finally {
      expect(await run.cleanup(60_000)).toEqual([]);
      await harness.deleteNamespace(ns);
    }
  });
});

describe('snapshot errors are transient (kubernetes-csi/external-snapshotter v8.6.0)', () => {
  // client/apis/volumesnapshot/v1/types.go: "The snapshot controller will keep retrying … Upon success, this error field will be cleared."
  it('waitForCapture waits out a status.error that the snapshot controller clears', async () => {
    const ns = await harness.createNamespace();
    await blankDisk(harness.kubeConfig(), ns, 'disk');
    harness.setTransientSnapshotErrors({ message: 'Snapshot status update failed, Operation cannot be fulfilled on volumesnapshots: the object has been modified', forMs: 1000 });
    const { logger, lines } = memoryLogger();
    try {
      await createCustom(harness.kubeConfig(), VOLUME_SNAPSHOT, ns, {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name: 'out' },
        spec: { source: { persistentVolumeClaimName: 'disk' } },
      });
      await waitForCapture({ objects, namespace: ns, output: { kind: 'VolumeSnapshot', name: 'out' }, label: 'base/web', logger, signal: AbortSignal.timeout(30_000), timeoutMs: 30_000 });
    } finally {
      harness.setTransientSnapshotErrors(undefined);
    }
    expect(lines.join('\n')).toMatch(/output of base\/web: the snapshot controller reports "Snapshot status update failed.*" and retries/);
    await harness.deleteNamespace(ns);
  });
});

describe('fieldValidation (Kubernetes 1.25+ defaults to Warn)', () => {
  // kubevirt/containerized-data-importer v1.64.0 has no spec.source.http.checksum (…/core/v1beta1/types.go,
  // pkg/operator/resources/crds_generated.go): under Warn it would be dropped without a word.
  it('a field the installed CRD lacks is refused (the engine sends fieldValidation=Strict), not dropped, and the error says to upgrade', async () => {
    const ns = await harness.createNamespace();
    const body = {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'disk', namespace: ns },
      // A field this harness's CDI schema does not have stands for checksum on CDI v1.64.
      spec: { source: { http: { url: 'https://example.org/d.img', checksumFromTheFuture: 'sha256:00' } }, storage: { resources: { requests: { storage: '16Mi' } } } },
    };
    await expect(objects.create(body as never, AbortSignal.timeout(10_000))).rejects.toThrow(
      /creating DataVolume .*\/disk: the API server refused it \(400 BadRequest\): .*strict decoding error: unknown field "spec\.source\.http\.checksumFromTheFuture".*upgrade it/,
    );
    expect(harness.objects().some((o) => o.kind === 'DataVolume' && o.namespace === ns)).toBe(false);
    await harness.deleteNamespace(ns);
  });
});

describe('serial console lookup (kubevirt/kubevirt v1.9.0)', () => {
  // pkg/virt-controller/services/template.go podLabels: vm.kubevirt.io/name = dns.SanitizeHostname(vmi), the hostname.
  it('the VMI-less launcher selector uses the hostname and the template labels, which the harness launcher pod carries', async () => {
    const rendered = renderYaml(NETWORK_BUILD, {}, { namespace: 'ns', runId: 'f2' });
    const vm = rendered.objects.find((o) => o.object.kind === 'VirtualMachine' && o.vm === 'base/web')!.object as unknown as Loose;
    const selector = launcherSelector({ hostname: vm.spec.template.spec.hostname, templateLabels: vm.spec.template.metadata.labels });
    expect(vm.metadata.name).toBe('b-base-web-f2');
    expect(selector).toContain('vm.kubevirt.io/name=web');
    expect(selector).not.toContain('vm.kubevirt.io/name=b-base-web-f2');
    expect(selector).toContain('ruddervirt.io/run=f2');
    // The VMI virt-controller makes from that template gets its launcher pod (virt-launcher's containers are not run here).
    const launcherOnly = await startKubeHarness({ accelerator: 'tcg', controllers: ['vmis'] });
    try {
      const ns = await launcherOnly.createNamespace();
      launcherOnly.putObject({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: vm.metadata.name, namespace: ns, labels: vm.spec.template.metadata.labels }, spec: vm.spec.template.spec });
      const core = launcherOnly.kubeConfig().makeApiClient(CoreV1Api);
      await expect
        .poll(async () => (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items.map((p) => p.metadata?.name), { timeout: 10_000 })
        .toEqual([expect.stringMatching(/^virt-launcher-b-base-web-f2-/)]);
    } finally {
      await launcherOnly.close();
    }
  });
});

describe('a crashed or killed guest and the export of its disk (kubevirt/kubevirt v1.9.0)', () => {
  // pkg/virt-handler/vm.go: killed after the grace period = Failed; pkg/virt-controller/watch/util/util.go
  // PodsUsingPVCs skips only Succeeded pods, so the Failed launcher holds the export InUse;
  // pkg/storage/export/export/links.go: without an Ingress there is no external link — the port-forward path.
  it('removes the Failed launcher pod that holds the root disk, then downloads the export through a port-forward', async () => {
    const ns = await harness.createNamespace();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-fidelity-'));
    try {
      const kc = harness.kubeConfig();
      await blankDisk(kc, ns, 'disk');
      const identity = { hostname: 'web', templateLabels: { 'ruddervirt.io/run': 'f3', 'ruddervirt.io/vm': 'web' } };
      const core = kc.makeApiClient(CoreV1Api);
      const launcher = async (name: string, phase: string) => {
        await core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name, labels: { ...identity.templateLabels, [LAUNCHER_HOSTNAME_LABEL]: 'web', 'kubevirt.io': 'virt-launcher' }, annotations: { [MANAGED_POD_ANNOTATION]: 'virt-launcher' } },
            spec: { containers: [{ name: 'compute', image: 'quay.io/kubevirt/virt-launcher:v1.9.0' }], volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'disk' } }] },
          },
        });
        const pod = await core.readNamespacedPod({ namespace: ns, name });
        await core.replaceNamespacedPodStatus({ namespace: ns, name, body: { ...pod, status: { ...pod.status, phase } } });
      };
      await launcher('virt-launcher-b-base-web-f3-aaaaa', 'Succeeded'); // an earlier run of the VM: not in the way
      await launcher('virt-launcher-b-base-web-f3-bbbbb', 'Failed');
      await objects.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: ns }, stringData: { token: 'sekret' } } as never, AbortSignal.timeout(10_000));
      await objects.create(
        {
          apiVersion: 'export.kubevirt.io/v1',
          kind: 'VirtualMachineExport',
          metadata: { name: 'out', namespace: ns },
          spec: { source: { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'disk' }, tokenSecretRef: 'token' },
        } as never,
        AbortSignal.timeout(10_000),
      );
      await waitForObject(kc, { group: 'export.kubevirt.io', version: 'v1', plural: 'virtualmachineexports' }, ns, 'out', (o) => o.status?.conditions?.some((c: Loose) => c.reason === 'InUse'));

      const { logger, lines } = memoryLogger();
      expect(await removeFailedLaunchers(objects, ns, identity, logger, AbortSignal.timeout(10_000))).toEqual(['virt-launcher-b-base-web-f3-bbbbb']);
      const rawFile = path.join(dir, 'disk.raw');
      await downloadExport({
        objects,
        namespace: ns,
        exportName: 'out',
        apiVersion: 'export.kubevirt.io/v1',
        token: 'sekret',
        volume: 'disk',
        rawFile,
        logger,
        signal: AbortSignal.timeout(60_000),
        readyTimeoutMs: 30_000,
        env: {},
        clusterCa: harness.caCert,
      });
      expect(statSync(rawFile).size).toBe(16 * 1024 * 1024);
      const log = lines.join('\n');
      expect(log).toContain('removing the Failed virt-launcher pod virt-launcher-b-base-web-f3-bbbbb');
      expect(log).toMatch(/export: downloading (gzip|raw) from virt-export-out\..*\.svc through a port-forward to pod .*\/virt-export-out/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.deleteNamespace(ns);
    }
  });
});

describe('CDI upload tokens (kubevirt/containerized-data-importer v1.66.0)', () => {
  // pkg/apiserver/apiserver.go: tokens live 5 minutes (here 800 ms); pkg/uploadproxy/uploadproxy.go answers 401 after.
  it('a retried upload asks for a fresh token instead of sending the expired one', async () => {
    const ns = await harness.createNamespace();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-fidelity-'));
    try {
      const file = path.join(dir, 'disk.raw');
      writeFileSync(file, Buffer.alloc(1024 * 1024, 0x5a));
      await createCustom(harness.kubeConfig(), { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' }, ns, {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: { name: 'up', annotations: { 'cdi.kubevirt.io/storage.bind.immediate.requested': 'true' } },
        spec: { source: { upload: {} }, storage: { resources: { requests: { storage: '16Mi' } } } },
      });
      const { logger, lines } = memoryLogger();
      // The first try is answered 503 (upload server pod not ready); the retry comes after the first token expired.
      await uploadDisk({ objects, namespace: ns, dataVolume: 'up', file, logger, signal: AbortSignal.timeout(60_000), readyTimeoutMs: 30_000, clusterCa: harness.caCert });
      expect(lines.join('\n')).toMatch(/upload: CDI's upload proxy refused the upload of up \(503\).*starting it again/);
      await waitForObject(harness.kubeConfig(), { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' }, ns, 'up', (o) => o.status?.phase === 'Succeeded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.deleteNamespace(ns);
    }
  });
});

describe('CDI importer restarts (kubevirt/containerized-data-importer v1.66.0)', () => {
  // pkg/controller/import-controller.go@v1.66.0: only "checksum mismatch" fails a DataVolume; any other
  // importer error restarts the pod for ever in ImportInProgress, counting status.restartCount.
  it('gives up after MAX_IMPORTER_RESTARTS with the Running condition, where CDI would never fail the DataVolume', async () => {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const ns = await harness.createNamespace();
    try {
      await createCustom(harness.kubeConfig(), { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' }, ns, {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: { name: 'gone' },
        spec: { source: { http: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gone.qcow2` } }, storage: { resources: { requests: { storage: '16Mi' } } } },
      });
      const { logger } = memoryLogger();
      const failed = await waitForDataVolumes({ objects, namespace: ns, dataVolumes: [{ name: 'gone', label: 'root disk' }], logger, signal: AbortSignal.timeout(60_000), timeoutMs: 60_000 }).catch((e: Error) => e);
      expect(String(failed)).toMatch(new RegExp(`its importer failed ${MAX_IMPORTER_RESTARTS} times; last: Error: .*404`));
      const dv = (await objects.get<LiveLoose>({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: ns, name: 'gone' }, AbortSignal.timeout(5000)))!;
      expect(dv.status.phase).toBe('ImportInProgress');
    } finally {
      await harness.deleteNamespace(ns);
      server.close();
    }
  });
});
