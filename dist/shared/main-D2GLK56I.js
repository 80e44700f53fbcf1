import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  escapeCell,
  setOutputs,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import {
  kubeconfigInput,
  stageSecretsDir
} from "./chunk-CNXIYP7B.js";
import {
  booleanInput,
  durationInput,
  enumInput,
  handoffPath,
  httpUrlInput,
  optionalInput,
  runAction,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import {
  exportVariable,
  group,
  saveState
} from "./chunk-U4TFD2UW.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-UF5DILBV.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  chooseAccelerator
} from "./chunk-L2EL4R3K.js";
import {
  findOnPath
} from "./chunk-JKYMEDOZ.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/actions/toolkit/local-host.ts
import { spawn } from "node:child_process";
import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
var REQUIRED_TOOLS = [
  { tool: "qemu-system-x86_64", debianPackage: "qemu-system-x86" },
  { tool: "qemu-img", debianPackage: "qemu-utils" },
  { tool: "xorriso", debianPackage: "xorriso" }
];
var OVMF = { file: "/usr/share/OVMF/OVMF_CODE_4M.fd", alternatives: ["/usr/share/OVMF/OVMF_CODE.fd"], debianPackage: "ovmf" };
var KVM_UDEV_RULE_FILE = "/etc/udev/rules.d/99-ruddervirt-kvm.rules";
var KVM_UDEV_RULE = 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n';
function runCommand(command, args, logger, signal, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], signal, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    let output = "";
    const onData = (chunk) => {
      const text = chunk.toString("utf8");
      output = (output + text).slice(-64 * 1024);
      for (const line of text.split("\n")) if (line.trim()) logger.info(`  ${line.trimEnd()}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (err) => err.code === "ENOENT" ? resolve({ code: 127, output: `${command}: not found` }) : reject(err));
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end(input ?? "");
  });
}
function onPath(tool, env = process.env) {
  return findOnPath(tool, env) !== void 0;
}
function missingPackages(env = process.env) {
  const missing = REQUIRED_TOOLS.filter((t) => !onPath(t.tool, env)).map((t) => t.debianPackage);
  if (![OVMF.file, ...OVMF.alternatives].some((f) => existsSync(f))) missing.push(OVMF.debianPackage);
  return missing;
}
function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
function asRoot(command, args) {
  return isRoot() ? [command, args] : ["sudo", ["-n", command, ...args]];
}
async function installPackages(packages, logger, signal) {
  if (packages.length === 0) return;
  if (!onPath("apt-get")) {
    throw new UserError(`missing packages ${packages.join(", ")}, and this runner has no apt-get: install QEMU (qemu-system-x86_64, qemu-img), xorriso and OVMF before this step`);
  }
  logger.info(`installing ${packages.join(" ")} with apt-get`);
  const update = await runCommand(...asRoot("apt-get", ["update", "-q"]), logger, signal);
  if (update.code !== 0) logger.warn(`apt-get update failed (exit ${update.code}); trying the install with the package lists this runner has`);
  const install = await runCommand(...asRoot("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages]), logger, signal);
  if (install.code !== 0) {
    throw new UserError(`apt-get install ${packages.join(" ")} failed (exit ${install.code})${isRoot() ? "" : "; the runner user needs passwordless sudo"}`);
  }
}
async function kvmAccessible(device = "/dev/kvm") {
  try {
    await access(device, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
async function fixKvmPermissions(logger, signal, device = "/dev/kvm") {
  if (!existsSync(device)) return "absent";
  if (await kvmAccessible(device)) return "accessible";
  logger.info(`${device} is not usable by this user: adding the udev rule ${KVM_UDEV_RULE_FILE}`);
  await runCommand(...asRoot("tee", [KVM_UDEV_RULE_FILE]), logger, signal, KVM_UDEV_RULE);
  await runCommand(...asRoot("udevadm", ["control", "--reload-rules"]), logger, signal);
  await runCommand(...asRoot("udevadm", ["trigger", "--name-match=kvm"]), logger, signal);
  if (!await kvmAccessible(device)) await runCommand(...asRoot("chmod", ["0666", device]), logger, signal);
  return await kvmAccessible(device) ? "fixed" : "not-fixed";
}
async function setupLocalHost(o) {
  const missing = missingPackages(o.env);
  if (missing.length > 0) {
    if (!o.installPackages) throw new UserError(`missing packages: ${missing.join(", ")} (set install-packages: true, or install them before this step)`);
    await installPackages(missing, o.logger, o.signal);
    const still = missingPackages(o.env);
    if (still.length > 0) throw new UserError(`still missing after apt-get install: ${still.join(", ")}`);
  } else {
    o.logger.info("qemu, qemu-img, xorriso and OVMF are installed");
  }
  const kvm = o.fixKvm ? await fixKvmPermissions(o.logger, o.signal) : existsSync("/dev/kvm") ? await kvmAccessible() ? "accessible" : "not-fixed" : "absent";
  const choice = await chooseAccelerator({ logger: o.logger, env: o.env });
  if (o.requireKvm && choice.accelerator !== "kvm") {
    throw new UserError(`require-kvm: KVM is not usable on this runner (${choice.reason}); builds would fall back to slow TCG emulation`);
  }
  return { installed: missing, kvm, accelerator: choice.accelerator, reason: choice.reason };
}

// src/actions/setup-cluster/main.ts
async function runnerHasKvm(ctx) {
  const told = ctx.env.RUDDERVIRT_ACCEL;
  if (told !== "kvm" && told !== "tcg" && await kvmAccessible() && !onPath("qemu-system-x86_64", ctx.env)) {
    if (!booleanInput("install-packages", true)) {
      ctx.logger.warn("emulation: auto: qemu-system-x86_64 is not installed, so the KVM probe cannot run; trusting /dev/kvm, which opens (set emulation: true if guests hang)");
      return true;
    }
    await installPackages(["qemu-system-x86"], ctx.logger, ctx.signal);
  }
  const choice = await chooseAccelerator({ logger: ctx.logger, env: ctx.env });
  return choice.accelerator === "kvm";
}
function installInputs({ PINNED, DEFAULT_RELEASE_SOURCES }) {
  if (!booleanInput("install-kubevirt", false)) return void 0;
  const sample = { "{version}": "v1.0.0" };
  return {
    versions: { kubevirt: optionalInput("kubevirt-version") ?? PINNED.kubevirt, cdi: optionalInput("cdi-version") ?? PINNED.cdi },
    sources: {
      kubevirt: httpUrlInput("kubevirt-release-url", DEFAULT_RELEASE_SOURCES.kubevirt, sample),
      cdi: httpUrlInput("cdi-release-url", DEFAULT_RELEASE_SOURCES.cdi, sample)
    },
    emulation: enumInput("emulation", ["auto", "true", "false"], "auto"),
    timeoutMs: durationInput("install-timeout") ?? 15 * 6e4
  };
}
async function kubeOvnInputs() {
  if (!booleanInput("install-kube-ovn", false)) return void 0;
  const { KUBE_OVN_PINNED, DEFAULT_KUBE_OVN_SOURCES } = await import("./kube-ovn-install-ARO565AM.js");
  return {
    versions: { kubeOvn: optionalInput("kube-ovn-version") ?? KUBE_OVN_PINNED.kubeOvn, multus: optionalInput("multus-version") ?? KUBE_OVN_PINNED.multus },
    sources: {
      chartRepo: httpUrlInput("kube-ovn-chart-repo", DEFAULT_KUBE_OVN_SOURCES.chartRepo),
      multus: httpUrlInput("multus-release-url", DEFAULT_KUBE_OVN_SOURCES.multus, { "{version}": "v1.0.0" })
    },
    timeoutMs: durationInput("install-timeout") ?? 15 * 6e4
  };
}
async function prepareCluster(ctx, cluster, kc, kubeconfig, namespace) {
  const { blockingProblems, checkCluster, describeCapabilities, ensureNamespace, installKubevirt } = cluster;
  const install = installInputs(cluster);
  const kubeOvn = await kubeOvnInputs();
  if (kubeOvn) {
    const { installKubeOvn } = await import("./kube-ovn-install-ARO565AM.js");
    await installKubeOvn(kc, { ...kubeOvn, ...kubeconfig ? { kubeconfig } : {}, logger: ctx.logger, signal: ctx.signal, env: ctx.env });
  }
  let caps = await checkCluster(kc);
  if (install && blockingProblems(caps).length > 0) {
    await installKubevirt(kc, {
      ...install,
      emulation: install.emulation === "auto" ? !await runnerHasKvm(ctx) : install.emulation === "true",
      logger: ctx.logger,
      signal: ctx.signal
    });
    caps = await checkCluster(kc);
  }
  if (cluster.onlyStarting(caps)) caps = await cluster.waitUntilReady(kc, { timeoutMs: durationInput("install-timeout") ?? 15 * 6e4, logger: ctx.logger, signal: ctx.signal });
  for (const line of describeCapabilities(caps)) ctx.logger.info(line);
  for (const warning of cluster.capabilityWarnings(caps)) ctx.logger.warn(warning);
  const problems = blockingProblems(caps);
  if (problems.length > 0) throw new UserError(`this cluster cannot run builds yet: ${problems.join("; ")}`);
  const created = await ensureNamespace(kc, namespace);
  ctx.logger.info(created ? `namespace ${namespace} created` : `namespace ${namespace} exists; using it`);
  return { caps, created };
}
var run = () => runAction(async (ctx) => {
  const engine = enumInput("engine", ["local", "kubevirt"], "local");
  saveState(STATE.engine, engine);
  if (engine === "local") {
    const options = {
      installPackages: booleanInput("install-packages", true),
      fixKvm: booleanInput("fix-kvm-permissions", true),
      requireKvm: booleanInput("require-kvm", false),
      logger: ctx.logger,
      signal: ctx.signal,
      env: ctx.env
    };
    const r = await group("local engine: QEMU on this runner", () => setupLocalHost(options));
    exportVariable("RUDDERVIRT_ACCEL", r.accelerator);
    await updateHandoff("local", (h) => {
      h.engine = "local";
      h.accelerator = r.accelerator;
    });
    setOutputs({ engine, namespace: "", accelerator: r.accelerator }, ctx.masker);
    await writeSummary(
      `### RudderVirt: local engine ready

| | |
|---|---|
| Accelerator | ${r.accelerator === "kvm" ? "KVM" : "TCG (software emulation, slow)"} |
| Why | ${escapeCell(r.reason)} |
| /dev/kvm | ${r.kvm} |
| Installed | ${r.installed.join(", ") || "nothing (all present)"} |
`,
      ctx.masker
    );
    return;
  }
  const given = await kubeconfigInput(ctx, stageSecretsDir(ctx.env));
  const kubeconfig = given?.path ?? ctx.env.KUBECONFIG;
  const namespace = optionalInput("namespace") ?? "ruddervirt-builds";
  const cluster = await import("./kubevirt-cluster-RSUZSGXB.js");
  const kc = cluster.loadKubeConfig(kubeconfig);
  saveState(STATE.kubeconfig, kubeconfig ?? "");
  saveState(STATE.handoff, handoffPath());
  saveState(STATE.cleanup, String(booleanInput("cleanup", true)));
  const { caps, created } = await group(`kubevirt engine: cluster ${kc.getCurrentCluster()?.server}`, () => prepareCluster(ctx, cluster, kc, kubeconfig, namespace));
  saveState(STATE.namespace, namespace);
  saveState(STATE.namespaceCreated, String(created));
  await updateHandoff("kubevirt", (h) => {
    h.engine = "kubevirt";
    h.namespace = namespace;
    if (kubeconfig) h.kubeconfig = kubeconfig;
  });
  setOutputs({ engine, namespace, accelerator: caps.kubevirt.emulation ? "tcg" : "kvm" }, ctx.masker);
  await writeSummary(
    `### RudderVirt: cluster ready

${cluster.describeCapabilities(caps).map((l) => `- ${escapeCell(l)}`).join("\n")}
- Namespace: \`${escapeCell(namespace)}\`${created ? " (created)" : ""}
`,
    ctx.masker
  );
});
export {
  run
};
