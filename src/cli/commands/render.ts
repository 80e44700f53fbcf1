/**
 * `ruddervirt render FILE --engine kubevirt [--namespace NS]`: the Kubernetes objects a build
 * creates, as multi-document YAML (like `helm template`), for review and GitOps — rendered by the
 * very function the kubevirt engine creates its objects from, with placeholders where only a
 * running build knows the value (owner uids). What discovery would find (capture method, export
 * API version) comes from options, or from the cluster with --kubeconfig, as a build asks it.
 * `--rbac` prints the least-privilege roles instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBuild } from '../../core/config/load.js';
import { SecretMasker } from '../../core/log.js';
import { resolveSourceChecksums } from '../../core/sources/resolve-checksums.js';
import { terminalLogger } from '../terminal-logger.js';
import { effectiveSettings } from '../../core/config/kubevirt-settings.js';
import { applyDataSourceOption, parseDataSourceOption } from '../../core/config/data-source-output.js';
import { buildFeatures, discoverCapabilities, type CaptureRequest } from '../../engines/kubevirt/capabilities.js';
import { loadKubeTarget } from '../../engines/kubevirt/cluster/kube-target.js';
import { KubeDiscoveryClient } from '../../engines/kubevirt/kube-discovery-client.js';
import { collectLocalInputs } from '../../engines/kubevirt/manifests/local-files.js';
import { defaultRunId, renderBuild } from '../../engines/kubevirt/manifests/render.js';
import type { CapturePlan, ExportApiVersion } from '../../engines/kubevirt/manifests/render-options.js';
import { engineRenderOptions } from '../../engines/kubevirt/engine.js';
import { renderedToYaml } from '../../engines/kubevirt/manifests/to-yaml.js';
import { formatProblem } from '../../core/config/problems.js';
import { isDnsLabel } from '../../engines/kubevirt/manifests/names.js';
import { rbacYaml } from '../../engines/kubevirt/rbac.js';
import { parseCommandArgs, variableOptions } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { KUBEVIRT_ENGINE_FLAGS, KUBEVIRT_ENGINE_FLAGS_USAGE, KUBEVIRT_FLAGS, KUBEVIRT_FLAGS_USAGE, kubevirtEngineFlagOptions, kubevirtSettingsFromFlags } from '../kubevirt-flags.js';

const usage = `Usage: ruddervirt render FILE [--engine kubevirt] [--namespace NS] [options]
       ruddervirt render --rbac [--namespace NS] [--service-account SA]

Prints every Kubernetes object the build creates on KubeVirt, as multi-document YAML in creation
order, each with a comment saying when it is created: the run's root ConfigMap (owner of the
rest), Kube-OVN VPCs, subnets and egress gateways, CDI DataVolumes, cdrom and HTTP-file Secrets,
the HTTP file-server pods, the VirtualMachines, and what keeps and exports each VM's disk. These
are the objects \`build --engine kubevirt\` creates, from the same function and settings. Owner
references need their owner's uid, which exists only once the owner is created: their uid reads
"<uid of ConfigMap NAME, set when it is created>" (drop ownerReferences before applying the
output by hand). Every object carries the label ruddervirt.io/run=RUN_ID, so a run applied by
hand can be deleted by label.

After the last document, as comments, what a build sends once the run's work is done: the keep
step (a build that keeps layers takes each output out of its run and stores its SBOM beside it)
and, for output.dataSource, the publish step (the output labelled, the DataSource). Merge patches
read as the kubectl command that sends the same body; objects that outlive the run are commented
out line by line ('#> '), so applying the output never creates them. What only the build knows
then (the layer's key, the output's sha256 and size, the SBOM) reads "<…, set when …>".

Needs no cluster: without --kubeconfig it assumes KubeVirt 1.9 or later (export.kubevirt.io/v1;
--export-api v1beta1 for older), CDI cdi.kubevirt.io/v1beta1, snapshot.storage.k8s.io/v1,
snapshot.kubevirt.io/v1beta1 and kubeovn.io/v1, and clone captures unless told otherwise. With
--kubeconfig it asks the cluster what a build asks it: the served export version and, without
--capture, the capture method (a VolumeSnapshotClass that fits the disks' storage class).

Options:
  --engine kubevirt              the engine that has manifests (the default; 'local' has none)
  --namespace NS                 namespace of the objects (default "default")
  --run-id ID                    ends every name, 1-12 of a-z0-9 (default: a digest of the file and
                                 its variables, so an unchanged file renders the same names)
  --var-file FILE                variable values from a YAML or JSON file (repeatable)
  --var NAME=VALUE               set a build variable (repeatable, after the var files)
  --capture MODE                 how a finished disk is kept: clone (default), volume-snapshot,
                                 vm-snapshot
  --snapshot-class NAME          VolumeSnapshotClass (implies --capture volume-snapshot)
  --export-api v1|v1beta1        export.kubevirt.io version (v1 from KubeVirt 1.9; default v1)
${KUBEVIRT_ENGINE_FLAGS_USAGE}  --data-source NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K]
                                 the last layer's VM as a golden image behind a CDI DataSource,
                                 as build --data-source (output.dataSource in the build file)
  --kubeconfig FILE              detect the served API versions and the capture method from this
                                 cluster, as a build does (read-only API discovery)
  --context NAME                 the kubeconfig context (default: its current context)
  --redact                       print Secret values as REDACTED
  --rbac                         print the least-privilege RBAC (ServiceAccount, Roles, bindings)
  --service-account SA           the ServiceAccount the RBAC binds (default ruddervirt)

${KUBEVIRT_FLAGS_USAGE}`;

function capturePlan(mode: string | undefined, snapshotClass: string | undefined, auto = false): CaptureRequest {
  if (mode === undefined && snapshotClass === undefined && auto) return { mode: 'auto' };
  const chosen = mode ?? (snapshotClass ? 'volume-snapshot' : 'clone');
  switch (chosen) {
    case 'clone':
    case 'vm-snapshot':
      if (snapshotClass) throw new UsageError(`--snapshot-class goes with --capture volume-snapshot, not ${chosen}`);
      return { mode: chosen };
    case 'volume-snapshot':
      if (!snapshotClass) throw new UsageError('--capture volume-snapshot needs --snapshot-class NAME');
      return { mode: 'volume-snapshot', snapshotClass };
    default:
      throw new UsageError(`--capture must be clone, volume-snapshot or vm-snapshot, got '${chosen}'`);
  }
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'Print the Kubernetes manifests a build creates on KubeVirt (no cluster needed)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: 'string' },
      namespace: { type: 'string' },
      'run-id': { type: 'string' },
      var: { type: 'string', multiple: true },
      'var-file': { type: 'string', multiple: true },
      capture: { type: 'string' },
      'snapshot-class': { type: 'string' },
      'export-api': { type: 'string' },
      ...KUBEVIRT_ENGINE_FLAGS,
      ...KUBEVIRT_FLAGS,
      'data-source': { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      redact: { type: 'boolean' },
      rbac: { type: 'boolean' },
      'service-account': { type: 'string' },
    });
    const namespace = values.namespace ?? 'default';
    if (!isDnsLabel(namespace)) throw new UsageError(`--namespace '${namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63)`);

    if (values.rbac) {
      if (positionals.length > 0) throw new UsageError('--rbac takes no build file');
      const serviceAccount = values['service-account'] ?? 'ruddervirt';
      if (!isDnsLabel(serviceAccount)) throw new UsageError(`--service-account '${serviceAccount}' is not a ServiceAccount name`);
      io.stdout.write(rbacYaml({ namespace, serviceAccount }));
      return 0;
    }
    if (values['service-account'] !== undefined) throw new UsageError('--service-account goes with --rbac');
    if (values.context !== undefined && values.kubeconfig === undefined) throw new UsageError('--context goes with --kubeconfig');
    if (values.kubeconfig !== undefined && values['export-api'] !== undefined) throw new UsageError('--export-api is what --kubeconfig detects; give one of them');

    const engine = values.engine ?? 'kubevirt';
    if (engine === 'local') throw new UsageError('the local engine runs QEMU directly and has no manifests; render is for --engine kubevirt');
    if (engine !== 'kubevirt') throw new UsageError(`--engine must be kubevirt, got '${engine}'`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the build FILE' : 'render takes one build FILE');
    let exportApi = values['export-api'] ?? 'v1';
    if (exportApi !== 'v1' && exportApi !== 'v1beta1') throw new UsageError(`--export-api must be v1 or v1beta1, got '${exportApi}'`);
    let capture = capturePlan(values.capture, values['snapshot-class'], values.kubeconfig !== undefined);
    // The same options `build --engine kubevirt` gives its engine from the same flags.
    const engineOptions = { kubevirt: kubevirtSettingsFromFlags(values), ...kubevirtEngineFlagOptions(values) };
    const kubevirt = engineOptions.kubevirt;

    const dataSource = values['data-source'] !== undefined ? parseDataSourceOption(values['data-source'], '--data-source') : undefined;
    const build = loadBuild(positionals[0]!, { ...variableOptions(values), env: io.env, cwd: io.cwd });
    if (dataSource) applyDataSourceOption(build, dataSource, '--data-source');
    // CDI checks an import against a digest: a checksum: file:… is read (and its signature checked) now.
    const masker = new SecretMasker();
    for (const secret of build.secrets) masker.add(secret);
    await resolveSourceChecksums(build, { logger: terminalLogger(io.stderr, masker), signal: io.signal, env: io.env });
    if (values.kubeconfig !== undefined) {
      const target = loadKubeTarget({ env: io.env, kubeconfig: path.resolve(io.cwd, values.kubeconfig), ...(values.context ? { context: values.context } : {}) });
      const found = await discoverCapabilities(new KubeDiscoveryClient(target.kc), {
        namespace,
        features: buildFeatures(build),
        capture,
        storageClasses: [...new Set(build.layers.flatMap((l) => l.vms.map((vm) => effectiveSettings(build.kubevirt, vm.kubevirt, kubevirt).settings.storageClassName)))],
      });
      exportApi = found.exportApiVersion;
      capture = found.capture;
      for (const w of found.warnings) io.stderr.write(`warning: ${w}\n`);
      for (const b of found.blockers) io.stderr.write(`warning: a build would stop here: ${b.what}\n  fix: ${b.fix}\n`);
    }
    const runId = values['run-id'] ?? defaultRunId(readFileSync(path.resolve(io.cwd, positionals[0]!), 'utf8'), build.variables);
    const options = engineRenderOptions({ ...engineOptions, runId }, { namespace, capture: capture as CapturePlan, exportApiVersion: exportApi as ExportApiVersion });
    const rendered = renderBuild(build, collectLocalInputs(build), options);
    for (const w of rendered.warnings ?? []) io.stderr.write(`${formatProblem({ ...w, message: `warning: ${w.message}` })}\n`);
    io.stdout.write(renderedToYaml(rendered, { redactSecrets: values.redact === true }));
    return 0;
  },
};
