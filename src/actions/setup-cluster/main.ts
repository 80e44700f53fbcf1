/**
 * setup-cluster: prepares where build VMs run. local → QEMU, OVMF and xorriso on this runner,
 * /dev/kvm usable, accelerator chosen; kubevirt → the cluster checked (and KubeVirt + CDI, and
 * Kube-OVN + Multus, installed when asked), the build namespace created. Starts the job's handoff. The cluster code
 * (and the Kubernetes client under it) is imported only on the kubevirt path.
 */
import * as core from '@actions/core';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.js';
import { handoffPath, updateHandoff } from '../toolkit/handoff.js';
import { booleanInput, durationInput, enumInput, httpUrlInput, optionalInput } from '../toolkit/inputs.js';
import { kubeconfigInput } from '../toolkit/kubeconfig-input.js';
import { stageSecretsDir } from '../toolkit/kubevirt-run.js';
import { chooseAccelerator } from '../../engines/local/accelerator.js';
import { installPackages, kvmAccessible, onPath, setupLocalHost } from '../toolkit/local-host.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction, type ActionContext } from '../toolkit/run-action.js';
import { escapeCell, writeSummary } from '../toolkit/summary.js';
import { STATE } from '../toolkit/state-keys.js';

type Cluster = typeof import('../toolkit/kubevirt-cluster.js');

/**
 * emulation: auto asks whether the nodes have KVM. The runner is the node (kind), so its own KVM
 * decides, by the local engine's probe (engines/local/accelerator.ts): a /dev/kvm that opens is
 * not enough — under nesting without VMX it opens and guests hang — so a probe guest must really
 * run under it. RUDDERVIRT_ACCEL=kvm|tcg says it outright. The probe needs QEMU on the runner;
 * when it is missing it is installed (install-packages), else the device alone decides, with a
 * warning.
 */
async function runnerHasKvm(ctx: ActionContext): Promise<boolean> {
  const told = ctx.env.RUDDERVIRT_ACCEL;
  if (told !== 'kvm' && told !== 'tcg' && (await kvmAccessible()) && !onPath('qemu-system-x86_64', ctx.env)) {
    if (!booleanInput('install-packages', true)) {
      ctx.logger.warn('emulation: auto: qemu-system-x86_64 is not installed, so the KVM probe cannot run; trusting /dev/kvm, which opens (set emulation: true if guests hang)');
      return true;
    }
    await installPackages(['qemu-system-x86'], ctx.logger, ctx.signal);
  }
  const choice = await chooseAccelerator({ logger: ctx.logger, env: ctx.env });
  return choice.accelerator === 'kvm';
}

/** install-kubevirt's inputs, read (and refused when wrong) before the cluster is touched. */
function installInputs({ PINNED, DEFAULT_RELEASE_SOURCES }: Cluster) {
  if (!booleanInput('install-kubevirt', false)) return undefined;
  const sample = { '{version}': 'v1.0.0' };
  return {
    versions: { kubevirt: optionalInput('kubevirt-version') ?? PINNED.kubevirt, cdi: optionalInput('cdi-version') ?? PINNED.cdi },
    sources: {
      kubevirt: httpUrlInput('kubevirt-release-url', DEFAULT_RELEASE_SOURCES.kubevirt, sample),
      cdi: httpUrlInput('cdi-release-url', DEFAULT_RELEASE_SOURCES.cdi, sample),
    },
    emulation: enumInput('emulation', ['auto', 'true', 'false'] as const, 'auto'),
    timeoutMs: durationInput('install-timeout') ?? 15 * 60_000,
  };
}

/** install-kube-ovn's inputs, read (and refused when wrong) before the cluster is touched. */
async function kubeOvnInputs() {
  if (!booleanInput('install-kube-ovn', false)) return undefined;
  const { KUBE_OVN_PINNED, DEFAULT_KUBE_OVN_SOURCES } = await import('../toolkit/kube-ovn-install.js');
  return {
    versions: { kubeOvn: optionalInput('kube-ovn-version') ?? KUBE_OVN_PINNED.kubeOvn, multus: optionalInput('multus-version') ?? KUBE_OVN_PINNED.multus },
    sources: {
      chartRepo: httpUrlInput('kube-ovn-chart-repo', DEFAULT_KUBE_OVN_SOURCES.chartRepo),
      multus: httpUrlInput('multus-release-url', DEFAULT_KUBE_OVN_SOURCES.multus, { '{version}': 'v1.0.0' }),
    },
    timeoutMs: durationInput('install-timeout') ?? 15 * 60_000,
  };
}

