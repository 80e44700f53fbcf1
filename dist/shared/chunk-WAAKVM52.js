import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  QUANTITY_PATTERN,
  parseQuantity,
  require_dist
} from "./chunk-LAWJDJJ5.js";
import {
  didYouMean,
  suggest
} from "./chunk-WVXTUGLW.js";
import {
  BuildFileError,
  __toESM,
  formatPath,
  parseGoDuration
} from "./chunk-Q75WJYVF.js";

// src/core/config/load.ts
var import_yaml3 = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
import path2 from "node:path";

// src/core/template/fields.ts
var BUILD_FIELDS = ["HTTPIP", "HTTPPort", "Name"];
var BOOT_COMMAND_FIELDS = BUILD_FIELDS;
var SHELL_INLINE_FIELDS = BUILD_FIELDS;
var SHELL_EXECUTE_FIELDS = ["Path", "Vars", "EnvVarFile", "Command", ...BUILD_FIELDS];
var LOAD_TIME_FIELDS = [];
var FIELDS_BY_USE = {
  load: LOAD_TIME_FIELDS,
  boot: BOOT_COMMAND_FIELDS,
  shellInline: SHELL_INLINE_FIELDS,
  shellExecute: SHELL_EXECUTE_FIELDS
};

// src/core/template/template-error.ts
var TemplateError = class extends Error {
  constructor(message, offset) {
    super(message);
    this.offset = offset;
  }
  offset;
  name = "TemplateError";
};

// src/core/template/parse.ts
var SUPPORTED = 'supported: {{ .Field }}, {{ env "NAME" }}, {{ user "name" }}, {{ "text" }}';
var SPACE = /* @__PURE__ */ new Set([" ", "	", "\r", "\n"]);
function parseTemplate(text2) {
  const parts = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= text2.length) {
    const open = text2.indexOf("{{", pos);
    let chunk = text2.slice(pos, open === -1 ? text2.length : open);
    let chunkOffset = pos;
    if (trimNextText) {
      const trimmed = chunk.replace(/^[ \t\r\n]+/, "");
      chunkOffset += chunk.length - trimmed.length;
      chunk = trimmed;
    }
    if (open === -1) {
      if (chunk) parts.push({ kind: "text", text: chunk, offset: chunkOffset });
      break;
    }
    let inner = open + 2;
    if (text2[inner] === "-" && SPACE.has(text2[inner + 1] ?? "")) {
      chunk = chunk.replace(/[ \t\r\n]+$/, "");
      inner += 2;
    }
    if (chunk) parts.push({ kind: "text", text: chunk, offset: chunkOffset });
    const action = parseAction(text2, inner, open);
    if (action.part) parts.push(action.part);
    trimNextText = action.trimRight;
    pos = action.end;
  }
  return parts;
}
function parseAction(text2, start, open) {
  if (text2.startsWith("/*", start)) {
    const close = text2.indexOf("*/", start + 2);
    if (close === -1) throw new TemplateError('unclosed comment: expected "*/}}"', open);
    let after = close + 2;
    if (SPACE.has(text2[after] ?? "") && text2.startsWith("-}}", after + 1)) return { end: after + 4, trimRight: true };
    if (!text2.startsWith("}}", after)) throw new TemplateError('a comment must end with "*/}}"', close);
    after += 2;
    return { end: after, trimRight: false };
  }
  const tokens = [];
  let pos = start;
  for (; ; ) {
    while (SPACE.has(text2[pos] ?? "")) pos++;
    if (pos >= text2.length) throw new TemplateError('unclosed action: expected "}}"', open);
    const closing = closeDelimiter(text2, pos);
    if (closing) return { part: toPart(tokens, open), end: closing.end, trimRight: closing.trimRight };
    const c = text2[pos];
    if (c === ".") {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text2.slice(pos + 1));
      if (!m) throw new TemplateError(`expected a field name after "." (${SUPPORTED})`, pos);
      tokens.push({ t: "field", name: m[0], offset: pos });
      pos += 1 + m[0].length;
      if (text2[pos] === ".") throw new TemplateError(`nested fields like ".${m[0]}.x" are not supported (${SUPPORTED})`, pos);
    } else if (c === '"') {
      const end = findQuoteEnd(text2, pos, open);
      tokens.push({ t: "string", value: decodeQuoted(text2.slice(pos, end + 1), pos), offset: pos });
      pos = end + 1;
    } else if (c === "`") {
      const end = text2.indexOf("`", pos + 1);
      if (end === -1) throw new TemplateError('unterminated raw string: expected a closing "`"', pos);
      tokens.push({ t: "string", value: text2.slice(pos + 1, end), offset: pos });
      pos = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text2.slice(pos));
      tokens.push({ t: "ident", name: m[0], offset: pos });
      pos += m[0].length;
    } else {
      throw new TemplateError(`unexpected "${c}" in template action (${SUPPORTED})`, pos);
    }
  }
}
function closeDelimiter(text2, pos) {
  if (text2.startsWith("}}", pos)) return { end: pos + 2, trimRight: false };
  if (text2.startsWith("-}}", pos) && SPACE.has(text2[pos - 1] ?? "")) return { end: pos + 3, trimRight: true };
  return void 0;
}
function findQuoteEnd(text2, start, open) {
  for (let i = start + 1; i < text2.length; i++) {
    const c = text2[i];
    if (c === "\\") i++;
    else if (c === '"') return i;
    else if (c === "\n") break;
  }
  throw new TemplateError(`unterminated string: expected a closing '"'`, open);
}
function decodeQuoted(literal, offset) {
  try {
    const v = JSON.parse(literal);
    if (typeof v === "string") return v;
  } catch {
  }
  throw new TemplateError(`invalid string literal ${literal}: use \\" \\\\ \\n \\t or \\uXXXX escapes, or a \`raw\` string`, offset);
}
function toPart(tokens, open) {
  const [first, second, ...rest] = tokens;
  if (!first) throw new TemplateError(`empty template action (${SUPPORTED})`, open);
  const extra = rest[0] ?? (first.t !== "ident" ? second : void 0);
  if (extra) throw new TemplateError(`unexpected ${describe(extra)} in template action (${SUPPORTED})`, extra.offset);
  switch (first.t) {
    case "field":
      return { kind: "field", name: first.name, offset: first.offset };
    case "string":
      return { kind: "literal", value: first.value, offset: first.offset };
    case "ident":
      if (!second || second.t !== "string") {
        throw new TemplateError(`function "${first.name}" takes one quoted argument, e.g. {{ ${first.name} "NAME" }}`, second?.offset ?? first.offset);
      }
      return { kind: "call", fn: first.name, arg: second.value, offset: first.offset, argOffset: second.offset };
  }
}
function describe(t) {
  if (t.t === "field") return `field ".${t.name}"`;
  if (t.t === "ident") return `"${t.name}"`;
  return `string ${JSON.stringify(t.value)}`;
}

