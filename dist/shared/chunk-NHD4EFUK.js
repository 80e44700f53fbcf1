import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  QUANTITY_PATTERN,
  SIZE_PATTERN,
  parseQuantity,
  parseSize
} from "./chunk-UWT5WVQO.js";

// src/core/config/checksum.ts
var CHECKSUM_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
var CHECKSUM_PATTERN = `(?:${Object.entries(CHECKSUM_HEX_LENGTH).map(([algo, n]) => `${algo}:[0-9a-fA-F]{${n}}`).join("|")}|file:\\S.*)`;
function parseChecksum(text2) {
  const colon = text2.indexOf(":");
  const algos = Object.keys(CHECKSUM_HEX_LENGTH);
  if (colon === -1) {
    const bare = text2.trim();
    const guess = Object.entries(CHECKSUM_HEX_LENGTH).find(([, n]) => n === bare.length && /^[0-9a-fA-F]+$/.test(bare))?.[0];
    return {
      error: guess ? `missing the algorithm; expected ${guess}:${abbreviate(bare)} (algo:hex)` : `expected algo:hex where algo is ${algos.join(", ")}, e.g. sha256:<64 hex digits>`
    };
  }
  const algo = text2.slice(0, colon).toLowerCase();
  const hex = text2.slice(colon + 1);
  if (algo === "file") {
    const location = text2.slice(colon + 1).trim();
    if (location === "") return { error: "file: needs the checksum file after it: file:https://\u2026/SHA256SUMS or file:./SHA256SUMS" };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !/^(?:https?|file):\/\//i.test(location)) {
      return { error: `the checksum file '${location}' has an unsupported scheme; expected an http://, https:// or file:// URL, or a path relative to the build file` };
    }
    if (text2.slice(0, colon) !== algo) return { error: `write the prefix in lower case: 'file:\u2026'` };
    return { file: location };
  }
  if (!Object.hasOwn(CHECKSUM_HEX_LENGTH, algo)) {
    return { error: `unknown checksum algorithm '${text2.slice(0, colon)}'; expected one of ${algos.join(", ")}` };
  }
  const algorithm = algo;
  const want = CHECKSUM_HEX_LENGTH[algorithm];
  if (!/^[0-9a-fA-F]*$/.test(hex)) return { error: `the ${algorithm} digest must be hexadecimal digits (0-9, a-f)` };
  if (hex.length !== want) {
    const actual = Object.entries(CHECKSUM_HEX_LENGTH).find(([, n]) => n === hex.length)?.[0];
    const hint = actual ? `; ${hex.length} digits is a ${actual} digest, did you mean '${actual}:\u2026'?` : "";
    return { error: `a ${algorithm} digest has ${want} hex digits, found ${hex.length}${hint}` };
  }
  if (text2.slice(0, colon) !== algo) return { error: `write the algorithm in lower case: '${algo}:\u2026'` };
  return { checksum: { algorithm, hex: hex.toLowerCase() } };
}
function abbreviate(hex) {
  return hex.length > 16 ? `${hex.slice(0, 8)}\u2026` : hex;
}