async function prepareCluster(ctx: ActionContext, cluster: Cluster, kc: KubeConfig, kubeconfig: string | undefined, namespace: string) {
  const { blockingProblems, checkCluster, describeCapabilities, ensureNamespace, installKubevirt } = cluster;
  const install = installInputs(cluster);
  const kubeOvn = await kubeOvnInputs();
  // The CNI first: on a cluster made without one (kind's disableDefaultCNI) nodes stay NotReady
  // and KubeVirt's and CDI's pods cannot start until Kube-OVN is there.
  if (kubeOvn) {
    const { installKubeOvn } = await import('../toolkit/kube-ovn-install.js');
    await installKubeOvn(kc, { ...kubeOvn, ...(kubeconfig ? { kubeconfig } : {}), logger: ctx.logger, signal: ctx.signal, env: ctx.env });
  }
  let caps = await checkCluster(kc);
  if (install && blockingProblems(caps).length > 0) {
    await installKubevirt(kc, {
      ...install,
      emulation: install.emulation === 'auto' ? !(await runnerHasKvm(ctx)) : install.emulation === 'true',
      logger: ctx.logger,
      signal: ctx.signal,
    });
    caps = await checkCluster(kc);
  }
  // Installed but still starting (a fresh cluster, an operator rollout): wait for KubeVirt Deployed and CDI Available.
  if (cluster.onlyStarting(caps)) caps = await cluster.waitUntilReady(kc, { timeoutMs: durationInput('install-timeout') ?? 15 * 60_000, logger: ctx.logger, signal: ctx.signal });
  for (const line of describeCapabilities(caps)) ctx.logger.info(line);
  for (const warning of cluster.capabilityWarnings(caps)) ctx.logger.warn(warning);
  const problems = blockingProblems(caps);
  if (problems.length > 0) throw new UserError(`this cluster cannot run builds yet: ${problems.join('; ')}`);
  const created = await ensureNamespace(kc, namespace);
  ctx.logger.info(created ? `namespace ${namespace} created` : `namespace ${namespace} exists; using it`);
  return { caps, created };
}

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const engine = enumInput('engine', ['local', 'kubevirt'] as const, 'local');
    core.saveState(STATE.engine, engine);

    if (engine === 'local') {
      const options = {
        installPackages: booleanInput('install-packages', true),
        fixKvm: booleanInput('fix-kvm-permissions', true),
        requireKvm: booleanInput('require-kvm', false),
        logger: ctx.logger,
        signal: ctx.signal,
        env: ctx.env,
      };
      const r = await core.group('local engine: QEMU on this runner', () => setupLocalHost(options));
      // Later steps (and their VM keepers) skip the accelerator probe.
      core.exportVariable('RUDDERVIRT_ACCEL', r.accelerator);
      await updateHandoff('local', (h) => {
        h.engine = 'local';
        h.accelerator = r.accelerator;
      });
      setOutputs({ engine, namespace: '', accelerator: r.accelerator }, ctx.masker);
      await writeSummary(
        `### RudderVirt: local engine ready\n\n| | |\n|---|---|\n| Accelerator | ${r.accelerator === 'kvm' ? 'KVM' : 'TCG (software emulation, slow)'} |\n` +
          `| Why | ${escapeCell(r.reason)} |\n| /dev/kvm | ${r.kvm} |\n| Installed | ${r.installed.join(', ') || 'nothing (all present)'} |\n`,
        ctx.masker,
      );
      return;
    }

    // Inline content (a secret) becomes a 0600 file; only its path is handed to later steps.
    const given = await kubeconfigInput(ctx, stageSecretsDir(ctx.env));
    const kubeconfig = given?.path ?? ctx.env.KUBECONFIG;
    const namespace = optionalInput('namespace') ?? 'ruddervirt-builds';
    const cluster = await import('../toolkit/kubevirt-cluster.js');
    const kc = cluster.loadKubeConfig(kubeconfig);
    core.saveState(STATE.kubeconfig, kubeconfig ?? '');
    core.saveState(STATE.handoff, handoffPath());
    core.saveState(STATE.cleanup, String(booleanInput('cleanup', true)));
    const { caps, created } = await core.group(`kubevirt engine: cluster ${kc.getCurrentCluster()?.server}`, () => prepareCluster(ctx, cluster, kc, kubeconfig, namespace));
    core.saveState(STATE.namespace, namespace);
    core.saveState(STATE.namespaceCreated, String(created));
    await updateHandoff('kubevirt', (h) => {
      h.engine = 'kubevirt';
      h.namespace = namespace;
      if (kubeconfig) h.kubeconfig = kubeconfig;
    });
    setOutputs({ engine, namespace, accelerator: caps.kubevirt.emulation ? 'tcg' : 'kvm' }, ctx.masker);
    await writeSummary(
      `### RudderVirt: cluster ready\n\n${cluster
        .describeCapabilities(caps)
        .map((l) => `- ${escapeCell(l)}`)
        .join('\n')}\n- Namespace: \`${escapeCell(namespace)}\`${created ? ' (created)' : ''}\n`,
      ctx.masker,
    );
  });