// src/core/template/render.ts
var TEMPLATE_FUNCTIONS = ["env", "user"];
function renderTemplate(text2, scope) {
  const parts = parseTemplate(text2);
  const fieldNames = Object.keys(scope.fields ?? {});
  let out = "";
  for (const part of parts) {
    const v = evaluate(part, fieldNames, scope);
    if (v instanceof TemplateError) throw v;
    out += v === KEEP ? String(scope.fields[part.name]) : v;
  }
  return out;
}
function bindTemplate(text2, fields, scope = {}) {
  const envUsed = /* @__PURE__ */ new Map();
  let parts;
  try {
    parts = parseTemplate(text2);
  } catch (err) {
    if (err instanceof TemplateError) return { text: text2, errors: [err], envUsed, hasFields: false };
    throw err;
  }
  const errors = [];
  const chunks = [];
  for (const part of parts) {
    const v = evaluate(part, fields, scope);
    if (v instanceof TemplateError) {
      errors.push(v);
      continue;
    }
    if (v === KEEP) {
      chunks.push({ action: `{{ .${part.name} }}` });
      continue;
    }
    if (part.kind === "call" && part.fn === "env") envUsed.set(part.arg, v);
    const last = chunks.at(-1);
    if (last && "raw" in last) last.raw += v;
    else chunks.push({ raw: v });
  }
  if (fields.length === 0) {
    return { text: chunks.map((c) => "raw" in c ? c.raw : "").join(""), errors, envUsed, hasFields: false };
  }
  let out = "";
  let hasFields = false;
  chunks.forEach((c, i) => {
    if ("action" in c) {
      out += c.action;
      hasFields = true;
    } else if (c.raw.includes("{{") || c.raw.endsWith("{") && i < chunks.length - 1) {
      out += `{{ ${JSON.stringify(c.raw)} }}`;
      hasFields = true;
    } else {
      out += c.raw;
    }
  });
  return { text: out, errors, envUsed, hasFields };
}
var KEEP = /* @__PURE__ */ Symbol("keep the field action");
function evaluate(part, fields, scope) {
  switch (part.kind) {
    case "text":
      return part.text;
    case "literal":
      return part.value;
    case "field": {
      if (fields.includes(part.name)) return KEEP;
      if (fields.length === 0) return new TemplateError(`unknown field ".${part.name}": no fields are available here`, part.offset);
      const near = suggest(part.name, fields);
      const hint = near ? `; did you mean ".${near}"?` : "";
      return new TemplateError(`unknown field ".${part.name}" (available here: ${fields.map((f) => "." + f).join(", ")})${hint}`, part.offset);
    }
    case "call":
      if (part.fn === "env") {
        if (!scope.env) return new TemplateError("the env function is not available here", part.offset);
        return (Object.hasOwn(scope.env, part.arg) ? scope.env[part.arg] : void 0) ?? "";
      }
      if (part.fn === "user") {
        if (!scope.variables) return new TemplateError("the user function is not available here", part.offset);
        if (Object.hasOwn(scope.variables, part.arg)) return scope.variables[part.arg];
        const declared = Object.keys(scope.variables);
        if (declared.length === 0) return new TemplateError(`unknown variable "${part.arg}": the build declares no variables`, part.argOffset);
        const near = suggest(part.arg, declared);
        return new TemplateError(`unknown variable "${part.arg}" (declared: ${declared.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, part.argOffset);
      } else {
        const near = suggest(part.fn, TEMPLATE_FUNCTIONS);
        return new TemplateError(`unknown function "${part.fn}" (functions: ${TEMPLATE_FUNCTIONS.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, part.offset);
      }
  }
}

// src/core/config/build-spec.ts
function text(description, extra = {}) {
  return { type: "string", description, template: "load", ...extra };
}
function formatted(format, description, extra = {}) {
  return text(description, { format, ...extra });
}
function choice(values, description, extra = {}) {
  return { type: "string", enum: values, description, ...extra };
}
function duration(description, def, extra = {}) {
  return formatted("duration", description, def === void 0 ? extra : { default: def, ...extra });
}
function integer(description, extra = {}) {
  return { type: "integer", description, ...extra };
}
function flag(description, def = false) {
  return { type: "boolean", description, default: def };
}
function list(items, description, extra = {}) {
  return { type: "array", items, description, ...extra };
}
function map(keyFormat, values, description) {
  return { type: "map", keyFormat, values, description };
}
function object(title, description, properties, extra = {}) {
  return { type: "object", title, description, properties, ...extra };
}
function oneOrMany(item, description, extra = {}) {
  return { type: "union", description, options: [{ ...item, description }, list(item, description)], ...extra };
}
function size(description, extra = {}) {
  return {
    type: "union",
    description,
    options: [formatted("quantity", description), integer(`${description} In bytes.`, { minimum: 1 })],
    ...extra
  };
}
var k8sName = (description) => formatted("k8sName", description);
var localPath = (description, kind, extra = {}) => text(description, { path: kind, ...extra });
var templated = (use, description, extra = {}) => text(description, { template: use, ...extra });
var source = object(
  "Source",
  "Where the root disk comes from: exactly one of url (with checksum), containerDisk, iso, path or from.",
  {
    url: formatted("url", "A disk image (qcow2 or raw) to download; needs checksum. Downloads are cached by URL and checksum."),
    checksum: formatted("checksum", "The image's digest, algo:hex (md5, sha1, sha256 or sha512)."),
    containerDisk: formatted("image", "A containerDisk image (a disk under /disk in an OCI image), e.g. quay.io/containerdisks/debian:12."),
    iso: object("ISO", "An installer ISO, attached as a cdrom and booted; the root disk starts empty (size from disks[0].size).", {
      url: formatted("url", "Where to download the ISO."),
      checksum: formatted("checksum", "The ISO's digest, algo:hex.")
    }, { required: ["url", "checksum"], hints: { iso_url: "url", iso_checksum: "checksum" } }),
    path: localPath("A local disk image (qcow2 or raw), relative to the build file; read when the build runs.", "unchecked"),
    from: formatted("vmRef", "Another VM's output, `<layer>/<vm>`, from an earlier layer.")
  },
  {
    exactlyOne: ["url", "containerDisk", "iso", "path", "from"],
    requires: { url: ["checksum"], checksum: ["url"] },
    hints: { iso_url: "iso: { url, checksum }", iso_checksum: "iso: { url, checksum }", disk_image: "url (a disk image) or iso (an installer)" }
  }
);
var disk = object("Disk", "A disk of the VM. The first is the root disk, made from the source.", {
  name: k8sName("Disk name, unique within the VM (disks and cdroms share names)."),
  size: size("Disk size. The root disk grows to it (never shrinks); other disks are created empty with it.", { defaultText: "40Gi for the root disk (Packer: 40960M); required for other disks" }),
  bus: choice(["virtio", "sata", "scsi"], "The bus the disk is attached to. virtio needs guest drivers (Windows: virtio-win).", {
    default: "virtio",
    rejected: { ide: 'KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook)' }
  })
}, { required: ["name"], hints: { disk_size: "size", disk_interface: "bus", interface: "bus" } });
var cdrom = object("CD-ROM", "A cdrom: files packed into an ISO with a volume label (cloud-init cidata, Windows answer files), or an existing ISO.", {
  name: k8sName("Cdrom name, unique within the VM."),
  files: list(localPath("A file or folder (relative to the build file) put at the root of the ISO.", "fileOrDir"), "Files and folders to pack into the ISO.", { minItems: 1 }),
  iso: localPath("An existing ISO file, relative to the build file.", "file"),
  label: formatted("volumeLabel", "The ISO volume label the guest looks for (cidata for cloud-init NoCloud, OEMDRV for kickstart).", { default: "packer" })
}, { required: ["name"], exactlyOne: ["files", "iso"], exclusive: [["iso", "label"]], hints: { cd_files: "files", cd_label: "label" } });
var nic = object("NIC", "A network interface.", {
  model: choice(["virtio", "e1000", "e1000e", "rtl8139"], "The NIC model the guest sees. e1000e works in Windows without drivers.", { default: "virtio" }),
  subnet: k8sName("A subnet declared under network.vpcs[].subnets; omitted = the default network (with internet).")
}, { hints: { net_device: "model" } });
var communicator = object("Communicator", "How RudderVirt reaches the guest to provision it (Packer communicator options).", {
  type: choice(["ssh", "none"], "ssh, or none for a VM that needs no connection (it powers itself off, e.g. an unattended installer).", {
    defaultText: "ssh when the VM has provisioners or a shutdownCommand, else none"
  }),
  sshHost: text("Host to connect to; by default the engine knows (a forwarded port, the VM pod IP)."),
  sshPort: integer("SSH port in the guest.", { minimum: 1, maximum: 65535, default: 22 }),
  sshUsername: text("User to log in as. Required with type ssh."),
  sshPassword: text("Password (also used for keyboard-interactive). Masked in logs; use {{ env `NAME` }} to keep it out of the file.", { secret: true }),
  sshPrivateKeyFile: localPath("Private key file (relative to the build file; ~ is your home).", "file"),
  sshAgentAuth: flag("Authenticate with the SSH agent at SSH_AUTH_SOCK."),
  sshTimeout: duration("How long to wait for SSH to come up.", void 0, { defaultText: "5m when neither sshTimeout nor sshHandshakeAttempts is set, else unlimited" }),
  sshHandshakeAttempts: integer("Authentication failures tolerated while waiting (0 = unlimited).", { minimum: 0, defaultText: "10 when neither sshTimeout nor sshHandshakeAttempts is set, else unlimited" }),
  sshPty: flag("Request a pseudo-terminal for commands."),
  sshKeepAliveInterval: duration("Interval between keep-alive messages; negative disables them.", "5s"),
  sshBastionHost: text("A bastion (jump) host to connect through."),
  sshBastionPort: integer("Bastion SSH port.", { minimum: 1, maximum: 65535, default: 22 }),
  sshBastionUsername: text("Bastion user."),
  sshBastionPassword: text("Bastion password. Masked in logs.", { secret: true }),
  sshBastionPrivateKeyFile: localPath("Bastion private key file; defaults to sshPrivateKeyFile.", "file"),
  pauseBeforeConnecting: duration("After SSH first answers, disconnect, wait this long and connect again (for guests that reboot once after first boot).", "0s")
}, {
  hints: {
    ssh_username: "sshUsername",
    ssh_password: "sshPassword",
    ssh_wait_timeout: "sshTimeout",
    communicator: "type",
    winrm_username: "WinRM is not supported: install OpenSSH in the guest and use type: ssh",
    winrm_password: "WinRM is not supported: install OpenSSH in the guest and use type: ssh"
  }
});
var provisionerCommon = {
  name: text("A label for logs."),
  pauseBefore: duration("Wait this long before running the provisioner.", "0s"),
  timeout: duration("Fail the provisioner if it runs longer (0 = no limit). Unlike Packer, it also applies when pauseBefore is set.", "0s"),
  maxRetries: integer("Run the provisioner again up to this many times after a failure.", { minimum: 0, default: 0 })
};
var shell = object("shell provisioner", "Runs shell commands or scripts in the guest (Packer shell provisioner).", {
  type: choice(["shell"], "Provisioner type."),
  ...provisionerCommon,
  inline: {
    type: "union",
    description: "Commands, written into one script (after the inlineShebang line) and run.",
    options: [templated("shellInline", "Commands, written into one script and run."), list(templated("shellInline", "A command line."), "Commands, one per line of the script.", { minItems: 1 })]
  },
  script: localPath("A local script to upload and run.", "file"),
  scripts: list(localPath("A local script.", "file"), "Local scripts to upload and run in order.", { minItems: 1 }),
  environmentVars: list(formatted("envAssignment", "KEY=value"), "Environment variables for the scripts, KEY=value; values are single-quoted for the shell. Values of keys that look secret (PASSWORD, TOKEN, SECRET\u2026) are masked."),
  env: map("envName", text("Value"), "Environment variables as a map; overrides environmentVars with the same key."),
  executeCommand: templated("shellExecute", "How to run each script. Fields: .Path, .Vars, .EnvVarFile, .Command (plus .HTTPIP, .HTTPPort, .Name).", {
    defaultText: "`chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}`, with useEnvVarFile `chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}`"
  }),
  inlineShebang: text("First line of the script made from inline.", { default: "/bin/sh -e" }),
  remoteFolder: text("Guest folder scripts are uploaded to.", { default: "/tmp" }),
  remoteFile: text("Guest file name of the uploaded script.", { defaultText: "script_<random>.sh" }),
  remotePath: text("Full guest path of the uploaded script.", { defaultText: "<remoteFolder>/<remoteFile>" }),
  validExitCodes: list(integer("Exit code."), "Exit codes that count as success.", { default: [0] }),
  expectDisconnect: flag("Accept the connection dropping (a script that reboots the guest)."),
  startRetryTimeout: duration("How long upload and start are retried (e.g. while the guest reboots).", "5m"),
  skipClean: flag("Leave the uploaded script in the guest."),
  binary: flag("Upload scripts unchanged (otherwise CRLF line ends become LF)."),
  useEnvVarFile: flag("Pass the variables in a file that is sourced, instead of on the command line.")
}, {
  required: ["type"],
  exactlyOne: ["inline", "script", "scripts"],
  hints: { environment_vars: "environmentVars", execute_command: "executeCommand", expect_disconnect: "expectDisconnect", valid_exit_codes: "validExitCodes" }
});
var file = object("file provisioner", "Copies files or folders to (or from) the guest (Packer file provisioner).", {
  type: choice(["file"], "Provisioner type."),
  ...provisionerCommon,
  source: text("A file or folder: local for upload (relative to the build file), in the guest for download. A folder with a trailing / copies its contents."),
  sources: list(text("A file or folder."), "Several sources; destination is then a folder.", { minItems: 1 }),
  content: text("Text to write to destination instead of a source file."),
  destination: text("Where to put it: in the guest for upload, locally (relative to the build file) for download. A trailing / means a folder."),
  direction: choice(["upload", "download"], "Copy into the guest or out of it.", { default: "upload" }),
  generated: flag("The source is made during the build, so it is not checked when the file is loaded.")
}, { required: ["type", "destination"], anyOf: ["source", "sources", "content"], exclusive: [["content", "source"], ["content", "sources"]] });
var windowsUpdate = object("windows-update provisioner", "Installs Windows updates and reboots until none are left (like rgl/packer-plugin-windows-update).", {
  type: choice(["windows-update"], "Provisioner type."),
  ...provisionerCommon,
  searchCriteria: text("Windows Update search criteria.", { default: "BrowseOnly=0 and IsInstalled=0" }),
  filters: list(formatted("updateFilter", "include:EXPR or exclude:EXPR"), "Filters over $_ (the update); the first that matches decides; no match = not installed.", { defaultText: "[include:$true]" }),
  updateLimit: integer("Updates installed per cycle.", { minimum: 1, default: 1e3 }),
  updateMaxRetries: integer("Retries of a failed update run.", { minimum: 0, default: 5 }),
  restartTimeout: duration("How long a restart may take.", "4h"),
  maxReboots: integer("Stop with an error after this many reboots (guards against reboot loops); 0 = no limit.", { minimum: 0, default: 10 })
}, { required: ["type"], hints: { search_criteria: "searchCriteria", update_limit: "updateLimit", restart_timeout: "restartTimeout" } });
var windowsRestart = object("windows-restart provisioner", "Restarts Windows and waits until it is back (Packer windows-restart provisioner).", {
  type: choice(["windows-restart"], "Provisioner type."),
  ...provisionerCommon,
  restartCommand: text("Command that restarts the guest.", { default: 'shutdown /r /f /t 0 /c "packer restart"' }),
  restartCheckCommand: text('Command whose output contains "restarted." once the guest is back.', { default: `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"` }),
  restartTimeout: duration("How long the restart may take.", "5m"),
  checkRegistry: flag("Also wait until no pending-reboot registry keys remain.")
}, { required: ["type"], hints: { restart_timeout: "restartTimeout", restart_command: "restartCommand" } });
var provisioner = {
  type: "tagged",
  tag: "type",
  description: "A provisioner; `type` picks which.",
  variants: { shell, file, "windows-update": windowsUpdate, "windows-restart": windowsRestart }
};
var output = object("Output", "The image the VM leaves behind.", {
  format: choice(["qcow2", "raw"], "Disk format.", { default: "qcow2" }),
  compress: flag("Compress the qcow2 (qemu-img convert -c). Not with raw."),
  compressionType: choice(
    ["zstd", "zlib"],
    "How a compressed qcow2 is compressed. zstd is several times faster to write at about the same size, and QEMU 5.1+ (KubeVirt, CDI) reads it; zlib for older readers (Packer writes zlib).",
    { default: "zstd" }
  )
});
var vm = object("VM", "A virtual machine to build.", {
  name: k8sName("VM name, unique within the layer."),
  source,
  cpu: integer("Virtual CPUs.", { minimum: 1, maximum: 512, default: 1 }),
  cpuModel: text(
    "CPU model the guest sees (QEMU -cpu, KubeVirt domain.cpu.model), e.g. host (KubeVirt host-passthrough), max, Nehalem, Haswell-noTSX. Default: host under KVM; max under software emulation (everything TCG can emulate, so x86-64-v2/v3 guests boot)."
  ),
  memory: size("Memory.", { default: "512Mi" }),
  efiFirmware: {
    type: "union",
    description: "Boot with UEFI (OVMF) instead of BIOS. true = UEFI without Secure Boot.",
    default: false,
    options: [
      flag("Boot with UEFI (OVMF) instead of BIOS."),
      object("EFI", "UEFI settings.", { secureBoot: flag("Enable Secure Boot (KubeVirt then also enables SMM).") })
    ]
  },
  disks: list(disk, "Disks; the first is the root disk.", { minItems: 1, defaultText: "[{ name: root, size: 40Gi, bus: virtio }]" }),
  cdroms: list(cdrom, "CD-ROMs attached besides an installer ISO.", { default: [] }),
  nics: list(nic, "Network interfaces.", { minItems: 1, defaultText: "[{ model: virtio }] on the default network" }),
  httpDirectory: localPath("A folder served over HTTP to the guest during the build (preseed, kickstart); see {{ .HTTPIP }}/{{ .HTTPPort }}.", "dir"),
  httpContent: map("httpPath", text("File content"), "Files served over HTTP, URL path \u2192 content. Not with httpDirectory."),
  bootWait: duration("Wait after the VM starts before typing bootCommand. 0 means the default; negative means no wait (as in Packer).", "10s"),
  bootKeyInterval: duration("Pause after each key event while typing.", void 0, { defaultText: "PACKER_KEY_INTERVAL, else 100ms" }),
  bootCommand: oneOrMany(templated("boot", "Keys to type over VNC, in Packer boot-command syntax (<enter>, <wait5>, <leftCtrlOn> \u2026)."), "Keys to type over VNC in Packer boot-command syntax; list elements are joined before parsing. Fields: .HTTPIP, .HTTPPort, .Name.", { default: [] }),
  communicator,
  provisioners: list(provisioner, "Provisioners, run in order once the communicator connects.", { default: [] }),
  shutdownCommand: text("Command that shuts the guest down; without it the VM is powered off (ACPI, then forced)."),
  shutdownTimeout: duration("How long to wait for the guest to stop after shutdownCommand.", "5m"),
  output,
  dependsOn: list(k8sName("A VM of the same layer."), "VMs of the same layer this one waits for: they start first.", { default: [] })
}, {
  required: ["name", "source"],
  exclusive: [["httpDirectory", "httpContent"]],
  hints: {
    cpus: "cpu",
    cpu_model: "cpuModel",
    vm_name: "name",
    iso_url: "source: { iso: { url, checksum } }",
    iso_checksum: "source: { iso: { url, checksum } }",
    disk_size: "disks: [{ name: root, size }]",
    disk_interface: "disks[].bus",
    format: "output: { format }",
    boot_steps: "bootCommand",
    efi_boot: "efiFirmware",
    firmware: "efiFirmware",
    cd_files: "cdroms: [{ name, files, label }]",
    net_device: "nics: [{ model }]",
    headless: "not needed: builds always run without a display",
    ssh_username: "communicator: { sshUsername }",
    ssh_password: "communicator: { sshPassword }",
    shutdown_command: "shutdownCommand",
    depends_on: "dependsOn"
  }
});
var layer = object("Layer", "A set of VMs built together; layers run in order.", {
  name: k8sName("Layer name, unique in the build."),
  vms: list(vm, "The VMs of the layer; they boot together on their networks.", { minItems: 1 })
}, { required: ["name", "vms"] });
var subnet = object("Subnet", "A subnet of a VPC.", {
  name: k8sName("Subnet name, unique in the build; NICs name it."),
  cidr: formatted("cidr", "The subnet range, e.g. 10.20.0.0/24.")
}, { required: ["name", "cidr"], hints: { cidrBlock: "cidr" } });
var vpc = object("VPC", "An isolated network (a Kube-OVN VPC on KubeVirt).", {
  name: k8sName("VPC name, unique in the build."),
  internet: flag("Whether VMs can reach the internet (the egress gateway runs, or is scaled to zero).", true),
  subnets: list(subnet, "Subnets of the VPC.", { minItems: 1 })
}, { required: ["name", "subnets"] });
var buildSpec = object("Build", "A RudderVirt build file.", {
  name: k8sName("Names the build: resources, outputs and cache keys."),
  variables: map("variableName", { type: "scalar", description: "Default value" }, "Variables with their defaults, used as {{ user `name` }}; overridden with --var name=value."),
  network: object("Network", "Networks the VMs attach to. Without it, every NIC is on the default network, which has internet.", {
    vpcs: list(vpc, "VPCs.", { minItems: 1 })
  }, { required: ["vpcs"] }),
  layers: list(layer, "Layers, built in order; a VM may start from an earlier layer's output.", { minItems: 1 })
}, { required: ["name", "layers"], hints: { builders: "layers[].vms", sources: "layers[].vms", provisioners: "layers[].vms[].provisioners" } });

// src/core/config/check-structure.ts
var import_yaml = __toESM(require_dist(), 1);

// src/core/config/checksum.ts
var CHECKSUM_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
var CHECKSUM_PATTERN = `(?:${Object.entries(CHECKSUM_HEX_LENGTH).map(([algo, n]) => `${algo}:[0-9a-fA-F]{${n}}`).join("|")})`;
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
var DURATION_PATTERN = "[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|\xB5s|\u03BCs|ms|s|m|h))+|[-+]?0";
var FORMATS = {
  duration: {
    pattern: DURATION_PATTERN,
    expected: "a Go duration such as 500ms, 30s, 5m or 1h30m",
    explain: (v) => /^\d+(\.\d+)?$/.test(v) ? `a duration needs a unit; did you mean '${v}s'?` : void 0
  },
  quantity: {
    pattern: QUANTITY_PATTERN,
    expected: "a Kubernetes quantity such as 512Mi, 2Gi or 10G",
    explain: (v) => {
      const r = parseQuantity(v);
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
  vmRef: {
    pattern: `${K8S_NAME}/${K8S_NAME}`,
    expected: "<layer>/<vm>, naming a VM of an earlier layer, e.g. base/web"
  },
  envAssignment: {
    pattern: "[^=]+=[\\s\\S]*",
    expected: "KEY=value with a non-empty KEY"
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
  }
  doc;
  options;
  problems = [];
  positions = /* @__PURE__ */ new Map();
  secrets = [];
  nodes = 0;
  tooBig = false;
  run(spec) {
    const root = this.doc.contents;
    let value;
    if (root === null || (0, import_yaml.isScalar)(root) && root.value === null) {
      this.report(0, [], `the file is empty; expected ${describeSpec(spec)} with ${requiredList(spec)}`);
    } else {
      this.positions.set("", { value: root.range?.[0] ?? 0 });
      value = this.walk(root, spec, [], 0);
    }
    return { value, problems: this.problems, positions: this.positions, secrets: this.secrets };
  }
  report(offset, path4, message) {
    const { line, col } = this.options.lineCounter.linePos(offset);
    this.problems.push({ file: this.options.file, line, column: col, path: formatPath(path4), message });
  }
  resolve(node) {
    let n = node;
    for (let hops = 0; n && (0, import_yaml.isAlias)(n) && hops < 100; hops++) n = n.resolve(this.doc) ?? null;
    return n && (0, import_yaml.isAlias)(n) ? null : n;
  }
  walk(raw, spec, path4, depth) {
    const node = this.resolve(raw);
    const known = this.positions.get(formatPath(path4));
    const offset = known?.value ?? nodeOffset(raw, this.options.text.length);
    if (!known) this.positions.set(formatPath(path4), { value: offset });
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) {
      if (!this.tooBig) this.report(offset, path4, "the document is too large or too deeply nested (aliases expanding without end?)");
      this.tooBig = true;
      return void 0;
    }
    const kind = kindOfNode(node);
    let target = spec;
    if (spec.type === "union") {
      const option = spec.options.find((o) => kindsOf(o).includes(kind));
      if (!option) return this.typeError(node, kind, spec, offset, path4);
      target = option;
    }
    if (!kindsOf(target).includes(kind)) return this.typeError(node, kind, target, offset, path4);
    switch (target.type) {
      case "string":
        return this.string(node, target, offset, path4);
      case "integer": {
        const v = node.value;
        if (!Number.isInteger(v)) return this.fail(offset, path4, `expected ${describeSpec(target)}, found ${v}`);
        if (target.minimum !== void 0 && v < target.minimum || target.maximum !== void 0 && v > target.maximum) {
          return this.fail(offset, path4, `${v} is out of range; expected ${describeSpec(target)}`);
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
        const items = (0, import_yaml.isSeq)(node) ? node.items : [];
        const out = items.map((item, i) => this.walk(item, target.items, [...path4, i], depth + 1));
        if (target.minItems !== void 0 && items.length < target.minItems) {
          this.report(offset, path4, `needs at least ${target.minItems} item${target.minItems === 1 ? "" : "s"}; expected ${describeSpec(target)}`);
        }
        return out;
      }
      case "map": {
        const out = /* @__PURE__ */ Object.create(null);
        for (const { key, keyOffset, value } of this.pairs(node, path4)) {
          const p = [...path4, key];
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
        return this.object(node, target, offset, path4, depth);
      case "tagged":
        return this.tagged(node, target, offset, path4, depth);
    }
  }
  fail(offset, path4, message) {
    this.report(offset, path4, message);
    return void 0;
  }
  typeError(node, kind, spec, offset, path4) {
    return this.fail(offset, path4, `expected ${describeSpec(spec)}, found ${describeNode(node, kind)}${typeHint(node, kind, spec)}`);
  }
  string(node, spec, offset, path4) {
    let value = node.value;
    if (spec.enum) {
      if (spec.enum.includes(value)) return value;
      const reason = spec.rejected?.[value.toLowerCase()];
      if (reason) return this.fail(offset, path4, `'${value}' is not accepted: ${reason}; expected ${spec.enum.join(", ")}`);
      return this.fail(offset, path4, `'${value}' is not valid; expected one of ${spec.enum.join(", ")}${didYouMean(value, spec.enum)}`);
    }
    const templated2 = isTemplated(value);
    const hook = this.options.renderTemplate;
    if (templated2 && hook && spec.template) {
      const r = hook(value, spec, path4);
      for (const e of r.errors) this.report(scalarOffset(node, value, e.offset, this.options.text), path4, e.message);
      if (r.errors.length > 0) return void 0;
      this.secrets.push(...r.secrets);
      value = r.value;
    }
    const checkable = !templated2 || hook !== void 0 && spec.template === "load";
    if (spec.format && checkable) {
      const problem = checkFormat(spec.format, value);
      if (problem) return this.fail(offset, path4, templated2 ? `renders to '${value}': ${problem}` : problem);
    }
    if (spec.secret && value) this.secrets.push(value);
    return value;
  }
  /** Pairs of a map, with YAML merge keys (<<: *defaults) expanded; explicit keys win. */
  pairs(node, path4) {
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    const merged = [];
    const visit = (map2, into, depth) => {
      const m = this.resolve(map2);
      if (!(0, import_yaml.isMap)(m) || depth > 8) return;
      for (const pair of m.items) {
        const keyNode = this.resolve(pair.key);
        const keyOffset = nodeOffset(pair.key, 0);
        if ((0, import_yaml.isScalar)(keyNode) && typeof keyNode.value === "symbol") {
          const sources = this.resolve(pair.value);
          for (const src of (0, import_yaml.isSeq)(sources) ? sources.items : [sources]) visit(src, merged, depth + 1);
          continue;
        }
        if (!(0, import_yaml.isScalar)(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
          this.report(keyOffset, path4, "keys must be plain text");
          continue;
        }
        into.push({ key: String(keyNode.value), keyOffset, value: pair.value });
      }
    };
    visit(node, out, 0);
    for (const p of out) seen.add(p.key);
    for (const p of merged) {
      if (!seen.has(p.key)) {
        seen.add(p.key);
        out.push(p);
      }
    }
    return out;
  }
  object(node, spec, offset, path4, depth) {
    const out = {};
    const present = /* @__PURE__ */ new Map();
    const suggested = /* @__PURE__ */ new Set();
    for (const { key, keyOffset, value } of this.pairs(node, path4)) {
      const p = [...path4, key];
      const propSpec = Object.hasOwn(spec.properties, key) ? spec.properties[key] : void 0;
      if (!propSpec) {
        const hint = spec.hints?.[key];
        const near = suggest(key, Object.keys(spec.properties));
        if (near && !present.has(near)) suggested.add(near);
        let message;
        if (hint && Object.hasOwn(spec.properties, hint)) {
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
        this.report(offset, path4, `missing required key '${key}' (${describeSpec(spec.properties[key])})`);
      }
    }
    if (spec.exactlyOne) {
      const given = spec.exactlyOne.filter((k) => present.has(k)).sort((a, b) => present.get(a) - present.get(b));
      if (given.length === 0 && !spec.exactlyOne.some((k) => suggested.has(k))) {
        this.report(offset, path4, `needs one of ${spec.exactlyOne.join(", ")}`);
      } else if (given.length > 1) {
        this.report(present.get(given[1]), [...path4, given[1]], `'${given[0]}' and '${given[1]}' cannot be used together; expected exactly one of ${spec.exactlyOne.join(", ")}`);
      }
    }
    if (spec.anyOf && !spec.anyOf.some((k) => present.has(k) || suggested.has(k))) {
      this.report(offset, path4, `needs at least one of ${spec.anyOf.join(", ")}`);
    }
    for (const [a, b] of spec.exclusive ?? []) {
      if (present.has(a) && present.has(b)) {
        const later = present.get(a) > present.get(b) ? a : b;
        this.report(present.get(later), [...path4, later], `'${a}' and '${b}' cannot be used together; use one of them`);
      }
    }
    for (const [key, needs] of Object.entries(spec.requires ?? {})) {
      if (!present.has(key)) continue;
      for (const need of needs) {
        if (!present.has(need) && !suggested.has(need)) this.report(present.get(key), [...path4, key], `'${key}' needs '${need}' next to it`);
      }
    }
    return out;
  }
  tagged(node, spec, offset, path4, depth) {
    const variants = Object.keys(spec.variants);
    const tagPair = this.pairs(node, path4).find((p) => p.key === spec.tag);
    if (!tagPair) return this.fail(offset, path4, `missing required key '${spec.tag}'; expected one of ${variants.join(", ")}`);
    const tagNode = this.resolve(tagPair.value);
    const tag = (0, import_yaml.isScalar)(tagNode) ? tagNode.value : void 0;
    const variant = typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : void 0;
    if (!variant) {
      const at = nodeOffset(tagPair.value, tagPair.keyOffset);
      const shown = typeof tag === "string" ? `'${tag}'` : describeNode(tagNode, kindOfNode(tagNode));
      return this.fail(at, [...path4, spec.tag], `${shown} is not a known ${spec.tag}; expected one of ${variants.join(", ")}${typeof tag === "string" ? didYouMean(tag, variants) : ""}`);
    }
    return this.object(node, variant, offset, path4, depth);
  }
};
function requiredList(spec) {
  return spec.type === "object" && spec.required ? spec.required.join(" and ") : "content";
}
function kindOfNode(node) {
  if (node === null || node === void 0) return "null";
  if ((0, import_yaml.isMap)(node)) return "map";
  if ((0, import_yaml.isSeq)(node)) return "list";
  if ((0, import_yaml.isScalar)(node)) {
    const v = node.value;
    if (v === null || v === void 0) return "null";
    if (typeof v === "number" || typeof v === "bigint") return "number";
    if (typeof v === "boolean") return "boolean";
    return typeof v === "string" ? "string" : "other";
  }
  return "null";
}
function describeNode(node, kind) {
  const v = (0, import_yaml.isScalar)(node) ? node.value : void 0;
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
      return `a ${(0, import_yaml.isScalar)(node) && node.tag ? node.tag + " " : ""}value`;
  }
}
function typeHint(node, kind, spec) {
  const v = (0, import_yaml.isScalar)(node) ? node.value : void 0;
  const source2 = (0, import_yaml.isScalar)(node) && node.source ? node.source : String(v);
  const accepts = kindsOf(spec);
  if (spec.type === "string" && spec.format === "duration" && kind === "number") return `; a duration needs a unit, e.g. '${source2}s'`;
  if (accepts.includes("string") && (kind === "number" || kind === "boolean")) return `; quote it to mean the text "${source2}"`;
  if (accepts.includes("boolean") && kind === "string" && /^(yes|no|on|off|y|n)$/i.test(String(v))) return `; YAML 1.2 reads '${String(v)}' as text, write true or false`;
  if (accepts.includes("number") && kind === "string" && /^\d+$/.test(String(v))) return "; remove the quotes";
  if (accepts.includes("list") && (kind === "string" || kind === "number" || kind === "boolean")) return `; write a list, e.g. [${source2}]`;
  return "";
}
function isEmptyValue(node) {
  return node === null || node === void 0 || (0, import_yaml.isScalar)(node) && node.value === null && !node.source;
}
function nodeOffset(node, fallback) {
  return node?.range?.[0] ?? fallback;
}
function scalarOffset(node, value, index, text2) {
  const [start, end] = node.range ?? [0, 0];
  const type = (0, import_yaml.isScalar)(node) ? node.type : void 0;
  const quoted = type === "QUOTE_DOUBLE" || type === "QUOTE_SINGLE";
  const inner = quoted ? text2.slice(start + 1, end - 1) : text2.slice(start, end);
  if ((type === "PLAIN" || quoted) && inner === value) return start + (quoted ? 1 : 0) + index;
  return start;
}

// src/core/config/resolve-context.ts
import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
var SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL/i;
var ResolveContext = class {
  constructor(file3, dir, positions, lineCounter, checkFiles, text2 = "") {
    this.file = file3;
    this.dir = dir;
    this.positions = positions;
    this.lineCounter = lineCounter;
    this.checkFiles = checkFiles;
    this.text = text2;
  }
  file;
  dir;
  positions;
  lineCounter;
  checkFiles;
  text;
  problems = [];
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
    const text2 = str(raw, key);
    if (text2 === void 0) return fallback;
    const ms = parseGoDuration(text2);
    if (ms === void 0 || !Number.isFinite(ms)) {
      this.report([...p, key], `'${text2}' is not a usable duration; expected a Go duration such as 30s or 5m`);
      return fallback;
    }
    if (min !== void 0 && ms < min) {
      this.report([...p, key], `'${text2}' is negative; expected a duration \u2265 0`);
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
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      const what = kind === "dir" ? "folder" : kind === "file" ? "file" : "file or folder";
      this.report(p, `${what} not found: ${abs} (paths are relative to the build file's folder)`);
      return abs;
    }
    if (kind === "file" && isDir) this.report(p, `${abs} is a folder; expected a file`);
    if (kind === "dir" && !isDir) this.report(p, `${abs} is a file; expected a folder`);
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
function list2(raw, key) {
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

// src/core/config/resolve-network.ts
function resolveNetwork(ctx, build) {
  const network = obj(build, "network");
  if (!network) return { vpcs: [] };
  const vpcs = [];
  const vpcNames = /* @__PURE__ */ new Set();
  const subnetNames = /* @__PURE__ */ new Set();
  (list2(network, "vpcs") ?? []).forEach((rawVpc, i) => {
    if (!isRaw(rawVpc)) return;
    const p = ["network", "vpcs", i];
    const name = str(rawVpc, "name") ?? "";
    if (name && vpcNames.has(name)) ctx.report([...p, "name"], `VPC '${name}' is declared twice; VPC names must be unique`);
    vpcNames.add(name);
    const subnets = [];
    (list2(rawVpc, "subnets") ?? []).forEach((rawSubnet, j) => {
      if (!isRaw(rawSubnet)) return;
      const sp = [...p, "subnets", j];
      const subnetName = str(rawSubnet, "name") ?? "";
      if (subnetName && subnetNames.has(subnetName)) {
        ctx.report([...sp, "name"], `subnet '${subnetName}' is declared twice; subnet names must be unique in the build (NICs refer to them by name)`);
      }
      subnetNames.add(subnetName);
      const cidr = str(rawSubnet, "cidr") ?? "";
      const range = cidr ? checkCidr(ctx, [...sp, "cidr"], cidr) : void 0;
      for (const other of subnets) {
        if (range && other.range && range[0] <= other.range[1] && other.range[0] <= range[1]) {
          ctx.report([...sp, "cidr"], `${cidr} overlaps ${other.cidr} (subnet '${other.name}') in the same VPC; expected disjoint ranges`);
        }
      }
      subnets.push({ name: subnetName, cidr, range, index: j });
    });
    vpcs.push({ name, internet: bool(rawVpc, "internet") ?? true, subnets: subnets.map(({ name: n, cidr }) => ({ name: n, cidr })) });
  });
  return { vpcs };
}
function checkCidr(ctx, p, cidr) {
  const [ip = "", bitsText = ""] = cidr.split("/");
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4) return void 0;
  const bits = Number(bitsText);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size2 = 2 ** (32 - bits);
  const network = Math.floor(address / size2) * size2;
  if (network !== address) {
    const fixed = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
    ctx.report(p, `${cidr} has host bits set; did you mean ${fixed}/${bits}?`);
  }
  if (bits > 29) ctx.report(p, `/${bits} leaves no room for VMs next to the gateway; expected a prefix of /29 or shorter`);
  return [network, network + size2 - 1];
}

// src/core/config/boot-waits.ts
var WAIT = /<wait((?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0|[1-9]\d*)?>/gu;
function findBadWaits(elements) {
  const joined = elements.join("");
  const starts = [];
  let at = 0;
  for (const e of elements) {
    starts.push(at);
    at += e.length;
  }
  const bad = [];
  for (const m of joined.matchAll(WAIT)) {
    const spec = m[1];
    if (spec === void 0 || /^\d+$/.test(spec)) continue;
    const ms = parseGoDuration(spec);
    let message;
    if (ms === void 0) message = `'${m[0]}' is not a valid wait: '${spec}' is not a Go duration (a sign is only allowed at the start)`;
    else if (ms <= 0) message = `'${m[0]}' waits ${spec}; expected a positive wait such as <wait5> or <wait500ms>`;
    if (message) {
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message });
    }
  }
  return bad;
}

// src/core/config/resolve-provisioner.ts
var MINUTE = 6e4;
var DEFAULT_EXECUTE_COMMAND = "chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}";
var DEFAULT_EXECUTE_COMMAND_ENV_FILE = "chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}";
var DEFAULT_RESTART_COMMAND = 'shutdown /r /f /t 0 /c "packer restart"';
var DEFAULT_RESTART_CHECK_COMMAND = `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"`;
function resolveProvisioner(ctx, raw, p) {
  const common = {
    pauseBefore: ctx.duration(raw, "pauseBefore", p, 0, 0),
    timeout: ctx.duration(raw, "timeout", p, 0, 0),
    maxRetries: num(raw, "maxRetries") ?? 0
  };
  const name = str(raw, "name");
  if (name !== void 0) common.name = name;
  switch (str(raw, "type")) {
    case "shell":
      return shell2(ctx, raw, p, common);
    case "file":
      return file2(ctx, raw, p, common);
    case "windows-update":
      return windowsUpdate2(ctx, raw, p, common);
    case "windows-restart":
      return windowsRestart2(ctx, raw, p, common);
    default:
      return void 0;
  }
}
function shell2(ctx, raw, p, common) {
  const environmentVars = [];
  (list2(raw, "environmentVars") ?? []).forEach((assignment, i) => {
    if (typeof assignment !== "string") return;
    environmentVars.push(assignment);
    const eq = assignment.indexOf("=");
    if (eq > 0 && SECRET_NAME.test(assignment.slice(0, eq)) && eq < assignment.length - 1) ctx.secrets.push(assignment.slice(eq + 1));
    if (eq > 0 && /\s/.test(assignment.slice(0, eq))) ctx.report([...p, "environmentVars", i], `'${assignment.slice(0, eq)}' is not a variable name; expected KEY=value without spaces in KEY`);
  });
  const env = Object.fromEntries(Object.entries(obj(raw, "env") ?? {}).filter((e) => typeof e[1] === "string"));
  for (const [k, v] of Object.entries(env)) if (SECRET_NAME.test(k) && v) ctx.secrets.push(v);
  const useEnvVarFile = bool(raw, "useEnvVarFile") ?? false;
  const out = {
    type: "shell",
    ...common,
    environmentVars,
    env,
    executeCommand: str(raw, "executeCommand") ?? (useEnvVarFile ? DEFAULT_EXECUTE_COMMAND_ENV_FILE : DEFAULT_EXECUTE_COMMAND),
    inlineShebang: str(raw, "inlineShebang") ?? "/bin/sh -e",
    remoteFolder: str(raw, "remoteFolder") ?? "/tmp",
    validExitCodes: (list2(raw, "validExitCodes") ?? [0]).filter((c) => typeof c === "number"),
    expectDisconnect: bool(raw, "expectDisconnect") ?? false,
    startRetryTimeout: ctx.duration(raw, "startRetryTimeout", p, 5 * MINUTE, 0),
    skipClean: bool(raw, "skipClean") ?? false,
    binary: bool(raw, "binary") ?? false,
    useEnvVarFile
  };
  const inline = strings(raw, "inline");
  if (inline) out.inline = inline;
  const script = str(raw, "script");
  if (script !== void 0) out.script = ctx.localPath([...p, "script"], script, "file");
  const scripts = list2(raw, "scripts");
  if (scripts) out.scripts = scripts.flatMap((s, i) => typeof s === "string" ? [ctx.localPath([...p, "scripts", i], s, "file")] : []);
  for (const key of ["remoteFile", "remotePath"]) {
    const v = str(raw, key);
    if (v !== void 0) out[key] = v;
  }
  return out;
}
function file2(ctx, raw, p, common) {
  const direction = str(raw, "direction") === "download" ? "download" : "upload";
  const generated = bool(raw, "generated") ?? false;
  const written = [];
  const source2 = str(raw, "source");
  if (source2 !== void 0) written.push({ value: source2, path: [...p, "source"] });
  (list2(raw, "sources") ?? []).forEach((s, i) => {
    if (typeof s === "string") written.push({ value: s, path: [...p, "sources", i] });
  });
  const destination = str(raw, "destination") ?? "";
  const content = str(raw, "content");
  if (content !== void 0 && direction === "download") ctx.report([...p, "content"], "content only works with direction 'upload'");
  const keepSlash = (written2, abs) => written2.endsWith("/") && !abs.endsWith("/") ? abs + "/" : abs;
  const sources = written.map(
    ({ value, path: path4 }) => direction === "upload" ? keepSlash(value, ctx.localPath(path4, value.replace(/\/+$/, "") || value, generated ? "unchecked" : "fileOrDir")) : value
  );
  if (sources.length > 1 && direction === "upload" && destination && !destination.endsWith("/")) {
    ctx.report([...p, "destination"], `several sources go into a folder; end destination with '/' (e.g. '${destination}/')`);
  }
  const out = {
    type: "file",
    ...common,
    sources,
    destination: direction === "download" && destination ? keepSlash(destination, ctx.resolvePath(destination)) : destination,
    direction,
    generated
  };
  if (content !== void 0) out.content = content;
  return out;
}
function windowsUpdate2(ctx, raw, p, common) {
  return {
    type: "windows-update",
    ...common,
    searchCriteria: str(raw, "searchCriteria") ?? "BrowseOnly=0 and IsInstalled=0",
    filters: strings(raw, "filters") ?? ["include:$true"],
    updateLimit: num(raw, "updateLimit") ?? 1e3,
    updateMaxRetries: num(raw, "updateMaxRetries") ?? 5,
    restartTimeout: ctx.duration(raw, "restartTimeout", p, 4 * 60 * MINUTE, 0),
    maxReboots: num(raw, "maxReboots") ?? 10
  };
}
function windowsRestart2(ctx, raw, p, common) {
  return {
    type: "windows-restart",
    ...common,
    restartCommand: str(raw, "restartCommand") ?? DEFAULT_RESTART_COMMAND,
    restartCheckCommand: str(raw, "restartCheckCommand") ?? DEFAULT_RESTART_CHECK_COMMAND,
    restartTimeout: ctx.duration(raw, "restartTimeout", p, 5 * MINUTE, 0),
    checkRegistry: bool(raw, "checkRegistry") ?? false
  };
}

// src/core/config/resolve-vm.ts
var MINUTE2 = 6e4;
var MIB = 1024 ** 2;
var DEFAULT_ROOT_DISK_BYTES = 40 * 1024 ** 3;
var DEFAULT_MEMORY_BYTES = 512 * MIB;
var DEFAULT_BOOT_WAIT_MS = 1e4;
function resolveVm(ctx, raw, p, scope) {
  const communicator2 = resolveCommunicator(ctx, raw, p);
  const provisioners = [];
  (list2(raw, "provisioners") ?? []).forEach((rp, i) => {
    const prov = isRaw(rp) ? resolveProvisioner(ctx, rp, [...p, "provisioners", i]) : void 0;
    if (prov) provisioners.push(prov);
  });
  if (communicator2.type === "none" && provisioners.length > 0) {
    ctx.report([...p, "communicator", "type"], "provisioners need a communicator; expected type 'ssh' (or no provisioners)");
  }
  if (communicator2.type === "none" && str(raw, "shutdownCommand") !== void 0) {
    ctx.report([...p, "shutdownCommand"], "shutdownCommand runs over SSH; expected communicator type 'ssh', or no shutdownCommand (the guest then powers itself off)");
  }
  const vm2 = {
    name: str(raw, "name") ?? "",
    source: resolveSource(ctx, obj(raw, "source"), [...p, "source"]),
    cpu: num(raw, "cpu") ?? 1,
    memoryBytes: bytes(ctx, raw, "memory", p, DEFAULT_MEMORY_BYTES, "memory"),
    disks: resolveDisks(ctx, raw, p),
    cdroms: resolveCdroms(ctx, raw, p),
    nics: resolveNics(ctx, raw, p, scope),
    bootWait: resolveBootWait(ctx, raw, p),
    bootCommand: resolveBootCommand(ctx, raw, p),
    communicator: communicator2,
    provisioners,
    shutdownTimeout: ctx.duration(raw, "shutdownTimeout", p, 5 * MINUTE2, 0),
    output: resolveOutput(ctx, raw, p),
    dependsOn: strings(raw, "dependsOn") ?? [],
    positions: ctx.positionsBelow(p)
  };
  const efi = resolveEfi(raw);
  if (efi) vm2.efiFirmware = efi;
  const httpDirectory = str(raw, "httpDirectory");
  if (httpDirectory !== void 0) vm2.httpDirectory = ctx.localPath([...p, "httpDirectory"], httpDirectory, "dir");
  const httpContent = obj(raw, "httpContent");
  if (httpContent) vm2.httpContent = Object.fromEntries(Object.entries(httpContent).filter((e) => typeof e[1] === "string"));
  const interval = str(raw, "bootKeyInterval");
  if (interval !== void 0) {
    const ms = ctx.duration(raw, "bootKeyInterval", p, 0, 0);
    if (ms > 0) vm2.bootKeyInterval = ms;
  }
  const cpuModel = str(raw, "cpuModel");
  if (cpuModel) vm2.cpuModel = cpuModel;
  const shutdownCommand = str(raw, "shutdownCommand");
  if (shutdownCommand) vm2.shutdownCommand = shutdownCommand;
  checkUniqueDeviceNames(ctx, vm2, p);
  return vm2;
}
function resolveSource(ctx, raw, p) {
  const checksum = (r) => {
    const parsed = parseChecksum(str(r, "checksum") ?? "");
    return "checksum" in parsed ? parsed.checksum : { algorithm: "sha256", hex: "" };
  };
  const url = str(raw, "url");
  if (url !== void 0) return { kind: "url", url, checksum: checksum(raw) };
  const image = str(raw, "containerDisk");
  if (image !== void 0) return { kind: "containerDisk", image };
  const iso = obj(raw, "iso");
  if (iso) return { kind: "iso", url: str(iso, "url") ?? "", checksum: checksum(iso) };
  const path4 = str(raw, "path");
  if (path4 !== void 0) return { kind: "path", path: ctx.localPath([...p, "path"], path4, "unchecked") };
  const from = str(raw, "from");
  if (from !== void 0) {
    const [layer2 = "", vm2 = ""] = from.split("/");
    return { kind: "from", layer: layer2, vm: vm2 };
  }
  return { kind: "path", path: "" };
}
function bytes(ctx, raw, key, p, fallback, what) {
  const v = raw[key];
  if (v === void 0) return fallback;
  const at = [...p, key];
  const r = typeof v === "number" ? { bytes: v } : typeof v === "string" ? parseQuantity(v) : void 0;
  if (!r) return fallback;
  if ("error" in r) {
    ctx.report(at, r.error);
    return fallback;
  }
  if (r.bytes < MIB) {
    const text2 = String(v);
    const milli = /^([\d.]+)m$/.exec(text2);
    const hint = milli ? `; 'm' means milli (thousandths), did you mean '${milli[1]}Mi'?` : /^\d+$/.test(text2) ? `; a bare number is bytes, did you mean '${text2}Mi'?` : "";
    ctx.report(at, `${text2} is ${r.bytes} byte${r.bytes === 1 ? "" : "s"}, too small for ${what}; expected at least 1Mi${hint}`);
    return fallback;
  }
  return r.bytes;
}
function resolveDisks(ctx, raw, p) {
  const rawDisks = list2(raw, "disks");
  if (!rawDisks) return [{ name: "root", sizeBytes: DEFAULT_ROOT_DISK_BYTES, bus: "virtio" }];
  return rawDisks.flatMap((d, i) => {
    if (!isRaw(d)) return [];
    const dp = [...p, "disks", i];
    if (i > 0 && d.size === void 0 && !ctx.has([...dp, "size"])) ctx.report(dp, "missing 'size'; every disk after the root disk needs one, e.g. size: 10Gi");
    const sizeBytes = bytes(ctx, d, "size", dp, DEFAULT_ROOT_DISK_BYTES, "a disk");
    return [{ name: str(d, "name") ?? "", sizeBytes, bus: str(d, "bus") ?? "virtio" }];
  });
}
function resolveCdroms(ctx, raw, p) {
  return (list2(raw, "cdroms") ?? []).flatMap((c, i) => {
    if (!isRaw(c)) return [];
    const cp = [...p, "cdroms", i];
    const cdrom2 = { name: str(c, "name") ?? "" };
    const files = list2(c, "files");
    if (files) {
      cdrom2.files = files.flatMap((f, j) => typeof f === "string" ? [ctx.localPath([...cp, "files", j], f, "fileOrDir")] : []);
      cdrom2.label = str(c, "label") ?? "packer";
    }
    const iso = str(c, "iso");
    if (iso !== void 0) cdrom2.iso = ctx.localPath([...cp, "iso"], iso, "file");
    return [cdrom2];
  });
}
function resolveNics(ctx, raw, p, scope) {
  const rawNics = list2(raw, "nics");
  if (!rawNics) return [{ model: "virtio" }];
  return rawNics.flatMap((n, i) => {
    if (!isRaw(n)) return [];
    const nic2 = { model: str(n, "model") ?? "virtio" };
    const subnet2 = str(n, "subnet");
    if (subnet2 !== void 0) {
      if (!scope.subnets.includes(subnet2)) {
        const declared = scope.subnets.length ? `declared: ${scope.subnets.join(", ")}` : "no subnets are declared under network.vpcs";
        ctx.report([...p, "nics", i, "subnet"], `unknown subnet '${subnet2}'; expected a subnet from network.vpcs[].subnets (${declared})${didYouMean(subnet2, scope.subnets)}`);
      }
      nic2.subnet = subnet2;
    }
    return [nic2];
  });
}
function resolveEfi(raw) {
  const v = raw.efiFirmware;
  if (v === true) return { secureBoot: false };
  if (isRaw(v)) return { secureBoot: bool(v, "secureBoot") ?? false };
  return void 0;
}
function resolveBootWait(ctx, raw, p) {
  const ms = ctx.duration(raw, "bootWait", p, DEFAULT_BOOT_WAIT_MS);
  return ms === 0 ? DEFAULT_BOOT_WAIT_MS : ms;
}
function resolveBootCommand(ctx, raw, p) {
  const elements = strings(raw, "bootCommand") ?? [];
  const single = typeof raw.bootCommand === "string";
  for (const bad of findBadWaits(elements)) {
    ctx.reportInside(single ? [...p, "bootCommand"] : [...p, "bootCommand", bad.element], elements[bad.element], bad.offset, bad.message);
  }
  return elements;
}
function resolveCommunicator(ctx, raw, p) {
  const c = obj(raw, "communicator") ?? {};
  const cp = [...p, "communicator"];
  const needsSsh = (list2(raw, "provisioners") ?? []).length > 0 || str(raw, "shutdownCommand") !== void 0;
  const type = (str(c, "type") ?? (needsSsh ? "ssh" : "none")) === "none" ? "none" : "ssh";
  const timeoutSet = str(c, "sshTimeout") !== void 0;
  const attemptsSet = num(c, "sshHandshakeAttempts") !== void 0;
  const out = {
    type,
    sshPort: num(c, "sshPort") ?? 22,
    sshAgentAuth: bool(c, "sshAgentAuth") ?? false,
    // Packer SDK ≥ 0.3.1: 5m and 10 attempts only when neither is set; setting one leaves the other unlimited.
    sshTimeout: ctx.duration(c, "sshTimeout", cp, timeoutSet || attemptsSet ? 0 : 5 * MINUTE2, 0),
    sshHandshakeAttempts: num(c, "sshHandshakeAttempts") ?? (timeoutSet ? 0 : 10),
    sshPty: bool(c, "sshPty") ?? false,
    sshKeepAliveInterval: ctx.duration(c, "sshKeepAliveInterval", cp, 5e3),
    sshBastionPort: num(c, "sshBastionPort") ?? 22,
    pauseBeforeConnecting: ctx.duration(c, "pauseBeforeConnecting", cp, 0, 0)
  };
  for (const key2 of ["sshHost", "sshUsername", "sshPassword", "sshBastionHost", "sshBastionUsername", "sshBastionPassword"]) {
    const v = str(c, key2);
    if (v !== void 0) out[key2] = v;
  }
  const key = str(c, "sshPrivateKeyFile");
  if (key !== void 0) out.sshPrivateKeyFile = ctx.localPath([...cp, "sshPrivateKeyFile"], key, "file");
  const bastionKey = str(c, "sshBastionPrivateKeyFile");
  if (bastionKey !== void 0) out.sshBastionPrivateKeyFile = ctx.localPath([...cp, "sshBastionPrivateKeyFile"], bastionKey, "file");
  else if (out.sshBastionHost && out.sshPrivateKeyFile) out.sshBastionPrivateKeyFile = out.sshPrivateKeyFile;
  if (type === "ssh") {
    if (!out.sshUsername && !ctx.has([...cp, "sshUsername"])) {
      ctx.report(ctx.has(cp) ? cp : p, "the ssh communicator needs 'sshUsername' (or set communicator.type: none for a VM without provisioners)");
    }
    if (out.sshBastionHost && !out.sshBastionPassword && !out.sshBastionPrivateKeyFile && !out.sshAgentAuth) {
      ctx.report([...cp, "sshBastionHost"], "a bastion needs sshBastionPassword, sshBastionPrivateKeyFile (or sshPrivateKeyFile) or sshAgentAuth");
    }
  }
  return out;
}
function resolveOutput(ctx, raw, p) {
  const o = obj(raw, "output");
  const format = str(o, "format") === "raw" ? "raw" : "qcow2";
  const compress = bool(o, "compress") ?? false;
  if (format === "raw" && compress) ctx.report([...p, "output", "compress"], "a raw image cannot be compressed; expected format: qcow2 with compress: true, or compress: false");
  return { format, compress, compressionType: str(o, "compressionType") === "zlib" ? "zlib" : "zstd" };
}
function checkUniqueDeviceNames(ctx, vm2, p) {
  const seen = /* @__PURE__ */ new Set();
  const check = (name, at) => {
    if (!name) return;
    if (seen.has(name)) ctx.report(at, `device name '${name}' is used twice; disks and cdroms of a VM need distinct names`);
    seen.add(name);
  };
  vm2.disks.forEach((d, i) => check(d.name, [...p, "disks", i, "name"]));
  vm2.cdroms.forEach((c, i) => check(c.name, [...p, "cdroms", i, "name"]));
}

// src/core/config/resolve.ts
function resolveBuild(ctx, raw, absFile, variables) {
  const network = resolveNetwork(ctx, raw);
  const subnets = network.vpcs.flatMap((v) => v.subnets.map((s) => s.name));
  const layers = [];
  const layerNames = /* @__PURE__ */ new Set();
  const allLayerNames = (list2(raw, "layers") ?? []).map((l) => isRaw(l) ? str(l, "name") ?? "" : "");
  (list2(raw, "layers") ?? []).forEach((rawLayer, li) => {
    if (!isRaw(rawLayer)) return;
    const lp = ["layers", li];
    const name = str(rawLayer, "name") ?? "";
    if (name && layerNames.has(name)) ctx.report([...lp, "name"], `layer '${name}' is declared twice; layer names must be unique`);
    layerNames.add(name);
    const vms = [];
    const vmPaths = [];
    (list2(rawLayer, "vms") ?? []).forEach((rawVm, vi) => {
      if (!isRaw(rawVm)) return;
      const vp = [...lp, "vms", vi];
      const vm2 = resolveVm(ctx, rawVm, vp, { subnets });
      if (vm2.name && vms.some((v) => v.name === vm2.name)) ctx.report([...vp, "name"], `VM '${vm2.name}' is declared twice in layer '${name}'; VM names must be unique within a layer`);
      vms.push(vm2);
      vmPaths.push(vp);
    });
    vms.forEach((vm2, i) => checkFrom(ctx, vm2, vmPaths[i], layers, name, vms, allLayerNames));
    checkDependsOn(ctx, vms, vmPaths, name);
    layers.push({ name, vms });
  });
  return {
    file: absFile,
    dir: ctx.dir,
    name: str(raw, "name") ?? "",
    variables,
    network,
    layers,
    secrets: [...new Set(ctx.secrets)]
  };
}
function checkFrom(ctx, vm2, p, earlier, thisLayer, sameLayer, allLayers) {
  if (vm2.source.kind !== "from") return;
  const { layer: layer2, vm: vmName } = vm2.source;
  const at = [...p, "source", "from"];
  const target = earlier.find((l) => l.name === layer2);
  if (!target) {
    if (layer2 === thisLayer) {
      const same = sameLayer.some((v) => v.name === vmName);
      ctx.report(at, `'${layer2}/${vmName}' is in this layer; expected a VM of an earlier layer (${same ? "VMs of one layer are built together, so one cannot start from another" : `no VM '${vmName}' here either`})`);
      return;
    }
    const names = earlier.map((l) => l.name);
    const expected = names.length ? `expected one of: ${names.join(", ")}` : "this is the first layer, so it must start from url, containerDisk, iso or path";
    if (allLayers.includes(layer2)) ctx.report(at, `layer '${layer2}' comes later; a VM can only start from an earlier layer's output (${expected})`);
    else ctx.report(at, `no layer '${layer2}'; ${expected}${didYouMean(layer2, names)}`);
    return;
  }
  if (!target.vms.some((v) => v.name === vmName)) {
    const names = target.vms.map((v) => v.name);
    ctx.report(at, `layer '${layer2}' has no VM '${vmName}'; expected one of: ${names.join(", ")}${didYouMean(vmName, names)}`);
  }
}
function checkDependsOn(ctx, vms, paths, layer2) {
  const names = vms.map((v) => v.name);
  vms.forEach((vm2, i) => {
    vm2.dependsOn.forEach((dep, j) => {
      const at = [...paths[i], "dependsOn", j];
      if (dep === vm2.name) ctx.report(at, `a VM cannot depend on itself; expected another VM of layer '${layer2}'`);
      else if (!names.includes(dep)) {
        const others = names.filter((n) => n !== vm2.name);
        ctx.report(at, `no VM '${dep}' in layer '${layer2}'; expected one of: ${others.join(", ") || "(none: it is the only VM of the layer)"}${didYouMean(dep, others)}`);
      }
    });
  });
  const state = /* @__PURE__ */ new Map();
  const byName = new Map(vms.map((v, i) => [v.name, i]));
  const visit = (name, trail) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const i2 = byName.get(trail.at(-1));
      const j = vms[i2].dependsOn.indexOf(name);
      ctx.report([...paths[i2], "dependsOn", j], `dependsOn forms a cycle (${cycle.join(" \u2192 ")}); expected an order in which the VMs can start`);
      return;
    }
    state.set(name, "visiting");
    const i = byName.get(name);
    for (const dep of i === void 0 ? [] : vms[i].dependsOn) if (byName.has(dep) && dep !== name) visit(dep, [...trail, name]);
    state.set(name, "done");
  };
  for (const vm2 of vms) visit(vm2.name, []);
}

// src/core/config/variables.ts
var import_yaml2 = __toESM(require_dist(), 1);
function resolveVariables(doc, text2, lineCounter, file3, overrides, env) {
  const problems = [];
  const secrets = [];
  const at = (offset, path4, message) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file: file3, line, column: col, path: path4, message });
  };
  const variables = /* @__PURE__ */ Object.create(null);
  let declaredAt = 0;
  const root = doc.contents;
  const pair = (0, import_yaml2.isMap)(root) ? root.items.find((p) => (0, import_yaml2.isScalar)(p.key) && p.key.value === "variables") : void 0;
  if (pair) {
    declaredAt = pair.key.range?.[0] ?? 0;
    if ((0, import_yaml2.isMap)(pair.value)) {
      for (const item of pair.value.items) {
        if (!(0, import_yaml2.isScalar)(item.key) || !(0, import_yaml2.isScalar)(item.value) || item.value.value === null) continue;
        const name = String(item.key.value);
        const node = item.value;
        const raw = typeof node.value === "string" ? node.value : node.type === "PLAIN" && node.source ? node.source : String(node.value);
        if (!isTemplated(raw)) {
          variables[name] = raw;
          continue;
        }
        const bound = bindTemplate(raw, [], { env });
        for (const e of bound.errors) at(scalarOffset(node, raw, e.offset, text2), `variables.${name}`, `template: ${e.message} (a variable's default may use env, not user)`);
        for (const [envName, value] of bound.envUsed) if (SECRET_NAME.test(envName) && value) secrets.push(value);
        variables[name] = bound.text;
      }
    }
  }
  const declared = Object.keys(variables);
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(variables, name)) {
      const list3 = declared.length ? `declared: ${declared.join(", ")}` : "the build declares no variables";
      at(declaredAt, "variables", `--var ${name}=\u2026: no variable '${name}' is declared; ${list3}${didYouMean(name, declared)}`);
      continue;
    }
    variables[name] = value;
  }
  return { variables: { ...variables }, problems, secrets };
}

