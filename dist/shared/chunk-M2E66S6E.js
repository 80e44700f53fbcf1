import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  formatPath
} from "./chunk-MF7EYUNN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import {
  FORMATS,
  checkFormat,
  formatRegExp,
  isTemplated
} from "./chunk-NHD4EFUK.js";
import {
  parseQuantity
} from "./chunk-UWT5WVQO.js";
import {
  didYouMean,
  regularFileProblem,
  suggest
} from "./chunk-PXB3LWWR.js";
import {
  MAX_DURATION_TEXT,
  checkDuration
} from "./chunk-YBXMTZXO.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/config/resolve-context.ts
import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
var SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL/i;
var ResolveContext = class {
  constructor(file, dir, positions, lineCounter, checkFiles, text = "") {
    this.file = file;
    this.dir = dir;
    this.positions = positions;
    this.lineCounter = lineCounter;
    this.checkFiles = checkFiles;
    this.text = text;
  }
  file;
  dir;
  positions;
  lineCounter;
  checkFiles;
  text;
  problems = [];
  /** Valid, but likely not what the user meant; shown by validate and build, never fatal. */
  warnings = [];
  secrets = [];
  /** Offset of `p` in the file, or of its nearest ancestor that is written there. */
  offset(p, at = "value") {
    for (let n = p.length; n >= 0; n--) {
      const found = this.positions.get(formatPath(p.slice(0, n)));
      if (found) return at === "key" && found.key !== void 0 && n === p.length ? found.key : found.value;
    }
    return 0;
  }
  position(p, at = "value") {
    const { line, col } = this.lineCounter.linePos(this.offset(p, at));
    return { file: this.file, line, column: col };
  }
  has(p) {
    return this.positions.has(formatPath(p));
  }
  report(p, message, at = "value") {
    const pos = this.position(p, at);
    this.problems.push({ file: this.file, line: pos.line, column: pos.column, path: formatPath(p), message });
  }
  warn(p, message) {
    const pos = this.position(p);
    this.warnings.push({ file: this.file, line: pos.line, column: pos.column, path: formatPath(p), message });
  }
  /** Reports at character `index` of the string `value` at `p`, when the file spells it 1:1. */
  reportInside(p, value, index, message) {
    const start = this.offset(p);
    const quote = this.text[start];
    const inner = quote === '"' || quote === "'" ? start + 1 : start;
    const offset = this.text.startsWith(value, inner) ? inner + index : start;
    const { line, col } = this.lineCounter.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, path: formatPath(p), message });
  }
  /** Every recorded position below `prefix`, keyed "a.0.b" relative to it (Vm.positions). */
  positionsBelow(prefix) {
    const head = formatPath(prefix);
    const out = {};
    for (const [key, loc] of this.positions) {
      if (!key.startsWith(head + ".") && !key.startsWith(head + "[")) continue;
      const dotted = key.slice(head.length).replace(/\[(\d+)\]/g, ".$1").replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_, q) => "." + JSON.parse(q)).replace(/^\./, "");
      const { line, col } = this.lineCounter.linePos(loc.key ?? loc.value);
      out[dotted] = { file: this.file, line, column: col };
    }
    return out;
  }
  /** Milliseconds of a duration value; reports values below `min`. */
  duration(raw, key, p, fallback, min) {
    const text = str(raw, key);
    if (text === void 0) return fallback;
    const checked = checkDuration(text);
    if ("error" in checked) {
      this.report([...p, key], `${checked.error}; expected a Go duration such as 30s or 5m, at most ${MAX_DURATION_TEXT}`);
      return fallback;
    }
    const ms = checked.ms;
    if (min !== void 0 && ms < min) {
      this.report([...p, key], `'${text}' is negative; expected a duration \u2265 0`);
      return fallback;
    }
    return ms;
  }
  /** An absolute path for a path written in the build file (~ is the home folder). */
  resolvePath(p) {
    if (p === "~" || p.startsWith("~/")) return path.join(os.homedir(), p.slice(1));
    return path.resolve(this.dir, p);
  }
  /** Resolves and (unless checks are off) reports a missing file or folder. */
  localPath(p, written, kind) {
    const abs = this.resolvePath(written);
    if (!this.checkFiles || kind === "unchecked") return abs;
    let isDir;
    let special;
    try {
      const st = statSync(abs);
      isDir = st.isDirectory();
      if (!isDir) special = regularFileProblem(st);
    } catch {
      const what = kind === "dir" ? "folder" : kind === "file" ? "file" : "file or folder";
      this.report(p, `${what} not found: ${abs} (paths are relative to the build file's folder)`);
      return abs;
    }
    if (kind === "file" && isDir) this.report(p, `${abs} is a folder; expected a file`);
    if (kind === "dir" && !isDir) this.report(p, `${abs} is a file; expected a folder`);
    else if (special) this.report(p, `${abs} is ${special}; expected a regular file`);
    return abs;
  }
};
function str(raw, key) {
  const v = raw?.[key];
  return typeof v === "string" ? v : void 0;
}
function num(raw, key) {
  const v = raw?.[key];
  return typeof v === "number" ? v : void 0;
}
function bool(raw, key) {
  const v = raw?.[key];
  return typeof v === "boolean" ? v : void 0;
}
function obj(raw, key) {
  const v = raw?.[key];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : void 0;
}
function list(raw, key) {
  const v = raw?.[key];
  return Array.isArray(v) ? v : void 0;
}
function strings(raw, key) {
  const v = raw?.[key];
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x) => typeof x === "string") : void 0;
}
function isRaw(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// src/core/config/kubevirt-settings.ts
var KUBEVIRT_KEYS = [
  "storageClassName",
  "volumeMode",
  "accessMode",
  "nodeSelector",
  "tolerations",
  "affinity",
  "resources",
  "instancetype",
  "preference",
  "httpServerImage",
  "sshJumpImage"
];
function effectiveSettings(build, vm, options) {
  const settings = {};
  const origin = {};
  for (const key of KUBEVIRT_KEYS) {
    for (const [from, block] of [
      ["option", options],
      ["vm", vm],
      ["build", build]
    ]) {
      const value = block?.[key];
      if (value === void 0) continue;
      settings[key] = value;
      origin[key] = from;
      break;
    }
  }
  return { settings, origin };
}
function resolveKubevirt(ctx, raw, p) {
  if (!raw) return void 0;
  const out = {};
  const storageClassName = str(raw, "storageClassName");
  if (storageClassName !== void 0) out.storageClassName = storageClassName;
  const volumeMode = str(raw, "volumeMode");
  if (volumeMode === "Filesystem" || volumeMode === "Block") out.volumeMode = volumeMode;
  const accessMode = str(raw, "accessMode");
  if (accessMode === "ReadWriteOnce" || accessMode === "ReadWriteMany" || accessMode === "ReadWriteOncePod") out.accessMode = accessMode;
  const nodeSelector = obj(raw, "nodeSelector");
  if (nodeSelector) out.nodeSelector = Object.fromEntries(Object.entries(nodeSelector).filter((e) => typeof e[1] === "string"));
  const tolerations = list(raw, "tolerations");
  if (tolerations) out.tolerations = tolerations.flatMap((t, i) => isRaw(t) ? [resolveToleration(ctx, t, [...p, "tolerations", i])] : []);
  const affinity = obj(raw, "affinity");
  if (affinity) {
    checkAffinity(ctx, affinity, [...p, "affinity"]);
    out.affinity = affinity;
  }
  const resources = obj(raw, "resources");
  if (resources) out.resources = resolveResources(ctx, resources, [...p, "resources"]);
  const instancetype = matcher(raw, "instancetype", "VirtualMachineClusterInstancetype", ["VirtualMachineClusterInstancetype", "VirtualMachineInstancetype"]);
  if (instancetype) out.instancetype = instancetype;
  const preference = matcher(raw, "preference", "VirtualMachineClusterPreference", ["VirtualMachineClusterPreference", "VirtualMachinePreference"]);
  if (preference) out.preference = preference;
  const httpServerImage = str(raw, "httpServerImage");
  if (httpServerImage !== void 0) out.httpServerImage = httpServerImage;
  const sshJumpImage = str(raw, "sshJumpImage");
  if (sshJumpImage !== void 0) out.sshJumpImage = sshJumpImage;
  return out;
}
function matcher(raw, key, fallback, kinds) {
  const name = str(raw, key);
  if (name !== void 0) return { name, kind: fallback };
  const o = obj(raw, key);
  const oname = str(o, "name");
  if (!oname) return void 0;
  const kind = str(o, "kind");
  return { name: oname, kind: kind && kinds.includes(kind) ? kind : fallback };
}
function resolveToleration(ctx, raw, p) {
  const t = {};
  for (const key of ["key", "value"]) {
    const v = str(raw, key);
    if (v !== void 0) t[key] = v;
  }
  const operator = str(raw, "operator");
  if (operator === "Exists" || operator === "Equal") t.operator = operator;
  const effect = str(raw, "effect");
  if (effect === "NoSchedule" || effect === "PreferNoSchedule" || effect === "NoExecute") t.effect = effect;
  const seconds = raw.tolerationSeconds;
  if (typeof seconds === "number") t.tolerationSeconds = seconds;
  if (t.operator === "Exists" && t.value) ctx.report([...p, "value"], "a toleration with operator Exists matches any value; expected no value (or operator: Equal)");
  if (!t.key && t.operator !== "Exists") ctx.report(ctx.has([...p, "operator"]) ? [...p, "operator"] : p, "a toleration without a key matches every taint only with operator: Exists; expected a key, or operator: Exists");
  if (t.tolerationSeconds !== void 0 && t.effect !== "NoExecute") ctx.report([...p, "tolerationSeconds"], "tolerationSeconds applies to the NoExecute effect only; expected effect: NoExecute");
  return t;
}
function checkAffinity(ctx, raw, p) {
  const requirement = (r, at) => {
    if (!isRaw(r)) return;
    const operator = str(r, "operator");
    const values = list(r, "values") ?? [];
    if ((operator === "In" || operator === "NotIn") && values.length === 0) ctx.report(ctx.has([...at, "values"]) ? [...at, "values"] : at, `operator ${operator} needs one or more values`);
    if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) ctx.report([...at, "values"], `operator ${operator} takes no values`);
    if ((operator === "Gt" || operator === "Lt") && (values.length !== 1 || !/^-?\d+$/.test(String(values[0]))))
      ctx.report(ctx.has([...at, "values"]) ? [...at, "values"] : at, `operator ${operator} needs exactly one value, an integer`);
  };
  const requirements = (term, at) => {
    if (!isRaw(term)) return;
    for (const key of ["matchExpressions", "matchFields"]) (list(term, key) ?? []).forEach((r, i) => requirement(r, [...at, key, i]));
  };
  const node = obj(raw, "nodeAffinity");
  const required = obj(node, "requiredDuringSchedulingIgnoredDuringExecution");
  (list(required, "nodeSelectorTerms") ?? []).forEach((t, i) => requirements(t, [...p, "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", i]));
  (list(node, "preferredDuringSchedulingIgnoredDuringExecution") ?? []).forEach(
    (t, i) => requirements(isRaw(t) ? t.preference : void 0, [...p, "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", i, "preference"])
  );
  for (const kind of ["podAffinity", "podAntiAffinity"]) {
    const pod = obj(raw, kind);
    const terms = [
      ...(list(pod, "requiredDuringSchedulingIgnoredDuringExecution") ?? []).map((t, i) => [t, [...p, kind, "requiredDuringSchedulingIgnoredDuringExecution", i]]),
      ...(list(pod, "preferredDuringSchedulingIgnoredDuringExecution") ?? []).map((t, i) => [
        isRaw(t) ? t.podAffinityTerm : void 0,
        [...p, kind, "preferredDuringSchedulingIgnoredDuringExecution", i, "podAffinityTerm"]
      ])
    ];
    for (const [term, at] of terms) {
      if (!isRaw(term)) continue;
      for (const selector of ["labelSelector", "namespaceSelector"]) {
        const s = obj(term, selector);
        (list(s, "matchExpressions") ?? []).forEach((r, i) => {
          if (isRaw(r) && (str(r, "operator") === "Gt" || str(r, "operator") === "Lt")) return;
          requirement(r, [...at, selector, "matchExpressions", i]);
        });
      }
    }
  }
}
function resolveResources(ctx, raw, p) {
  const out = {};
  for (const which of ["requests", "limits"]) {
    const r = obj(raw, which);
    if (!r) continue;
    const l = {};
    for (const res of ["cpu", "memory"]) {
      const v = str(r, res) ?? (typeof r[res] === "number" ? String(r[res]) : void 0);
      if (v !== void 0) l[res] = v;
    }
    out[which] = l;
  }
  for (const res of ["cpu", "memory"]) {
    const request = quantityValue(out.requests?.[res]);
    const limit = quantityValue(out.limits?.[res]);
    if (request !== void 0 && limit !== void 0 && request > limit) {
      ctx.report([...p, "requests", res], `the ${res} request ${out.requests[res]} is above its limit ${out.limits[res]}; expected a request at most the limit`);
    }
  }
  return out;
}
function quantityValue(text) {
  if (text === void 0 || "error" in parseQuantity(text)) return void 0;
  const m = /^\+?([\d.]+)(.*)$/.exec(text);
  const suffix = m[2] ?? "";
  const binary = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
  const decimal = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const scale = suffix in binary ? 1024 ** binary[suffix] : suffix in decimal ? 10 ** decimal[suffix] : suffix ? 10 ** Number(suffix.slice(1)) : 1;
  return Number(m[1]) * scale;
}