// src/core/config/formats.ts
var OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
var K8S_NAME = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
var IMAGE_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var DNS_SUBDOMAIN = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*";
var QUALIFIED_NAME = "[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
var DURATION_PATTERN = "[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|\xB5s|\u03BCs|ms|s|m|h))+|[-+]?0";
var TEXT_WAIT_PATTERN = `<wait(?:Serial)? (?:'[^']+'|"[^"]+")>`;
var FORMATS = {
  bootWait: {
    pattern: `${DURATION_PATTERN}|${TEXT_WAIT_PATTERN}`,
    expected: `a Go duration such as 5s, or a text to wait for such as <wait 'boot:'> or <waitSerial 'login:'>`,
    explain: (v) => /^\d+(\.\d+)?$/.test(v) ? `a duration needs a unit; did you mean '${v}s'?` : /^<wait/i.test(v) ? `expected <wait 'TEXT'>, <wait "TEXT"> or <waitSerial 'TEXT'>: one space, then TEXT in quotes` : void 0
  },
  duration: {
    pattern: DURATION_PATTERN,
    expected: "a Go duration such as 500ms, 30s, 5m or 1h30m",
    explain: (v) => /^\d+(\.\d+)?$/.test(v) ? `a duration needs a unit; did you mean '${v}s'?` : /^\d+d$/.test(v) ? `Go durations have no d unit; did you mean '${Number(v.slice(0, -1)) * 24}h'?` : void 0
  },
  quantity: {
    pattern: QUANTITY_PATTERN,
    expected: "a Kubernetes quantity such as 512Mi, 2Gi or 10G",
    explain: (v) => {
      const r = parseQuantity(v);
      return "error" in r ? r.error : void 0;
    }
  },
  size: {
    // Sizes: k, M, G and T alone are refused (quantity.ts parseSize says why), here as in the schema.
    pattern: SIZE_PATTERN,
    expected: "a size such as 512Mi, 2Gi or 10e9 (binary suffixes Ki Mi Gi Ti; decimal as an exponent)",
    explain: (v) => {
      const r = parseSize(v);
      return "error" in r ? r.error : void 0;
    }
  },
  k8sName: {
    pattern: K8S_NAME,
    expected: "a Kubernetes name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    explain: (v) => {
      const fixed = v.toLowerCase().replace(/[^-a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
      return fixed && fixed !== v ? `'${v}' is not usable as a Kubernetes name; did you mean '${fixed}'?` : void 0;
    }
  },
  checksum: {
    pattern: CHECKSUM_PATTERN,
    expected: "algo:hex with algo md5, sha1, sha256 or sha512 and the digest of the right length",
    explain: (v) => {
      const r = parseChecksum(v);
      return "error" in r ? r.error : void 0;
    }
  },
  cidr: {
    pattern: `${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?\\d)`,
    expected: "an IPv4 CIDR such as 10.20.0.0/24"
  },
  url: {
    pattern: "(?:https?|file)://\\S+",
    expected: "an http://, https:// or file:// URL"
  },
  image: {
    pattern: `(?:[A-Za-z0-9][A-Za-z0-9.-]*(?::\\d+)?/)?${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?`,
    expected: "a container image reference such as quay.io/containerdisks/debian:12"
  },
  dnsSubdomain: {
    pattern: DNS_SUBDOMAIN,
    expected: "a Kubernetes object name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
  },
  labelKey: {
    pattern: `(?:${DNS_SUBDOMAIN}/)?${QUALIFIED_NAME}`,
    expected: "a label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.', e.g. kubernetes.io/arch"
  },
  labelValue: {
    pattern: `(?:${QUALIFIED_NAME})?`,
    expected: "a label value: empty, or up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
  },
  vmRef: {
    pattern: `${K8S_NAME}/${K8S_NAME}`,
    expected: "<layer>/<vm>, naming a VM of an earlier layer, e.g. base/web"
  },
  envAssignment: {
    // The key lands unquoted in a shell command line (KEY='value' cmd), so it must be a POSIX name:
    // anything else ("X;echo hi;Y", "$(id)") would run as shell code in the guest.
    pattern: "[A-Za-z_][A-Za-z0-9_]*=[\\s\\S]*",
    expected: "KEY=value, KEY an environment variable name: letters, digits and _, not starting with a digit",
    explain: (v) => {
      const eq = v.indexOf("=");
      return eq > 0 ? `'${v.slice(0, eq)}' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit` : void 0;
    }
  },
  fileName: {
    pattern: "(?!\\.\\.?$)[^/\\\\\\u0000-\\u001f]{1,255}",
    expected: "a file name: up to 255 characters, no '/', '\\' or control characters, not . or .."
  },
  volumeLabel: {
    pattern: "[A-Za-z0-9_.-]{1,32}",
    expected: "a volume label of 1 to 32 letters, digits, '_', '-' or '.', e.g. cidata or OEMDRV"
  },
  updateFilter: {
    pattern: "(?:include|exclude):[\\s\\S]+",
    expected: "include:EXPR or exclude:EXPR, where EXPR is PowerShell over $_ (the update)"
  },
  /** Keys, not values: */
  variableName: { pattern: "[A-Za-z_][A-Za-z0-9_-]*", expected: "a variable name: letters, digits, '_' and '-', not starting with a digit" },
  envName: { pattern: "[A-Za-z_][A-Za-z0-9_]*", expected: "an environment variable name: letters, digits and _, not starting with a digit" },
  httpPath: { pattern: "/[\\s\\S]*", expected: "a URL path starting with '/', e.g. /preseed.cfg" }
};
var compiled = /* @__PURE__ */ new Map();
function formatRegExp(name) {
  let re = compiled.get(name);
  if (!re) {
    re = new RegExp(`^(?:${FORMATS[name].pattern})$`, "u");
    compiled.set(name, re);
  }
  return re;
}
function checkFormat(name, value) {
  if (formatRegExp(name).test(value)) return void 0;
  const format = FORMATS[name];
  return format.explain?.(value) ?? `expected ${format.expected}`;
}
function isTemplated(value) {
  return value.includes("{{");
}

// src/core/config/kubevirt-spec.ts
var text = (description, extra = {}) => ({ type: "string", description, template: "load", ...extra });
var formatted = (format, description, extra = {}) => text(description, { format, ...extra });
var choice = (values, description, extra = {}) => ({ type: "string", enum: values, description, ...extra });
var list = (items, description, extra = {}) => ({ type: "array", items, description, ...extra });
var object = (title, description, properties, extra = {}) => ({ type: "object", title, description, properties, ...extra });
var integer = (description, extra = {}) => ({ type: "integer", description, ...extra });
var labels = (description) => ({ type: "map", keyFormat: "labelKey", values: formatted("labelValue", "Label value"), description });
var quantity = (description) => ({ type: "union", description, options: [formatted("quantity", description), integer(description, { minimum: 0 })] });
var weight = integer("How much the scheduler prefers nodes that match (1\u2013100).", { minimum: 1, maximum: 100 });
var NODE_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
var LABEL_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];
var nodeRequirement = object(
  "Node selector requirement",
  "A rule on a node label or field: key, operator and values (In/NotIn: one or more values; Exists/DoesNotExist: none; Gt/Lt: one integer).",
  {
    key: formatted("labelKey", "The node label key (or field name, in matchFields)."),
    operator: choice(NODE_OPERATORS, "How the key relates to the values."),
    values: list(text("A value."), "The values.")
  },
  { required: ["key", "operator"] }
);
var nodeSelectorTerm = object("Node selector term", "Nodes that match every requirement of the term.", {
  matchExpressions: list(nodeRequirement, "Requirements on node labels."),
  matchFields: list(nodeRequirement, "Requirements on node fields (metadata.name).")
});
var labelSelector = object("Label selector", "Pods (or namespaces) by label; an empty selector matches all.", {
  matchLabels: labels("Labels that must all be present with these values."),
  matchExpressions: list(
    object(
      "Label selector requirement",
      "A rule on a label: key, operator and values.",
      { key: formatted("labelKey", "The label key."), operator: choice(LABEL_OPERATORS, "How the key relates to the values."), values: list(text("A value."), "The values.") },
      { required: ["key", "operator"] }
    ),
    "Requirements on labels."
  )
});
var podAffinityTerm = object(
  "Pod affinity term",
  "Pods matching labelSelector in the given namespaces, on nodes sharing the value of topologyKey.",
  {
    labelSelector,
    namespaceSelector: labelSelector,
    namespaces: list(formatted("k8sName", "A namespace."), "Namespaces the pods are in; none = the VM's namespace."),
    topologyKey: formatted("labelKey", 'The node label whose value defines "the same place", e.g. kubernetes.io/hostname or topology.kubernetes.io/zone.'),
    matchLabelKeys: list(formatted("labelKey", "A label key."), "Keys of the VM pod's own labels added to labelSelector."),
    mismatchLabelKeys: list(formatted("labelKey", "A label key."), "Keys of the VM pod's own labels whose values must differ.")
  },
  { required: ["topologyKey"] }
);
var podAffinity = (title, what) => object(title, what, {
  requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm, "Terms that must all hold for the VM to be scheduled."),
  preferredDuringSchedulingIgnoredDuringExecution: list(
    object("Weighted pod affinity term", "A preferred term and its weight.", { weight, podAffinityTerm }, { required: ["weight", "podAffinityTerm"] }),
    "Terms the scheduler prefers, by weight."
  )
});
var affinity = object(
  "Affinity",
  "Kubernetes scheduling affinity of the VM's launcher pod (spec.template.spec.affinity), as in a Pod.",
  {
    nodeAffinity: object("Node affinity", "Which nodes the VM may run on, or prefers.", {
      requiredDuringSchedulingIgnoredDuringExecution: object(
        "Node selector",
        "Nodes the VM may run on: those matching any of the terms.",
        { nodeSelectorTerms: list(nodeSelectorTerm, "The terms (ORed).", { minItems: 1 }) },
        { required: ["nodeSelectorTerms"] }
      ),
      preferredDuringSchedulingIgnoredDuringExecution: list(
        object("Preferred scheduling term", "A preferred node selector term and its weight.", { weight, preference: nodeSelectorTerm }, { required: ["weight", "preference"] }),
        "Terms the scheduler prefers, by weight."
      )
    }),
    podAffinity: podAffinity("Pod affinity", "Run the VM near pods that match."),
    podAntiAffinity: podAffinity("Pod anti-affinity", "Keep the VM away from pods that match.")
  },
  { hints: { nodeSelector: "kubevirt.nodeSelector (a sibling of affinity)" } }
);
var toleration = object("Toleration", "Lets the VM (and its helper pods) run on nodes with a matching taint, as a Pod toleration.", {
  key: formatted("labelKey", "The taint key; empty with operator Exists matches every taint."),
  operator: choice(["Exists", "Equal"], "Exists: any value; Equal: the value must match.", { default: "Equal" }),
  value: formatted("labelValue", "The taint value (operator Equal)."),
  effect: choice(["NoSchedule", "PreferNoSchedule", "NoExecute"], "The taint effect matched; empty matches all effects."),
  tolerationSeconds: integer("With NoExecute: how long the pod stays after the taint appears (0 or less: evicted at once).")
});
var resourceList = (what) => object(`Resource ${what}`, `${what === "requests" ? "What the scheduler reserves" : "The most the VM may use"} (cpu in cores or millicores, memory in bytes).`, {
  cpu: quantity(`CPU ${what}, e.g. 2 or 500m.`),
  memory: quantity(`Memory ${what}, e.g. 4Gi.`)
});
var matcher = (kinds, what, cluster) => ({
  type: "union",
  description: `A KubeVirt ${what} the VM takes: a ${cluster} name, or { name, kind }.`,
  options: [
    formatted("dnsSubdomain", `The name of a ${cluster}.`),
    object(
      what === "instance type" ? "Instance type" : "Preference",
      `The ${what} by name and kind.`,
      {
        name: formatted("dnsSubdomain", `The ${what}'s name.`),
        kind: choice(kinds, `${kinds[0]} (cluster-wide) or ${kinds[1]} (in the build namespace).`, { default: kinds[0] })
      },
      { required: ["name"] }
    )
  ]
});
var kubevirtSpec = object(
  "KubeVirt settings",
  "Cluster settings of the kubevirt engine (ignored by the local engine). At the top of the build file they apply to every VM; a VM's own kubevirt block overrides them key by key (a key's value is replaced, not merged). CLI flags and action inputs override both.",
  {
    storageClassName: formatted("dnsSubdomain", "StorageClass of the VM's DataVolumes (disks, ISOs, outputs).", { defaultText: "the cluster's default StorageClass" }),
    volumeMode: choice(["Filesystem", "Block"], "Volume mode of the DataVolumes.", { defaultText: "the StorageProfile's (CDI fills it in)" }),
    accessMode: choice(["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"], "Access mode of the DataVolumes.", { defaultText: "the StorageProfile's (CDI fills it in)" }),
    nodeSelector: labels("Node labels the VM and its helper pods need, e.g. kubernetes.io/arch: amd64."),
    tolerations: list(toleration, "Taints the VM and its helper pods tolerate."),
    affinity,
    resources: object(
      "Resources",
      "The VM's compute resources (spec.template.spec.domain.resources).",
      { requests: resourceList("requests"), limits: resourceList("limits") },
      { hints: { cpu: "requests.cpu or limits.cpu", memory: "requests.memory or limits.memory" } }
    ),
    instancetype: matcher(["VirtualMachineClusterInstancetype", "VirtualMachineInstancetype"], "instance type", "VirtualMachineClusterInstancetype"),
    preference: matcher(["VirtualMachineClusterPreference", "VirtualMachinePreference"], "preference", "VirtualMachineClusterPreference"),
    httpServerImage: formatted("image", "Image of the HTTP file-server pod (any image with busybox); a mirror for air-gapped clusters.", { default: "docker.io/library/busybox:1.37" }),
    sshJumpImage: formatted("image", "Image of the SSH jump pod for VMs on custom-VPC subnets (any image with busybox).", { defaultText: "httpServerImage" })
  },
  {
    hints: {
      storageClass: "storageClassName",
      storage_class: "storageClassName",
      instanceType: "instancetype",
      instance_type: "instancetype",
      accessModes: "accessMode (one mode)",
      node_selector: "nodeSelector",
      images: "httpServerImage and sshJumpImage"
    }
  }
);

export {
  kubevirtSpec,
  parseChecksum,
  FORMATS,
  formatRegExp,
  checkFormat,
  isTemplated
};
