import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  waitFor
} from "./chunk-ZDQUUEWG.js";

// src/engines/kubevirt/cluster/data-volume-wait.ts
var MAX_IMPORTER_RESTARTS = 3;
function dataVolumeRef(namespace, name) {
  return { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", namespace, name };
}
function parseProgress(progress) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(progress ?? "");
  if (!m) return void 0;
  const pct = Number(m[1]);
  return pct >= 0 && pct <= 100 ? pct : void 0;
}
function conditionMessage(dv) {
  const running = dv.status?.conditions?.find((c2) => c2.type === "Running" && c2.status !== "True" && (c2.message || c2.reason));
  const ready = dv.status?.conditions?.find((c2) => c2.type === "Ready" && c2.status !== "True" && c2.message);
  const c = running ?? ready;
  return c ? `${c.reason ? `${c.reason}: ` : ""}${c.message ?? ""}`.trim() : void 0;
}
function claimNotValid(dv) {
  if (dv.status?.phase) return void 0;
  const bound = dv.status?.conditions?.find((c) => c.type === "Bound" && c.status === "False" && c.reason === "ErrClaimNotValid");
  if (!bound) return void 0;
  const message = bound.message ?? "";
  if (!/accessMode|StorageProfile/.test(message)) return `CDI cannot make its PersistentVolumeClaim: ${message || "ErrClaimNotValid"}`;
  return `CDI cannot make its PersistentVolumeClaim: ${message}. The storage class's StorageProfile gives no access or volume mode (CDI does not know its provisioner): set accessMode and volumeMode in the build file's kubevirt: block (or --access-mode / --volume-mode), e.g. ReadWriteOnce and Filesystem, or have an admin set the StorageProfile's spec.claimPropertySets`;
}
function judgeDataVolume(dv) {
  if (!dv) return { waiting: "not created yet" };
  const phase = dv.status?.phase ?? "";
  if (phase === "Succeeded") return { done: "succeeded" };
  const invalid = claimNotValid(dv);
  if (invalid) return { failed: invalid };
  if (phase === "WaitForFirstConsumer" || phase === "PendingPopulation") return { done: "waits-for-consumer" };
  if (phase === "Failed") return { failed: conditionMessage(dv) ?? "CDI marked it Failed" };
  const restarts = dv.status?.restartCount ?? 0;
  if (restarts >= MAX_IMPORTER_RESTARTS) return { failed: `its importer failed ${restarts} times${conditionMessage(dv) ? `; last: ${conditionMessage(dv)}` : ""}` };
  const progress = parseProgress(dv.status?.progress);
  return { waiting: `${phase || "pending"}${progress !== void 0 ? ` ${progress.toFixed(1)}%` : ""}` };
}
async function waitForDataVolumes(req) {
  const outcomes = /* @__PURE__ */ new Map();
  await Promise.all(
    req.dataVolumes.map(async ({ name, label }) => {
      let lastTenth = -1;
      let lastPhase;
      const ref = dataVolumeRef(req.namespace, name);
      const outcome = await waitFor(req.objects, {
        ref,
        what: `the ${label} (DataVolume ${name})`,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        judge: judgeDataVolume,
        explain: [ref, { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: req.namespace, name }, { apiVersion: "v1", kind: "Pod", namespace: req.namespace, name: `importer-${name}` }],
        onState: (dv) => {
          const phase = dv?.status?.phase;
          const pct = parseProgress(dv?.status?.progress);
          const tenth = pct === void 0 ? -1 : Math.floor(pct / 10);
          if (phase === lastPhase && tenth <= lastTenth) return;
          lastPhase = phase;
          lastTenth = Math.max(lastTenth, tenth);
          req.logger.progress({
            phase: `${label}`,
            ...pct !== void 0 ? { done: Math.round(pct), total: 100, unit: "items" } : {},
            message: phase ? `(${phase})` : "(waiting for CDI)"
          });
        }
      });
      if (outcome === "waits-for-consumer") req.logger.info(`${label}: the storage binds when the VM is scheduled; CDI fills it then`);
      outcomes.set(name, outcome);
    })
  );
  return outcomes;
}

// src/engines/kubevirt/cluster/vmi-wait.ts
var FATAL_VM_STATUSES = /* @__PURE__ */ new Set(["ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "ErrorPvcNotFound", "DataVolumeError"]);
function vmiRef(namespace, name) {
  return { apiVersion: "kubevirt.io/v1", kind: "VirtualMachineInstance", namespace, name };
}
function vmRef(namespace, name) {
  return { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", namespace, name };
}
function pendingConditions(conditions) {
  const notes = (conditions ?? []).filter((c) => c.status !== "True" && (c.reason || c.message)).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`);
  return notes.length > 0 ? `; ${notes.join(", ")}` : "";
}
function judgeVmiRunning(vmi) {
  if (!vmi) return { waiting: "no VirtualMachineInstance yet" };
  const phase = vmi.status?.phase ?? "";
  if (phase === "Running") return { done: vmi };
  if (phase === "Succeeded") return { failed: "the guest powered off before the build could use it" };
  if (phase === "Failed") {
    const why = vmi.status?.conditions?.find((c) => c.status !== "True" && c.message)?.message;
    return { failed: `the VM failed${why ? `: ${why}` : ""}` };
  }
  return { waiting: `${phase || "Pending"}${pendingConditions(vmi.status?.conditions)}` };
}
function judgeVmStarting(vm) {
  if (!vm) return { failed: "the VirtualMachine was deleted while it was starting" };
  const status = vm.status?.printableStatus ?? "";
  if (FATAL_VM_STATUSES.has(status)) {
    const why = vm.status?.conditions?.find((c) => c.status !== "True" && c.message)?.message ?? vm.status?.conditions?.find((c) => c.type === "Failure")?.message;
    return { failed: `${status}${why ? `: ${why}` : ""}` };
  }
  return { waiting: status || "no status yet" };
}
function judgeVmiStopped(vmi) {
  if (!vmi) return { done: "deleted" };
  const phase = vmi.status?.phase;
  if (phase === "Succeeded") return { done: "succeeded" };
  if (phase === "Failed") return { done: "failed" };
  return { waiting: `still ${phase ?? "Pending"}` };
}
async function waitForVmiRunning(req) {
  const both = new AbortController();
  const signal = AbortSignal.any([req.signal, both.signal]);
  const explain = [vmRef(req.namespace, req.name), vmiRef(req.namespace, req.name)];
  const running = waitFor(req.objects, {
    ref: vmiRef(req.namespace, req.name),
    what: `starting VM ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeVmiRunning,
    explain,
    onState: (vmi, verdict) => {
      if ("waiting" in verdict && vmi) req.logger.info(`vm ${req.label}: ${verdict.waiting}`);
    }
  });
  const fatal = waitFor(req.objects, {
    ref: vmRef(req.namespace, req.name),
    what: `starting VM ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeVmStarting,
    explain
  });
  const watchdog = fatal.then(
    () => new Promise(() => {
    }),
    (err) => Promise.reject(err)
  );
  try {
    return await Promise.race([running, watchdog]);
  } finally {
    both.abort(new Error("VM start wait finished"));
    await Promise.allSettled([running, fatal]);
  }
}

export {
  dataVolumeRef,
  waitForDataVolumes,
  vmiRef,
  vmRef,
  judgeVmiStopped,
  waitForVmiRunning
};