// src/core/config/check-structure.ts
var import_yaml2 = __toESM(require_dist(), 1);

// src/core/packer/packer-options.ts
var same = (to) => ({ kind: "same", to });
var different = (to, note) => ({ kind: "different", to, note });
var unsupported = (why) => ({ kind: "unsupported", why });
var ENGINE_PICKS_PORTS = "the engine picks free ports itself (and on KubeVirt reaches the VM through its subresources)";
var NO_WINRM = "RudderVirt talks SSH only; install OpenSSH Server in the Windows guest (e.g. from Autounattend.xml) and use communicator type ssh";
var DISK_TUNING = "the engine chooses disk cache and discard settings (KubeVirt sets them per volume)";
var ONE_OUTPUT = "the output is the VM's disk, named after the VM, converted in place and published by the publish step";
var PACKER_BUILDER_OPTIONS = {
  iso_url: same("source.iso.url, or source.url with disk_image"),
  iso_urls: same("source.iso.urls"),
  iso_checksum: different(
    "source.iso.checksum",
    "written algo:hex (sha256:\u2026) or file:URL / file:PATH (a SHA256SUMS-style file, optionally signed: checksumSignature + checksumKeyring); a bare digest gets its algorithm from its length; none is not accepted"
  ),
  iso_target_path: unsupported("downloads are cached by URL and checksum in the cache folder"),
  iso_target_extension: unsupported("downloads are cached by URL and checksum in the cache folder"),
  iso_skip_cache: unsupported("sources are always downloaded once and checked against their checksum"),
  disk_image: different("source.url", "a disk image becomes source.url (with checksum); an installer ISO becomes source.iso"),
  use_backing_file: unsupported("the root disk is always a copy of the source (a qcow2 overlay on KubeVirt is the CDI clone)"),
  disk_size: different("disks[0].size", "Packer reads 20G as GiB; write 20Gi (RudderVirt refuses a bare G, which Kubernetes reads as 10\u2079 bytes)"),
  disk_additional_size: different("disks[1..].size", "each extra size becomes a disk of its own with a name"),
  disk_interface: different("disks[].bus", "virtio, sata or scsi; ide is not accepted (KubeVirt rejects it): use sata"),
  disk_cache: unsupported(DISK_TUNING),
  disk_discard: unsupported(DISK_TUNING),
  disk_detect_zeroes: unsupported(DISK_TUNING),
  skip_resize_disk: unsupported("the root disk grows to disks[0].size, never shrinks; leave size out to keep the image size"),
  skip_compaction: unsupported("the output is always converted (which compacts it)"),
  format: same("output.format"),
  disk_compression: different("output.compress", "compressionType defaults to zstd; Packer writes zlib (compressionType: zlib)"),
  net_device: different("nics[].model", "virtio, e1000, e1000e or rtl8139 (the models KubeVirt offers)"),
  net_bridge: unsupported("networks are declared under network.vpcs; the engine builds them"),
  accelerator: unsupported("the local engine probes KVM itself (and falls back to TCG when KVM does not really work); KubeVirt decides on its own"),
  machine_type: different("machineType", "q35 (the default, all KubeVirt offers) or pc (local engine only)"),
  cpu_model: same("cpuModel"),
  cpus: same("cpu"),
  sockets: unsupported("only a number of vCPUs (cpu) is set; the topology is the engine's"),
  cores: unsupported("only a number of vCPUs (cpu) is set; the topology is the engine's"),
  threads: unsupported("only a number of vCPUs (cpu) is set; the topology is the engine's"),
  memory: different("memory", "a size with a unit (Packer's 2048 MB is 2048Mi)"),
  efi_boot: different("efiFirmware", "true, or { secureBoot: true }"),
  efi_firmware_code: unsupported("the engine picks the OVMF build (the Secure Boot one for efiFirmware.secureBoot)"),
  efi_firmware_vars: unsupported("the engine picks the OVMF build (the Secure Boot one for efiFirmware.secureBoot)"),
  efi_drop_efivars: unsupported("the EFI variable store is the engine's"),
  firmware: unsupported("BIOS (SeaBIOS) or UEFI (OVMF) is chosen with efiFirmware; a custom firmware file is not"),
  use_pflash: unsupported("the engine attaches OVMF as pflash itself when efiFirmware is set"),
  vtpm: unsupported("no TPM is attached"),
  use_tpm1: unsupported("no TPM is attached"),
  tpm_device_type: unsupported("no TPM is attached"),
  headless: unsupported("not needed: builds always run without a display"),
  display: unsupported("not needed: builds always run without a display"),
  use_default_display: unsupported("not needed: builds always run without a display"),
  vga: unsupported("the engine chooses the display adapter"),
  vnc_bind_address: unsupported(`VNC is only used to type the boot command; ${ENGINE_PICKS_PORTS}`),
  vnc_port_min: unsupported(ENGINE_PICKS_PORTS),
  vnc_port_max: unsupported(ENGINE_PICKS_PORTS),
  vnc_use_password: unsupported("VNC listens on loopback (local) or behind the KubeVirt API (kubevirt) only"),
  disable_vnc: unsupported("VNC is only connected when there is a boot command"),
  boot_wait: same("bootWait"),
  boot_command: same("bootCommand"),
  boot_steps: different("bootCommand", "the steps are joined into one boot command; their descriptions become comments"),
  boot_key_interval: same("bootKeyInterval"),
  boot_keygroup_interval: unsupported("Packer ignores it for QEMU too (it only paces scancode builders)"),
  http_directory: same("httpDirectory"),
  http_content: same("httpContent"),
  http_port_min: unsupported(ENGINE_PICKS_PORTS),
  http_port_max: unsupported(ENGINE_PICKS_PORTS),
  http_bind_address: unsupported("the HTTP server listens where the guest can reach it; the engine knows where that is"),
  http_interface: unsupported("the HTTP server listens where the guest can reach it; the engine knows where that is"),
  http_network_protocol: unsupported("the HTTP server listens where the guest can reach it; the engine knows where that is"),
  cd_files: different("cdroms[].files", "files and folders (globs are expanded by import-packer)"),
  cd_content: unsupported("a cdrom is made of files on disk: write the content into a file and list it in cdroms[].files"),
  cd_label: same("cdroms[].label"),
  floppy_files: different("cdroms[].files", "KubeVirt has no floppy drive: the files go on a labelled cdrom (Windows Setup also finds Autounattend.xml at the root of a CD)"),
  floppy_dirs: different("cdroms[].files", "KubeVirt has no floppy drive: the folders go on a labelled cdrom"),
  floppy_content: unsupported("a cdrom is made of files on disk: write the content into a file and list it in cdroms[].files"),
  floppy_label: different("cdroms[].label", "the label of the cdrom that replaces the floppy"),
  output_directory: unsupported(`${ONE_OUTPUT}; ruddervirt build takes --output DIR for where images go`),
  vm_name: same("vmName"),
  qemu_binary: unsupported("the local engine runs qemu-system-x86_64 from PATH; KubeVirt runs its own QEMU"),
  qemuargs: different("qemuArgs", "local engine only (KubeVirt takes no QEMU arguments); appended after RudderVirt's own rather than replacing a default switch"),
  qemu_img_args: unsupported("qemu-img is run by the engine"),
  qmp_enable: unsupported("the engine uses QMP itself where it needs it"),
  qmp_socket_path: unsupported("the engine uses QMP itself where it needs it"),
  shutdown_command: same("shutdownCommand"),
  shutdown_timeout: same("shutdownTimeout"),
  communicator: different("communicator.type", "ssh or none; winrm is not supported"),
  ssh_host: same("communicator.sshHost"),
  ssh_port: same("communicator.sshPort"),
  ssh_username: same("communicator.sshUsername"),
  ssh_password: same("communicator.sshPassword"),
  ssh_private_key_file: same("communicator.sshPrivateKeyFile"),
  ssh_agent_auth: same("communicator.sshAgentAuth"),
  ssh_timeout: same("communicator.sshTimeout"),
  ssh_wait_timeout: same("communicator.sshTimeout"),
  ssh_handshake_attempts: same("communicator.sshHandshakeAttempts"),
  ssh_pty: same("communicator.sshPty"),
  ssh_keep_alive_interval: same("communicator.sshKeepAliveInterval"),
  ssh_bastion_host: same("communicator.sshBastionHost"),
  ssh_bastion_port: same("communicator.sshBastionPort"),
  ssh_bastion_username: same("communicator.sshBastionUsername"),
  ssh_bastion_password: same("communicator.sshBastionPassword"),
  ssh_bastion_private_key_file: same("communicator.sshBastionPrivateKeyFile"),
  pause_before_connecting: same("communicator.pauseBeforeConnecting"),
  ssh_host_port_min: unsupported(ENGINE_PICKS_PORTS),
  ssh_host_port_max: unsupported(ENGINE_PICKS_PORTS),
  skip_nat_mapping: unsupported(ENGINE_PICKS_PORTS),
  ssh_clear_authorized_keys: unsupported("no temporary key is generated, so there is none to clear"),
  ssh_disable_agent_forwarding: unsupported("agent forwarding is never requested"),
  ssh_file_transfer_method: unsupported("files are copied over SFTP"),
  ssh_proxy_host: unsupported("SOCKS proxies are not supported; use a bastion (sshBastionHost)"),
  ssh_proxy_port: unsupported("SOCKS proxies are not supported; use a bastion (sshBastionHost)"),
  ssh_read_write_timeout: unsupported("not configurable"),
  ssh_remote_tunnels: unsupported("not configurable"),
  ssh_local_tunnels: unsupported("not configurable"),
  temporary_key_pair_type: unsupported("no temporary key is generated: set sshPassword or sshPrivateKeyFile"),
  temporary_key_pair_bits: unsupported("no temporary key is generated: set sshPassword or sshPrivateKeyFile"),
  winrm_username: different("communicator.sshUsername", NO_WINRM),
  winrm_password: different("communicator.sshPassword", NO_WINRM),
  winrm_timeout: different("communicator.sshTimeout", NO_WINRM),
  winrm_host: unsupported(NO_WINRM),
  winrm_port: unsupported(NO_WINRM),
  winrm_use_ssl: unsupported(NO_WINRM),
  winrm_insecure: unsupported(NO_WINRM),
  winrm_use_ntlm: unsupported(NO_WINRM),
  winrm_no_proxy: unsupported(NO_WINRM),
  // kubevirt-iso (a Packer plugin that builds on KubeVirt from an ISO DataVolume): the options that
  // have a RudderVirt meaning; the cluster objects it names are created by RudderVirt itself.
  iso_volume_name: unsupported("RudderVirt imports the ISO itself: give its URL and checksum as source.iso"),
  instance_type: unsupported("set cpu and memory; RudderVirt does not use KubeVirt instance types"),
  preference: unsupported("set machineType, efiFirmware, disks[].bus and nics[].model; RudderVirt does not use KubeVirt preferences"),
  os_type: unsupported("the guest OS is not declared; the boot command, communicator and provisioners say what the build does"),
  namespace: unsupported("the namespace is an engine setting (--namespace / the action input), not part of the build file")
};
var PACKER_PROVISIONER_OPTIONS = {
  pause_before: same("pauseBefore"),
  max_retries: same("maxRetries"),
  timeout: different("timeout", "also applies when pauseBefore is set (Packer ignores it then)"),
  inline: same("inline"),
  script: same("script"),
  scripts: same("scripts"),
  environment_vars: same("environmentVars"),
  env: same("env"),
  execute_command: same("executeCommand"),
  inline_shebang: same("inlineShebang"),
  remote_folder: same("remoteFolder"),
  remote_file: same("remoteFile"),
  remote_path: same("remotePath"),
  valid_exit_codes: same("validExitCodes"),
  expect_disconnect: same("expectDisconnect"),
  start_retry_timeout: same("startRetryTimeout"),
  skip_clean: same("skipClean"),
  binary: same("binary"),
  use_env_var_file: same("useEnvVarFile"),
  source: same("source"),
  sources: same("sources"),
  content: same("content"),
  destination: same("destination"),
  direction: same("direction"),
  generated: same("generated"),
  restart_command: same("restartCommand"),
  restart_check_command: same("restartCheckCommand"),
  restart_timeout: same("restartTimeout"),
  check_registry: same("checkRegistry"),
  search_criteria: same("searchCriteria"),
  filters: same("filters"),
  update_limit: same("updateLimit"),
  env_var_format: unsupported("variables are passed the shell way (KEY='value')"),
  remote_env_var_path: unsupported("the variable file path is chosen by the provisioner"),
  only: different("(the VM the provisioner is listed under)", "each VM lists its own provisioners"),
  except: different("(the VM the provisioner is listed under)", "each VM lists its own provisioners"),
  override: unsupported("each VM lists its own provisioners; write the overridden values there")
};
var SUPPORTED_PROVISIONER_TYPES = ["shell", "file", "windows-restart", "windows-update"];
var UNSUPPORTED_PROVISIONERS = {
  powershell: 'no PowerShell provisioner: run the script from a shell provisioner with executeCommand "powershell -File {{ .Path }}" over OpenSSH',
  "windows-shell": 'no windows-shell provisioner: use a shell provisioner over OpenSSH with executeCommand "cmd /c {{ .Path }}"',
  "shell-local": "commands on the build machine belong in the workflow around the build, not in the build file",
  ansible: "run ansible-playbook from a shell provisioner, or before/after the build in the workflow",
  "ansible-local": "install Ansible in the guest and run it from a shell provisioner",
  breakpoint: "use --on-error abort (or ask) to keep a VM for debugging"
};
function packerOption(name) {
  return Object.hasOwn(PACKER_BUILDER_OPTIONS, name) ? PACKER_BUILDER_OPTIONS[name] : Object.hasOwn(PACKER_PROVISIONER_OPTIONS, name) ? PACKER_PROVISIONER_OPTIONS[name] : void 0;
}
function explainPackerOption(name) {
  const fate = packerOption(name);
  if (!fate) return void 0;
  if (fate.kind === "unsupported") return `Packer's ${name} is not supported: ${fate.why}`;
  if (fate.kind === "different") return `Packer's ${name} \u2192 ${fate.to}: ${fate.note}`;
  return `Packer's ${name} \u2192 ${fate.to}`;
}