// src/core/config/load.ts
function loadBuild(file3, options = {}) {
  let text2;
  try {
    text2 = readFileSync(path2.resolve(options.cwd ?? process.cwd(), file3), "utf8");
  } catch (err) {
    const reason = err.code === "ENOENT" ? "no such file" : err.message;
    throw new BuildFileError([{ file: file3, line: 1, column: 1, path: "", message: `cannot read the build file: ${reason}` }]);
  }
  return loadBuildText(text2, file3, options);
}
function loadBuildText(text2, file3, options = {}) {
  const absFile = path2.resolve(options.cwd ?? process.cwd(), file3);
  const env = options.env ?? process.env;
  const lineCounter = new import_yaml3.LineCounter();
  const doc = (0, import_yaml3.parseDocument)(text2, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file: file3, line, column: col, path: "", message: `YAML: ${e.message.replace(/\s+/g, " ").trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(yamlProblems);
  const vars = resolveVariables(doc, text2, lineCounter, file3, options.vars ?? {}, env);
  const renderTemplate2 = (value, spec) => {
    const bound = bindTemplate(value, FIELDS_BY_USE[spec.template ?? "load"], { env, variables: vars.variables });
    const secrets = [...bound.envUsed].filter(([name, v]) => SECRET_NAME.test(name) && v).map(([, v]) => v);
    return { value: bound.text, errors: bound.errors.map((e) => ({ offset: e.offset, message: `template: ${e.message}` })), secrets };
  };
  const structure = checkStructure(doc, buildSpec, { file: file3, text: text2, lineCounter, renderTemplate: renderTemplate2 });
  const ctx = new ResolveContext(file3, path2.dirname(absFile), structure.positions, lineCounter, options.checkFiles ?? true, text2);
  ctx.secrets.push(...vars.secrets, ...structure.secrets);
  const build = resolveBuild(ctx, isRaw(structure.value) ? structure.value : {}, absFile, vars.variables);
  const problems = [...yamlProblems, ...vars.problems, ...structure.problems, ...ctx.problems];
  if (problems.length > 0) throw new BuildFileError(problems);
  return build;
}

// src/core/pipeline/manifest.ts
import { writeFile } from "node:fs/promises";
import path3 from "node:path";
function redactedVariables(build) {
  const secrets = new Set(build.secrets);
  return Object.fromEntries(Object.entries(build.variables).map(([k, v]) => [k, secrets.has(v) ? "***" : v]));
}
async function writeManifest(outputDir, manifest) {
  const file3 = path3.join(outputDir, "manifest.json");
  await writeFile(file3, JSON.stringify(manifest, null, 2) + "\n");
  return file3;
}

export {
  TemplateError,
  renderTemplate,
  buildSpec,
  FORMATS,
  loadBuild,
  redactedVariables,
  writeManifest
};
