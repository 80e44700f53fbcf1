import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  checkKubevirtOptions
} from "./chunk-UF5DILBV.js";
import {
  runLabels
} from "./chunk-FARCU6DL.js";
import {
  effectiveSettings
} from "./chunk-M2E66S6E.js";
import {
  broadcastAddress,
  formatIpv4,
  parseCidr,
  planLayerNetwork
} from "./chunk-GKBTVNDX.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/engines/kubevirt/manifests/names.ts
import { createHash, randomBytes } from "node:crypto";
var MAX_NAME_LENGTH = 63;
var DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
var HASH_LENGTH = 8;
function isDnsLabel(text, maxLength = MAX_NAME_LENGTH) {
  return text.length <= maxLength && DNS_LABEL.test(text);
}
function sanitize(part) {
  return part.toLowerCase().replace(/[^-a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
function shortHash(text) {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}
function kubeName(parts, options = {}) {
  const maxLength = options.maxLength ?? MAX_NAME_LENGTH;
  if (maxLength <= HASH_LENGTH) throw new Error(`internal: names of at most ${maxLength} characters cannot hold a hash`);
  const rawSuffix = options.suffix ?? "";
  const suffix = sanitize(rawSuffix);
  const tail = suffix ? `-${suffix}` : "";
  const cleaned = parts.map(sanitize).filter((p) => p.length > 0);
  const joined = cleaned.join("-");
  const changed = suffix !== rawSuffix || cleaned.length !== parts.length || cleaned.some((p, i) => p !== parts[i]);
  if (!changed && joined.length > 0 && joined.length + tail.length <= maxLength) return joined + tail;
  const hash = shortHash(JSON.stringify([parts, rawSuffix]));
  const budget = maxLength - tail.length - HASH_LENGTH - 1;
  if (budget < 0)
    return `${[joined, suffix].filter(Boolean).join("-").slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, "")}-${hash}`.replace(/^-/, "");
  const head = joined.slice(0, budget).replace(/-+$/, "");
  return `${head ? `${head}-` : ""}${hash}${tail}`;
}
var RUN_ID = /^[a-z0-9]{1,12}$/;
function checkRunId(runId) {
  return RUN_ID.test(runId) ? void 0 : `run id '${runId}' must be 1 to 12 lower-case letters and digits`;
}
function newRunId(random = randomBytes) {
  const bytes = random(6);
  let id = "";
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}
function stableRunId(plan) {
  const digest = createHash("sha256").update(plan).digest();
  return newRunId((n) => digest.subarray(0, n));
}

// src/engines/kubevirt/manifests/run-names.ts
var EGRESS_GATEWAY_MAX_LENGTH = 40;
var RunNames = class {
  constructor(build, runId) {
    this.build = build;
    this.runId = runId;
  }
  build;
  runId;
  /** The run's root ConfigMap, owner of every namespaced object of the run. */
  get root() {
    return kubeName([this.build, this.runId]);
  }
  vpc(vpc) {
    return kubeName([this.build, vpc, this.runId]);
  }
  subnet(subnet) {
    return kubeName([this.build, subnet, this.runId]);
  }
  egressGateway(vpc) {
    return kubeName([this.build, vpc, this.runId], { suffix: "egress", maxLength: EGRESS_GATEWAY_MAX_LENGTH });
  }
  networkAttachment(subnet) {
    return kubeName([this.build, subnet, this.runId], { suffix: "nad" });
  }
  vm(layer, vm) {
    const parts = [this.build, layer, vm, this.runId];
    const named = (suffix) => kubeName(parts, suffix === void 0 ? {} : { suffix });
    return {
      vm: named(),
      rootDisk: named("root"),
      disk: (name) => named(`disk-${name}`),
      installIso: named("install-iso"),
      cdrom: (name) => named(`cd-${name}`),
      httpFiles: named("http-files"),
      httpServer: named("http"),
      sshJump: named("ssh"),
      output: named("output"),
      export: named("export"),
      exportToken: named("export-token")
    };
  }
};

// src/engines/kubevirt/manifests/subnet-addresses.ts
function vmSubnetAddresses(build, layer, vm) {
  const plan = planLayerNetwork(build, layer);
  const out = /* @__PURE__ */ new Map();
  for (const s of plan.subnets) for (const m of s.members) if (m.vm === vm.name) out.set(m.nic, formatIpv4(m.address));
  return out;
}
function helperAddresses(build, layer, vm) {
  const subnet = vm.nics[0]?.subnet;
  if (subnet === void 0) return void 0;
  const declared = build.network.vpcs.flatMap((v) => v.subnets).find((s) => s.name === subnet);
  if (!declared) return void 0;
  const index = build.layers.flatMap((l) => l.vms.map((v) => ({ l, v }))).filter(({ v }) => v.nics[0]?.subnet === subnet).findIndex(({ l, v }) => l === layer && v === vm);
  const top = broadcastAddress(parseCidr(declared.cidr)) - 1 - (egressGatewayAddress(build, subnet) === void 0 ? 0 : 1);
  return { fileServer: formatIpv4(top - 2 * index), sshJump: formatIpv4(top - 2 * index - 1) };
}
function lowestHelperAddress(build, subnet) {
  const declared = build.network.vpcs.flatMap((v) => v.subnets).find((s) => s.name === subnet);
  const count = build.layers.flatMap((l) => l.vms).filter((v) => v.nics[0]?.subnet === subnet).length;
  const gateway = egressGatewayAddress(build, subnet) === void 0 ? 0 : 1;
  if (!declared || count + gateway === 0) return void 0;
  return broadcastAddress(parseCidr(declared.cidr)) - 2 * count - gateway;
}
function egressGatewayAddress(build, subnet) {
  const vpc = build.network.vpcs.find((v) => v.internet && v.subnets[0]?.name === subnet);
  const first = vpc?.subnets[0];
  return first ? broadcastAddress(parseCidr(first.cidr)) - 1 : void 0;
}

// src/engines/kubevirt/manifests/render-options.ts
import { randomBytes as randomBytes2 } from "node:crypto";

// src/engines/kubevirt/manifests/render-context.ts
import path from "node:path";
function renderContext(build, options, inputs, run = {}) {
  return { build, options, names: new RunNames(build.name, options.runId), inputs, run, problems: [] };
}
function vmScopes(ctx) {
  return ctx.build.layers.flatMap((layer, layerIndex) => layer.vms.map((vm, vmIndex) => ({ layer, vm, names: ctx.names.vm(layer.name, vm.name), layerIndex, vmIndex })));
}
function reportVmProblem(ctx, scope, field, message) {
  const positions = scope.vm.positions ?? {};
  let key = field;
  let pos = positions[key];
  while (!pos && key.includes(".")) {
    key = key.slice(0, key.lastIndexOf("."));
    pos = positions[key];
  }
  const fieldPath = field.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
  ctx.problems.push({
    file: pos?.file ?? ctx.build.file,
    line: pos?.line ?? 1,
    column: pos?.column ?? 1,
    path: `layers[${scope.layerIndex}].vms[${scope.vmIndex}].${fieldPath}`,
    message: `kubevirt engine: ${message}`
  });
}
function objectMeta(ctx, name, component, scope, extras = {}) {
  const meta = { name };
  if (!extras.clusterScoped) meta.namespace = ctx.options.namespace;
  meta.labels = runLabels({ build: ctx.build.name, runId: ctx.options.runId, ...scope ? { layer: scope.layer.name, vm: scope.vm.name } : {} }, component);
  if (extras.annotations && Object.keys(extras.annotations).length > 0) meta.annotations = { ...extras.annotations };
  return meta;
}
function shownPath(ctx, file) {
  const rel = path.relative(ctx.build.dir, file);
  return rel === "" || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

// src/engines/kubevirt/manifests/cluster-settings.ts
var DEFAULT_HELPER_IMAGE = "docker.io/library/busybox:1.37";
function vmSettings(ctx, scope) {
  return effectiveSettings(ctx.build.kubevirt, scope?.vm.kubevirt, ctx.options.kubevirt).settings;
}
function httpServerImage(settings) {
  return settings.httpServerImage ?? DEFAULT_HELPER_IMAGE;
}
function sshJumpImage(settings) {
  return settings.sshJumpImage ?? settings.httpServerImage ?? DEFAULT_HELPER_IMAGE;
}
function helperPlacement(settings) {
  return {
    ...settings.nodeSelector && Object.keys(settings.nodeSelector).length > 0 ? { nodeSelector: { ...settings.nodeSelector } } : {},
    ...settings.tolerations && settings.tolerations.length > 0 ? { tolerations: settings.tolerations.map((t) => ({ ...t })) } : {}
  };
}
function reportSettingProblem(ctx, scope, key, rest, message) {
  const { origin } = effectiveSettings(ctx.build.kubevirt, scope.vm.kubevirt, ctx.options.kubevirt);
  const field = `kubevirt.${key}${rest ? `.${rest}` : ""}`;
  switch (origin[key]) {
    case "vm":
      reportVmProblem(ctx, scope, field, message);
      return;
    case "build": {
      if (ctx.problems.some((p) => p.path === field && p.message === `kubevirt engine: ${message}`)) return;
      const positions = ctx.build.kubevirt?.positions ?? {};
      const pos = positions[`${key}${rest ? `.${rest}` : ""}`] ?? positions[key];
      ctx.problems.push({ file: pos?.file ?? ctx.build.file, line: pos?.line ?? 1, column: pos?.column ?? 1, path: field, message: `kubevirt engine: ${message}` });
      return;
    }
    default:
      if (ctx.problems.some((p) => p.path === field && p.message.startsWith(`kubevirt engine: ${message} (`))) return;
      ctx.problems.push({ file: ctx.build.file, line: 1, column: 1, path: field, message: `kubevirt engine: ${message} (given on the command line or as an action input)` });
  }
}

// src/engines/kubevirt/manifests/render-options.ts
var DEFAULT_FILE_SERVER_PORT = 8080;
var DEFAULT_EGRESS_EXTERNAL_SUBNET = "ovn-vpc-external-network";
function randomExportToken() {
  return randomBytes2(24).toString("base64url");
}
function renderOptions(given) {
  const options = {
    namespace: "default",
    capture: { mode: "clone" },
    exportApiVersion: "v1",
    kubevirt: {},
    egressExternalSubnet: DEFAULT_EGRESS_EXTERNAL_SUBNET,
    httpPort: DEFAULT_FILE_SERVER_PORT,
    isoVolumeBytes: 10 * 1024 ** 3,
    exportTtl: "2h",
    exportToken: randomExportToken,
    ...given
  };
  const problems = [];
  if (!isDnsLabel(options.namespace)) problems.push(`namespace '${options.namespace}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)`);
  const runIdProblem = checkRunId(options.runId);
  if (runIdProblem) problems.push(runIdProblem);
  if (options.capture.mode === "volume-snapshot" && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(options.capture.snapshotClass)) {
    problems.push(`volume snapshot class '${options.capture.snapshotClass}' is not a Kubernetes name`);
  }
  if (!isDnsLabel(options.egressExternalSubnet)) problems.push(`egress external subnet '${options.egressExternalSubnet}' is not a Kube-OVN subnet name`);
  if (!Number.isInteger(options.httpPort) || options.httpPort < 1 || options.httpPort > 65535) problems.push(`HTTP port ${options.httpPort} is not a TCP port`);
  if (problems.length > 0) throw new UserError(`kubevirt engine: ${problems.join("; ")}`);
  const tokens = /* @__PURE__ */ new Map();
  const token = options.exportToken;
  options.exportToken = (key) => {
    let t = tokens.get(key);
    if (t === void 0) tokens.set(key, t = token(key));
    return t;
  };
  options.kubevirt = checkKubevirtOptions(options.kubevirt, {});
  return options;
}

export {
  isDnsLabel,
  kubeName,
  checkRunId,
  newRunId,
  stableRunId,
  RunNames,
  renderContext,
  vmScopes,
  reportVmProblem,
  objectMeta,
  shownPath,
  vmSettings,
  httpServerImage,
  sshJumpImage,
  helperPlacement,
  reportSettingProblem,
  vmSubnetAddresses,
  helperAddresses,
  lowestHelperAddress,
  egressGatewayAddress,
  DEFAULT_FILE_SERVER_PORT,
  randomExportToken,
  renderOptions
};