// src/core/config/packer-names.ts
function packerPlace(key, spec) {
  if (!/^[a-z0-9]+(_[a-z0-9]+)+$|^[a-z]+$/.test(key)) return void 0;
  const fate = packerOption(key);
  const text = explainPackerOption(key);
  if (!fate || !text) return void 0;
  if (fate.kind === "same") {
    const field = fate.to.split(" ")[0].split(".").pop().replace(/\[.*$/, "");
    if (field !== key && Object.hasOwn(spec.properties, field)) return { field, text };
  }
  return { text };
}

// src/core/config/spec.ts
function kindsOf(spec) {
  switch (spec.type) {
    case "string":
      return ["string"];
    case "integer":
      return ["number"];
    case "boolean":
      return ["boolean"];
    case "scalar":
      return ["string", "number", "boolean"];
    case "array":
      return ["list"];
    case "object":
    case "map":
    case "tagged":
      return ["map"];
    case "union":
      return spec.options.flatMap(kindsOf);
  }
}
function describeSpec(spec) {
  switch (spec.type) {
    case "string":
      if (spec.enum) return `one of ${spec.enum.join(", ")}`;
      return "a string";
    case "integer":
      return "an integer" + (spec.minimum !== void 0 && spec.maximum !== void 0 ? ` from ${spec.minimum} to ${spec.maximum}` : spec.minimum !== void 0 ? ` \u2265 ${spec.minimum}` : "");
    case "boolean":
      return "true or false";
    case "scalar":
      return "a string, number or boolean";
    case "array":
      return `a list of ${plural(describeSpec(spec.items))}`;
    case "object":
    case "tagged":
      return `a map${spec.type === "object" && spec.title ? ` (${spec.title})` : ""}`;
    case "map":
      return "a map";
    case "union":
      return spec.options.map(describeSpec).join(" or ");
  }
}
function plural(what) {
  if (what.startsWith("a map")) return "maps" + what.slice(5);
  if (what === "a string") return "strings";
  if (what.startsWith("an integer")) return "integers" + what.slice(10);
  return what.replace(/^an? /, "");
}

// src/core/config/yaml-aliases.ts
var import_yaml = __toESM(require_dist(), 1);
var MAX_ALIASES = 1e4;
function resolveAliases(doc, maxAliases = MAX_ALIASES) {
  const latest = /* @__PURE__ */ new Map();
  const targets = /* @__PURE__ */ new Map();
  let count = 0;
  let overflowAt;
  (0, import_yaml.visit)(doc, {
    Node(_key, node) {
      if ((0, import_yaml.isAlias)(node)) {
        count += 1;
        if (count > maxAliases) {
          overflowAt = node;
          return import_yaml.visit.BREAK;
        }
        targets.set(node, latest.get(node.source) ?? null);
      } else if (((0, import_yaml.isScalar)(node) || (0, import_yaml.isCollection)(node)) && node.anchor) {
        latest.set(node.anchor, node);
      }
      return void 0;
    }
  });
  return {
    target: (alias) => targets.get(alias) ?? null,
    count,
    overflowAt
  };
}

// src/core/config/check-structure.ts
var MAX_NODES = 2e5;
var MAX_DEPTH = 64;
function checkStructure(doc, spec, options) {
  return new StructureWalker(doc, options).run(spec);
}
var StructureWalker = class {
  constructor(doc, options) {
    this.doc = doc;
    this.options = options;
    this.aliases = resolveAliases(doc);
  }
  doc;
  options;
  problems = [];
  positions = /* @__PURE__ */ new Map();
  secrets = [];
  nodes = 0;
  tooBig = false;
  aliases;
  run(spec) {
    const root = this.doc.contents;
    let value;
    if (this.aliases.overflowAt) {
      const at = nodeOffset(this.aliases.overflowAt, 0);
      this.report(at, [], `more than ${MAX_ALIASES} YAML aliases (*name); a build file needs a few \u2014 write the values out or use variables`);
    } else if (root === null || (0, import_yaml2.isScalar)(root) && root.value === null) {
      this.report(0, [], `the file is empty; expected ${describeSpec(spec)} with ${requiredList(spec)}`);
    } else {
      this.positions.set("", { value: root.range?.[0] ?? 0 });
      value = this.walk(root, spec, [], 0);
    }
    return { value, problems: this.problems, positions: this.positions, secrets: this.secrets };
  }
  report(offset, path2, message) {
    const { line, col } = this.options.lineCounter.linePos(offset);
    this.problems.push({ file: this.options.file, line, column: col, path: formatPath(path2), message });
  }
  resolve(node) {
    let n = node;
    for (let hops = 0; n && (0, import_yaml2.isAlias)(n) && hops < 100; hops++) n = this.aliases.target(n);
    return n && (0, import_yaml2.isAlias)(n) ? null : n;
  }
  walk(raw, spec, path2, depth) {
    const node = this.resolve(raw);
    const known = this.positions.get(formatPath(path2));
    const offset = known?.value ?? nodeOffset(raw, this.options.text.length);
    if (!known) this.positions.set(formatPath(path2), { value: offset });
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) return this.tooLarge(offset, path2);
    const kind = kindOfNode(node);
    let target = spec;
    if (spec.type === "union") {
      const option = spec.options.find((o) => kindsOf(o).includes(kind));
      if (!option) return this.typeError(node, kind, spec, offset, path2);
      target = option;
    }
    if (!kindsOf(target).includes(kind)) return this.typeError(node, kind, target, offset, path2);
    switch (target.type) {
      case "string":
        return this.string(node, target, offset, path2);
      case "integer": {
        const v = node.value;
        if (!Number.isInteger(v)) return this.fail(offset, path2, `expected ${describeSpec(target)}, found ${v}`);
        if (target.minimum !== void 0 && v < target.minimum || target.maximum !== void 0 && v > target.maximum) {
          return this.fail(offset, path2, `${v} is out of range; expected ${describeSpec(target)}`);
        }
        return v;
      }
      case "boolean":
        return node.value;
      case "scalar": {
        const s = node;
        return typeof s.value === "string" ? s.value : s.type === "PLAIN" && s.source ? s.source : String(s.value);
      }
      case "array": {
        const items = (0, import_yaml2.isSeq)(node) ? node.items : [];
        const out = items.map((item, i) => this.walk(item, target.items, [...path2, i], depth + 1));
        if (target.minItems !== void 0 && items.length < target.minItems) {
          this.report(offset, path2, `needs at least ${target.minItems} item${target.minItems === 1 ? "" : "s"}; expected ${describeSpec(target)}`);
        }
        return out;
      }
      case "map": {
        const out = /* @__PURE__ */ Object.create(null);
        for (const { key, keyOffset, value } of this.pairs(node, path2)) {
          const p = [...path2, key];
          this.positions.set(formatPath(p), { key: keyOffset, value: nodeOffset(value, keyOffset) });
          if (!formatRegExp(target.keyFormat).test(key)) {
            this.report(keyOffset, p, `'${key}' is not a valid key here; expected ${FORMATS[target.keyFormat].expected}`);
            continue;
          }
          const v = this.walk(value, target.values, p, depth + 1);
          if (v !== void 0) out[key] = v;
        }
        return out;
      }
      case "object":
        return this.object(node, target, offset, path2, depth);
      case "tagged":
        return this.tagged(node, target, offset, path2, depth);
    }
  }
  tooLarge(offset, path2) {
    if (!this.tooBig) this.report(offset, path2, `the document is too large or too deeply nested once its aliases are expanded (more than ${MAX_NODES} values or ${MAX_DEPTH} levels)`);
    this.tooBig = true;
    return void 0;
  }
  fail(offset, path2, message) {
    this.report(offset, path2, message);
    return void 0;
  }
  typeError(node, kind, spec, offset, path2) {
    return this.fail(offset, path2, `expected ${describeSpec(spec)}, found ${describeNode(node, kind)}${typeHint(node, kind, spec)}`);
  }
  string(node, spec, offset, path2) {
    let value = node.value;
    if (spec.enum) {
      if (spec.enum.includes(value)) return value;
      const reason = spec.rejected?.[value.toLowerCase()];
      if (reason) return this.fail(offset, path2, `'${value}' is not accepted: ${reason}; expected ${spec.enum.join(", ")}`);
      return this.fail(offset, path2, `'${value}' is not valid; expected one of ${spec.enum.join(", ")}${didYouMean(value, spec.enum)}`);
    }
    const templated = isTemplated(value);
    const hook = this.options.renderTemplate;
    if (templated && hook && spec.template) {
      const r = hook(value, spec, path2);
      for (const e of r.errors) this.report(scalarOffset(node, value, e.offset, this.options.text), path2, e.message);
      if (r.errors.length > 0) return void 0;
      this.secrets.push(...r.secrets);
      value = r.value;
    }
    const checkable = !templated || hook !== void 0 && spec.template === "load";
    if (spec.format && checkable) {
      const problem = checkFormat(spec.format, value);
      if (problem) return this.fail(offset, path2, templated ? `renders to '${value}': ${problem}` : problem);
    }
    if (spec.secret && value) this.secrets.push(value);
    return value;
  }
  /** Pairs of a map, with YAML merge keys (<<: *defaults) expanded; explicit keys win. */
  pairs(node, path2) {
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    const merged = [];
    const visit2 = (map, into, depth) => {
      const m = this.resolve(map);
      if (!(0, import_yaml2.isMap)(m) || depth > 8) return;
      for (const pair of m.items) {
        if (++this.nodes > MAX_NODES) return this.tooLarge(nodeOffset(pair.key, 0), path2);
        const keyNode = this.resolve(pair.key);
        const keyOffset = nodeOffset(pair.key, 0);
        if ((0, import_yaml2.isScalar)(keyNode) && typeof keyNode.value === "symbol") {
          const sources = this.resolve(pair.value);
          for (const src of (0, import_yaml2.isSeq)(sources) ? sources.items : [sources]) visit2(src, merged, depth + 1);
          continue;
        }
        if (!(0, import_yaml2.isScalar)(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
          this.report(keyOffset, path2, "keys must be plain text");
          continue;
        }
        into.push({ key: String(keyNode.value), keyOffset, value: pair.value });
      }
    };
    visit2(node, out, 0);
    for (const p of out) seen.add(p.key);
    for (const p of merged) {
      if (!seen.has(p.key)) {
        seen.add(p.key);
        out.push(p);
      }
    }
    return out;
  }
  object(node, spec, offset, path2, depth) {
    const out = {};
    const present = /* @__PURE__ */ new Map();
    const suggested = /* @__PURE__ */ new Set();
    for (const { key, keyOffset, value } of this.pairs(node, path2)) {
      const p = [...path2, key];
      const propSpec = Object.hasOwn(spec.properties, key) ? spec.properties[key] : void 0;
      if (!propSpec) {
        const hint = spec.hints?.[key];
        const near = suggest(key, Object.keys(spec.properties));
        if (near && !present.has(near)) suggested.add(near);
        let message;
        const packer = packerPlace(key, spec);
        if (packer?.field) {
          message = `unknown key '${key}'; did you mean '${packer.field}'? (${packer.text})`;
          suggested.add(packer.field);
        } else if (packer) message = `unknown key '${key}'; ${packer.text}`;
        else if (hint && Object.hasOwn(spec.properties, hint)) {
          message = `unknown key '${key}'; did you mean '${hint}'?`;
          suggested.add(hint);
        } else if (hint) message = `unknown key '${key}'; in RudderVirt: ${hint}`;
        else if (near) message = `unknown key '${key}'; did you mean '${near}'?`;
        else message = `unknown key '${key}'; expected one of ${Object.keys(spec.properties).join(", ")}`;
        this.report(keyOffset, p, message);
        continue;
      }
      present.set(key, keyOffset);
      const valueOffset = isEmptyValue(value) ? keyOffset : nodeOffset(value, keyOffset);
      this.positions.set(formatPath(p), { key: keyOffset, value: valueOffset });
      const v = this.walk(value, propSpec, p, depth + 1);
      if (v !== void 0) out[key] = v;
    }
    for (const key of spec.required ?? []) {
      if (!present.has(key) && !suggested.has(key)) {
        this.report(offset, path2, `missing required key '${key}' (${describeSpec(spec.properties[key])})`);
      }
    }
    if (spec.exactlyOne) {
      const given = spec.exactlyOne.filter((k) => present.has(k)).sort((a, b) => present.get(a) - present.get(b));
      if (given.length === 0 && !spec.exactlyOne.some((k) => suggested.has(k))) {
        this.report(offset, path2, `needs one of ${spec.exactlyOne.join(", ")}`);
      } else if (given.length > 1) {
        this.report(present.get(given[1]), [...path2, given[1]], `'${given[0]}' and '${given[1]}' cannot be used together; expected exactly one of ${spec.exactlyOne.join(", ")}`);
      }
    }
    if (spec.anyOf && !spec.anyOf.some((k) => present.has(k) || suggested.has(k))) {
      this.report(offset, path2, `needs at least one of ${spec.anyOf.join(", ")}`);
    }
    for (const [a, b] of spec.exclusive ?? []) {
      if (present.has(a) && present.has(b)) {
        const later = present.get(a) > present.get(b) ? a : b;
        this.report(present.get(later), [...path2, later], `'${a}' and '${b}' cannot be used together; use one of them`);
      }
    }
    for (const [key, needs] of Object.entries(spec.requires ?? {})) {
      if (!present.has(key)) continue;
      for (const need of needs) {
        if (!present.has(need) && !suggested.has(need)) this.report(present.get(key), [...path2, key], `'${key}' needs '${need}' next to it`);
      }
    }
    return out;
  }
  tagged(node, spec, offset, path2, depth) {
    const variants = Object.keys(spec.variants);
    const tagPair = this.pairs(node, path2).find((p) => p.key === spec.tag);
    if (!tagPair) return this.fail(offset, path2, `missing required key '${spec.tag}'; expected one of ${variants.join(", ")}`);
    const tagNode = this.resolve(tagPair.value);
    const tag = (0, import_yaml2.isScalar)(tagNode) ? tagNode.value : void 0;
    const variant = typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : void 0;
    if (!variant) {
      const at = nodeOffset(tagPair.value, tagPair.keyOffset);
      const shown = typeof tag === "string" ? `'${tag}'` : describeNode(tagNode, kindOfNode(tagNode));
      return this.fail(at, [...path2, spec.tag], `${shown} is not a known ${spec.tag}; expected one of ${variants.join(", ")}${typeof tag === "string" ? didYouMean(tag, variants) : ""}`);
    }
    return this.object(node, variant, offset, path2, depth);
  }
};
function requiredList(spec) {
  return spec.type === "object" && spec.required ? spec.required.join(" and ") : "content";
}
function kindOfNode(node) {
  if (node === null || node === void 0) return "null";
  if ((0, import_yaml2.isMap)(node)) return "map";
  if ((0, import_yaml2.isSeq)(node)) return "list";
  if ((0, import_yaml2.isScalar)(node)) {
    const v = node.value;
    if (v === null || v === void 0) return "null";
    if (typeof v === "number" || typeof v === "bigint") return "number";
    if (typeof v === "boolean") return "boolean";
    return typeof v === "string" ? "string" : "other";
  }
  return "null";
}
function describeNode(node, kind) {
  const v = (0, import_yaml2.isScalar)(node) ? node.value : void 0;
  switch (kind) {
    case "null":
      return "nothing (an empty value)";
    case "number":
      return `the number ${String(v)}`;
    case "boolean":
      return String(v);
    case "string":
      return `the text '${String(v)}'`;
    case "list":
      return "a list";
    case "map":
      return "a map";
    case "other":
      return `a ${(0, import_yaml2.isScalar)(node) && node.tag ? node.tag + " " : ""}value`;
  }
}
function typeHint(node, kind, spec) {
  const v = (0, import_yaml2.isScalar)(node) ? node.value : void 0;
  const source = (0, import_yaml2.isScalar)(node) && node.source ? node.source : String(v);
  const accepts = kindsOf(spec);
  if (spec.type === "string" && (spec.format === "duration" || spec.format === "bootWait") && kind === "number") return `; a duration needs a unit, e.g. '${source}s'`;
  if (accepts.includes("string") && (kind === "number" || kind === "boolean")) return `; quote it to mean the text "${source}"`;
  if (accepts.includes("boolean") && kind === "string" && /^(yes|no|on|off|y|n)$/i.test(String(v))) return `; YAML 1.2 reads '${String(v)}' as text, write true or false`;
  if (accepts.includes("number") && kind === "string" && /^\d+$/.test(String(v))) return "; remove the quotes";
  if (accepts.includes("list") && (kind === "string" || kind === "number" || kind === "boolean")) return `; write a list, e.g. [${source}]`;
  return "";
}
function isEmptyValue(node) {
  return node === null || node === void 0 || (0, import_yaml2.isScalar)(node) && node.value === null && !node.source;
}
function nodeOffset(node, fallback) {
  return node?.range?.[0] ?? fallback;
}
function scalarOffset(node, value, index, text) {
  const [start, end] = node.range ?? [0, 0];
  const type = (0, import_yaml2.isScalar)(node) ? node.type : void 0;
  const quoted = type === "QUOTE_DOUBLE" || type === "QUOTE_SINGLE";
  const inner = quoted ? text.slice(start + 1, end - 1) : text.slice(start, end);
  if ((type === "PLAIN" || quoted) && inner === value) return start + (quoted ? 1 : 0) + index;
  return start;
}

export {
  PACKER_BUILDER_OPTIONS,
  PACKER_PROVISIONER_OPTIONS,
  SUPPORTED_PROVISIONER_TYPES,
  UNSUPPORTED_PROVISIONERS,
  checkStructure,
  scalarOffset,
  SECRET_NAME,
  ResolveContext,
  str,
  num,
  bool,
  obj,
  list,
  strings,
  isRaw,
  effectiveSettings,
  resolveKubevirt,
  quantityValue
};
