import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ResolveContext,
  checkStructure,
  isRaw,
  resolveKubevirt
} from "./chunk-M2E66S6E.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import {
  kubevirtSpec
} from "./chunk-NHD4EFUK.js";
import {
  parseQuantity
} from "./chunk-UWT5WVQO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/config/kubevirt-options.ts
var import_yaml = __toESM(require_dist(), 1);
function checkKubevirtOptions(given, names) {
  const present = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== void 0));
  if (Object.keys(present).length === 0) return {};
  const text = (0, import_yaml.stringify)(present);
  const lineCounter = new import_yaml.LineCounter();
  const doc = new import_yaml.Document(present);
  const structure = checkStructure(doc, kubevirtSpec, { file: "options", text, lineCounter });
  const ctx = new ResolveContext("options", process.cwd(), structure.positions, lineCounter, false, text);
  const settings = resolveKubevirt(ctx, isRaw(structure.value) ? structure.value : {}, []) ?? {};
  const problems = [...structure.problems, ...ctx.problems].map((p) => {
    const key = p.path.split(/[.[]/)[0] ?? "";
    const rest = p.path.slice(key.length);
    return `${names[key] ?? key}${rest ? ` (${rest.replace(/^\./, "")})` : ""}: ${p.message}`;
  });
  if (problems.length > 0) throw new UserError(problems.join("\n"));
  return settings;
}
var KINDS = {
  virtualmachineclusterinstancetype: "VirtualMachineClusterInstancetype",
  virtualmachineinstancetype: "VirtualMachineInstancetype",
  virtualmachineclusterpreference: "VirtualMachineClusterPreference",
  virtualmachinepreference: "VirtualMachinePreference"
};
function parseKubevirtOptions(given, names) {
  const problems = [];
  const raw = {};
  for (const key of ["storageClassName", "volumeMode", "accessMode", "httpServerImage", "sshJumpImage"]) if (given[key] !== void 0) raw[key] = given[key];
  if (given.nodeSelector && given.nodeSelector.length > 0) {
    const selector = {};
    for (const item of given.nodeSelector) {
      const eq = item.indexOf("=");
      if (eq <= 0) problems.push(`${names.nodeSelector}: expected KEY=VALUE (a node label), got '${item}'`);
      else selector[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
    }
    raw.nodeSelector = selector;
  }
  if (given.tolerations && given.tolerations.length > 0) {
    raw.tolerations = given.tolerations.map((item) => {
      const colon = item.lastIndexOf(":");
      const [head, effect] = colon >= 0 ? [item.slice(0, colon), item.slice(colon + 1)] : [item, void 0];
      const eq = head.indexOf("=");
      const [key, value] = eq >= 0 ? [head.slice(0, eq), head.slice(eq + 1)] : [head, void 0];
      return {
        ...key ? { key } : {},
        operator: value === void 0 ? "Exists" : "Equal",
        ...value !== void 0 ? { value } : {},
        ...effect ? { effect } : {}
      };
    });
  }
  for (const key of ["affinity", "resources"]) {
    const text = given[key];
    if (text === void 0 || text.trim() === "") continue;
    try {
      raw[key] = (0, import_yaml.parse)(text);
    } catch (err) {
      problems.push(`${names[key]}: not YAML or JSON: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
  }
  for (const key of ["instancetype", "preference"]) {
    const text = given[key];
    if (text === void 0) continue;
    const slash = text.indexOf("/");
    if (slash < 0) {
      raw[key] = text;
      continue;
    }
    const kind = KINDS[text.slice(0, slash).toLowerCase()];
    const allowed = Object.entries(KINDS).filter(([, k]) => k.endsWith(key === "instancetype" ? "Instancetype" : "Preference"));
    if (!kind || !allowed.some(([, k]) => k === kind)) problems.push(`${names[key]}: expected [KIND/]NAME with KIND ${allowed.map(([k]) => k).join(" or ")}, got '${text}'`);
    else raw[key] = { name: text.slice(slash + 1), kind };
  }
  if (problems.length > 0) throw new UserError(problems.join("\n"));
  return checkKubevirtOptions(raw, names);
}
function parseKubevirtEngineOptions(given, names) {
  const out = {};
  const subnet = given.egressExternalSubnet;
  if (subnet !== void 0) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(subnet)) throw new UserError(`${names.egressExternalSubnet}: '${subnet}' is not a Kube-OVN subnet name (lower-case letters, digits and '-', at most 63)`);
    out.egressExternalSubnet = subnet;
  }
  const iso = given.isoSize;
  if (iso !== void 0) {
    const size = parseQuantity(iso);
    if ("error" in size) throw new UserError(`${names.isoSize}: ${size.error}`);
    if (size.bytes <= 0) throw new UserError(`${names.isoSize}: expected a size above 0, e.g. 10Gi, got '${iso}'`);
    out.isoVolumeBytes = size.bytes;
  }
  return out;
}

export {
  checkKubevirtOptions,
  parseKubevirtOptions,
  parseKubevirtEngineOptions
};
