import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  QUANTITY_PATTERN,
  cdromBus,
  parseQuantity,
  parseSize,
  require_dist
} from "./chunk-JBN22HRT.js";
import {
  BuildFileError,
  MAX_DURATION_MS,
  MAX_DURATION_TEXT,
  SecretMasker,
  UserError,
  checkDuration,
  didYouMean,
  durationRangeProblem,
  formatPath,
  regularFileProblem,
  sortProblems,
  suggest
} from "./chunk-WJAK4XVW.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/config/load.ts
var import_yaml4 = __toESM(require_dist(), 1);
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
      return new TemplateError(`unknown field ".${part.name}" (available here: ${fields.map((f2) => "." + f2).join(", ")})${hint}`, part.offset);
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
    iso: object(
      "ISO",
      "An installer ISO, attached as a cdrom and booted; the root disk starts empty (size from disks[0].size).",
      {
        url: formatted("url", "Where to download the ISO."),
        checksum: formatted("checksum", "The ISO's digest, algo:hex.")
      },
      { required: ["url", "checksum"], hints: { iso_url: "url", iso_checksum: "checksum" } }
    ),
    path: localPath("A local disk image (qcow2 or raw), relative to the build file; read when the build runs.", "unchecked"),
    from: formatted("vmRef", "Another VM's output, `<layer>/<vm>`, from an earlier layer.")
  },
  {
    exactlyOne: ["url", "containerDisk", "iso", "path", "from"],
    requires: { url: ["checksum"], checksum: ["url"] },
    hints: { iso_url: "iso: { url, checksum }", iso_checksum: "iso: { url, checksum }", disk_image: "url (a disk image) or iso (an installer)" }
  }
);
var disk = object(
  "Disk",
  "A disk of the VM. The first is the root disk, made from the source.",
  {
    name: k8sName("Disk name, unique within the VM (disks and cdroms share names)."),
    size: size("Disk size. The root disk grows to it (never shrinks); other disks are created empty with it.", { defaultText: "40Gi for the root disk (Packer: 40960M); required for other disks" }),
    bus: choice(["virtio", "sata", "scsi"], "The bus the disk is attached to. virtio needs guest drivers (Windows: virtio-win).", {
      default: "virtio",
      rejected: { ide: 'KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook)' }
    })
  },
  { required: ["name"], hints: { disk_size: "size", disk_interface: "bus", interface: "bus" } }
);
var cdrom = object(
  "CD-ROM",
  "A cdrom: files packed into an ISO with a volume label (cloud-init cidata, Windows answer files), or an existing ISO.",
  {
    name: k8sName("Cdrom name, unique within the VM."),
    files: list(localPath("A file or folder (relative to the build file) put at the root of the ISO.", "fileOrDir"), "Files and folders to pack into the ISO.", { minItems: 1 }),
    iso: localPath("An existing ISO file, relative to the build file.", "file"),
    label: formatted("volumeLabel", "The ISO volume label the guest looks for (cidata for cloud-init NoCloud, OEMDRV for kickstart).", { default: "packer" }),
    type: choice(
      ["cdrom", "disk"],
      "How the guest sees the ISO: a cdrom, or a read-only disk holding it \u2014 how KubeVirt attaches its own cloudInitNoCloud seed (a virtio disk), for guests without a SATA (AHCI) or SCSI cdrom driver, such as Debian's cloud kernel.",
      { default: "cdrom" }
    ),
    bus: choice(["sata", "scsi", "virtio"], "The bus, as in KubeVirt: sata or scsi for a cdrom; virtio, sata or scsi for type: disk.", {
      defaultText: "sata for a cdrom (KubeVirt's default), virtio for type: disk",
      rejected: { ide: 'KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook)' }
    })
  },
  { required: ["name"], exactlyOne: ["files", "iso"], exclusive: [["iso", "label"]], hints: { cd_files: "files", cd_label: "label", interface: "bus", cdrom_interface: "bus" } }
);
var nic = object(
  "NIC",
  "A network interface.",
  {
    model: choice(["virtio", "e1000", "e1000e", "rtl8139"], "The NIC model the guest sees. e1000e works in Windows without drivers.", { default: "virtio" }),
    subnet: k8sName("A subnet declared under network.vpcs[].subnets; omitted = the default network (with internet).")
  },
  { hints: { net_device: "model" } }
);
var communicator = object(
  "Communicator",
  "How RudderVirt reaches the guest to provision it (Packer communicator options).",
  {
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
  },
  {
    hints: {
      ssh_username: "sshUsername",
      ssh_password: "sshPassword",
      ssh_wait_timeout: "sshTimeout",
      communicator: "type",
      winrm_username: "WinRM is not supported: install OpenSSH in the guest and use type: ssh",
      winrm_password: "WinRM is not supported: install OpenSSH in the guest and use type: ssh"
    }
  }
);
var provisionerCommon = {
  name: text("A label for logs."),
  pauseBefore: duration("Wait this long before running the provisioner.", "0s"),
  timeout: duration("Fail the provisioner if it runs longer (0 = no limit). Unlike Packer, it also applies when pauseBefore is set.", "0s"),
  maxRetries: integer("Run the provisioner again up to this many times after a failure.", { minimum: 0, default: 0 })
};
var shell = object(
  "shell provisioner",
  "Runs shell commands or scripts in the guest (Packer shell provisioner).",
  {
    type: choice(["shell"], "Provisioner type."),
    ...provisionerCommon,
    inline: {
      type: "union",
      description: "Commands, written into one script (after the inlineShebang line) and run.",
      options: [templated("shellInline", "Commands, written into one script and run."), list(templated("shellInline", "A command line."), "Commands, one per line of the script.", { minItems: 1 })]
    },
    script: localPath("A local script to upload and run.", "file"),
    scripts: list(localPath("A local script.", "file"), "Local scripts to upload and run in order.", { minItems: 1 }),
    environmentVars: list(
      formatted("envAssignment", "KEY=value"),
      "Environment variables for the scripts, KEY=value; values are single-quoted for the shell. Values of keys that look secret (PASSWORD, TOKEN, SECRET\u2026) are masked."
    ),
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
  },
  {
    required: ["type"],
    exactlyOne: ["inline", "script", "scripts"],
    hints: { environment_vars: "environmentVars", execute_command: "executeCommand", expect_disconnect: "expectDisconnect", valid_exit_codes: "validExitCodes" }
  }
);
var file = object(
  "file provisioner",
  "Copies files or folders to (or from) the guest (Packer file provisioner).",
  {
    type: choice(["file"], "Provisioner type."),
    ...provisionerCommon,
    source: text("A file or folder: local for upload (relative to the build file), in the guest for download. A folder with a trailing / copies its contents."),
    sources: list(text("A file or folder."), "Several sources; destination is then a folder.", { minItems: 1 }),
    content: text("Text to write to destination instead of a source file."),
    destination: text("Where to put it: in the guest for upload, locally (relative to the build file) for download. A trailing / means a folder."),
    direction: choice(["upload", "download"], "Copy into the guest or out of it.", { default: "upload" }),
    generated: flag("The source is made during the build, so it is not checked when the file is loaded.")
  },
  {
    required: ["type", "destination"],
    anyOf: ["source", "sources", "content"],
    exclusive: [
      ["content", "source"],
      ["content", "sources"]
    ]
  }
);
var windowsUpdate = object(
  "windows-update provisioner",
  "Installs Windows updates and reboots until none are left (like rgl/packer-plugin-windows-update).",
  {
    type: choice(["windows-update"], "Provisioner type."),
    ...provisionerCommon,
    searchCriteria: text("Windows Update search criteria.", { default: "BrowseOnly=0 and IsInstalled=0" }),
    filters: list(formatted("updateFilter", "include:EXPR or exclude:EXPR"), "Filters over $_ (the update); the first that matches decides; no match = not installed.", { defaultText: "[include:$true]" }),
    updateLimit: integer("Updates installed per cycle.", { minimum: 1, default: 1e3 }),
    updateMaxRetries: integer("Retries of a failed update run.", { minimum: 0, default: 5 }),
    restartTimeout: duration("How long a restart may take.", "4h"),
    maxReboots: integer("Stop with an error after this many reboots (guards against reboot loops); 0 = no limit.", { minimum: 0, default: 10 })
  },
  { required: ["type"], hints: { search_criteria: "searchCriteria", update_limit: "updateLimit", restart_timeout: "restartTimeout" } }
);
var windowsRestart = object(
  "windows-restart provisioner",
  "Restarts Windows and waits until it is back (Packer windows-restart provisioner).",
  {
    type: choice(["windows-restart"], "Provisioner type."),
    ...provisionerCommon,
    restartCommand: text("Command that restarts the guest.", { default: 'shutdown /r /f /t 0 /c "packer restart"' }),
    restartCheckCommand: text('Command whose output contains "restarted." once the guest is back.', { default: `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"` }),
    restartTimeout: duration("How long the restart may take.", "5m"),
    checkRegistry: flag("Also wait until no pending-reboot registry keys remain.")
  },
  { required: ["type"], hints: { restart_timeout: "restartTimeout", restart_command: "restartCommand" } }
);
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
var vm = object(
  "VM",
  "A virtual machine to build.",
  {
    name: k8sName("VM name, unique within the layer."),
    source,
    cpu: integer("Virtual CPUs.", { minimum: 1, maximum: 512, default: 1 }),
    cpuModel: text(
      "CPU model the guest sees (QEMU -cpu, KubeVirt domain.cpu.model), e.g. host (KubeVirt host-passthrough), max, Nehalem, Haswell-noTSX. Default: host under KVM; max under software emulation (everything TCG can emulate, so x86-64-v2/v3 guests boot)."
    ),
    memory: size("Memory.", { default: "512Mi" }),
    machineType: choice(
      ["q35", "pc"],
      "The chipset. q35 (PCIe, SATA through the board's AHCI) is what KubeVirt gives every amd64 VM; pc (i440fx) is Packer's QEMU default and runs on the local engine only \u2014 KubeVirt refuses it.",
      { default: "q35" }
    ),
    efiFirmware: {
      type: "union",
      description: "Boot with UEFI (OVMF) instead of BIOS. true = UEFI without Secure Boot.",
      default: false,
      options: [flag("Boot with UEFI (OVMF) instead of BIOS."), object("EFI", "UEFI settings.", { secureBoot: flag("Enable Secure Boot (KubeVirt then also enables SMM).") })]
    },
    disks: list(disk, "Disks; the first is the root disk.", { minItems: 1, defaultText: "[{ name: root, size: 40Gi, bus: virtio }]" }),
    cdroms: list(cdrom, "CD-ROMs attached besides an installer ISO.", { default: [] }),
    nics: list(nic, "Network interfaces.", { minItems: 1, defaultText: "[{ model: virtio }] on the default network" }),
    httpDirectory: localPath("A folder served over HTTP to the guest during the build (preseed, kickstart); see {{ .HTTPIP }}/{{ .HTTPPort }}.", "dir"),
    httpContent: map("httpPath", text("File content"), "Files served over HTTP, URL path \u2192 content. Not with httpDirectory."),
    bootWait: formatted(
      "bootWait",
      "Wait after the VM starts before typing bootCommand: a duration (0 means the default; negative means no wait, as in Packer), or a text to wait for, <wait 'TEXT'> on the screen (OCR) or <waitSerial 'TEXT'> on the serial console, TEXT a regular expression.",
      { defaultText: "10s, or none when bootCommand starts with <wait 'TEXT'> or <waitSerial 'TEXT'>" }
    ),
    bootTextTimeout: duration("How long each <wait 'TEXT'> and <waitSerial 'TEXT'> (in bootCommand or bootWait) waits for its text before the build fails.", "5m"),
    bootKeyInterval: duration("Pause after each key event while typing.", void 0, { defaultText: "PACKER_KEY_INTERVAL, else 100ms" }),
    bootCommand: oneOrMany(
      templated("boot", "Keys to type over VNC, in Packer boot-command syntax (<enter>, <wait5>, <leftCtrlOn> \u2026)."),
      "Keys to type over VNC in Packer boot-command syntax; list elements are joined before parsing. Fields: .HTTPIP, .HTTPPort, .Name.",
      { default: [] }
    ),
    communicator,
    provisioners: list(provisioner, "Provisioners, run in order once the communicator connects.", { default: [] }),
    shutdownCommand: text("Command that shuts the guest down; without it the VM is powered off (ACPI, then forced)."),
    shutdownTimeout: duration("How long to wait for the guest to stop after shutdownCommand.", "5m"),
    output,
    dependsOn: list(k8sName("A VM of the same layer."), "VMs of the same layer this one waits for: they start first.", { default: [] })
  },
  {
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
      machine_type: "machineType",
      cd_files: "cdroms: [{ name, files, label }]",
      net_device: "nics: [{ model }]",
      headless: "not needed: builds always run without a display",
      ssh_username: "communicator: { sshUsername }",
      ssh_password: "communicator: { sshPassword }",
      shutdown_command: "shutdownCommand",
      depends_on: "dependsOn"
    }
  }
);
var layer = object(
  "Layer",
  "A set of VMs built together; layers run in order.",
  {
    name: k8sName("Layer name, unique in the build."),
    vms: list(vm, "The VMs of the layer; they boot together on their networks.", { minItems: 1 })
  },
  { required: ["name", "vms"] }
);
var subnet = object(
  "Subnet",
  "A subnet of a VPC.",
  {
    name: k8sName("Subnet name, unique in the build; NICs name it."),
    cidr: formatted("cidr", "The subnet range, e.g. 10.20.0.0/24.")
  },
  { required: ["name", "cidr"], hints: { cidrBlock: "cidr" } }
);
var vpc = object(
  "VPC",
  "An isolated network (a Kube-OVN VPC on KubeVirt).",
  {
    name: k8sName("VPC name, unique in the build."),
    internet: flag("Whether VMs can reach the internet (the egress gateway runs, or is scaled to zero).", true),
    subnets: list(subnet, "Subnets of the VPC.", { minItems: 1 })
  },
  { required: ["name", "subnets"] }
);
var buildSpec = object(
  "Build",
  "A RudderVirt build file.",
  {
    name: k8sName("Names the build: resources, outputs and cache keys."),
    variables: map("variableName", { type: "scalar", description: "Default value" }, "Variables with their defaults, used as {{ user `name` }}; overridden with --var name=value."),
    network: object(
      "Network",
      "Networks the VMs attach to. Without it, every NIC is on the default network, which has internet.",
      {
        vpcs: list(vpc, "VPCs.", { minItems: 1 })
      },
      { required: ["vpcs"] }
    ),
    layers: list(layer, "Layers, built in order; a VM may start from an earlier layer's output.", { minItems: 1 })
  },
  { required: ["name", "layers"], hints: { builders: "layers[].vms", sources: "layers[].vms", provisioners: "layers[].vms[].provisioners" } }
);

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
  iso_urls: different("source.iso.url", "only the first URL is used; RudderVirt has no mirror list, so put the most reliable mirror first"),
  iso_checksum: different("source.iso.checksum", "written algo:hex (sha256:\u2026); a bare digest gets its algorithm from its length; file:URL and none are not accepted, so the build is reproducible"),
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
  vm_name: different("name (of the VM)", "the VM name also names the output disk; it must be a Kubernetes name"),
  qemu_binary: unsupported("the local engine runs qemu-system-x86_64 from PATH; KubeVirt runs its own QEMU"),
  qemuargs: unsupported("the same build runs on KubeVirt, which takes no QEMU arguments; use the build-file fields (cpu, memory, disks, nics, cdroms, efiFirmware)"),
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
  const text2 = explainPackerOption(key);
  if (!fate || !text2) return void 0;
  if (fate.kind === "same") {
    const field = fate.to.split(" ")[0].split(".").pop().replace(/\[.*$/, "");
    if (field !== key && Object.hasOwn(spec.properties, field)) return { field, text: text2 };
  }
  return { text: text2 };
}

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
  if (algo === "file") {
    return { error: "a checksum file (Packer's file:\u2026) is not read: write the digest itself as algo:hex, e.g. sha256:<64 hex digits> copied from that file, so the cache key is known before downloading" };
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
    // The key lands unquoted in a shell command line (KEY='value' cmd), so it must be a POSIX name:
    // anything else ("X;echo hi;Y", "$(id)") would run as shell code in the guest.
    pattern: "[A-Za-z_][A-Za-z0-9_]*=[\\s\\S]*",
    expected: "KEY=value, KEY an environment variable name: letters, digits and _, not starting with a digit",
    explain: (v) => {
      const eq = v.indexOf("=");
      return eq > 0 ? `'${v.slice(0, eq)}' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit` : void 0;
    }
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
  report(offset, path5, message) {
    const { line, col } = this.options.lineCounter.linePos(offset);
    this.problems.push({ file: this.options.file, line, column: col, path: formatPath(path5), message });
  }
  resolve(node) {
    let n = node;
    for (let hops = 0; n && (0, import_yaml2.isAlias)(n) && hops < 100; hops++) n = this.aliases.target(n);
    return n && (0, import_yaml2.isAlias)(n) ? null : n;
  }
  walk(raw, spec, path5, depth) {
    const node = this.resolve(raw);
    const known = this.positions.get(formatPath(path5));
    const offset = known?.value ?? nodeOffset(raw, this.options.text.length);
    if (!known) this.positions.set(formatPath(path5), { value: offset });
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) return this.tooLarge(offset, path5);
    const kind = kindOfNode(node);
    let target = spec;
    if (spec.type === "union") {
      const option = spec.options.find((o) => kindsOf(o).includes(kind));
      if (!option) return this.typeError(node, kind, spec, offset, path5);
      target = option;
    }
    if (!kindsOf(target).includes(kind)) return this.typeError(node, kind, target, offset, path5);
    switch (target.type) {
      case "string":
        return this.string(node, target, offset, path5);
      case "integer": {
        const v = node.value;
        if (!Number.isInteger(v)) return this.fail(offset, path5, `expected ${describeSpec(target)}, found ${v}`);
        if (target.minimum !== void 0 && v < target.minimum || target.maximum !== void 0 && v > target.maximum) {
          return this.fail(offset, path5, `${v} is out of range; expected ${describeSpec(target)}`);
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
        const out = items.map((item, i) => this.walk(item, target.items, [...path5, i], depth + 1));
        if (target.minItems !== void 0 && items.length < target.minItems) {
          this.report(offset, path5, `needs at least ${target.minItems} item${target.minItems === 1 ? "" : "s"}; expected ${describeSpec(target)}`);
        }
        return out;
      }
      case "map": {
        const out = /* @__PURE__ */ Object.create(null);
        for (const { key, keyOffset, value } of this.pairs(node, path5)) {
          const p = [...path5, key];
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
        return this.object(node, target, offset, path5, depth);
      case "tagged":
        return this.tagged(node, target, offset, path5, depth);
    }
  }
  tooLarge(offset, path5) {
    if (!this.tooBig) this.report(offset, path5, `the document is too large or too deeply nested once its aliases are expanded (more than ${MAX_NODES} values or ${MAX_DEPTH} levels)`);
    this.tooBig = true;
    return void 0;
  }
  fail(offset, path5, message) {
    this.report(offset, path5, message);
    return void 0;
  }
  typeError(node, kind, spec, offset, path5) {
    return this.fail(offset, path5, `expected ${describeSpec(spec)}, found ${describeNode(node, kind)}${typeHint(node, kind, spec)}`);
  }
  string(node, spec, offset, path5) {
    let value = node.value;
    if (spec.enum) {
      if (spec.enum.includes(value)) return value;
      const reason = spec.rejected?.[value.toLowerCase()];
      if (reason) return this.fail(offset, path5, `'${value}' is not accepted: ${reason}; expected ${spec.enum.join(", ")}`);
      return this.fail(offset, path5, `'${value}' is not valid; expected one of ${spec.enum.join(", ")}${didYouMean(value, spec.enum)}`);
    }
    const templated2 = isTemplated(value);
    const hook = this.options.renderTemplate;
    if (templated2 && hook && spec.template) {
      const r = hook(value, spec, path5);
      for (const e of r.errors) this.report(scalarOffset(node, value, e.offset, this.options.text), path5, e.message);
      if (r.errors.length > 0) return void 0;
      this.secrets.push(...r.secrets);
      value = r.value;
    }
    const checkable = !templated2 || hook !== void 0 && spec.template === "load";
    if (spec.format && checkable) {
      const problem = checkFormat(spec.format, value);
      if (problem) return this.fail(offset, path5, templated2 ? `renders to '${value}': ${problem}` : problem);
    }
    if (spec.secret && value) this.secrets.push(value);
    return value;
  }
  /** Pairs of a map, with YAML merge keys (<<: *defaults) expanded; explicit keys win. */
  pairs(node, path5) {
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    const merged = [];
    const visit2 = (map2, into, depth) => {
      const m = this.resolve(map2);
      if (!(0, import_yaml2.isMap)(m) || depth > 8) return;
      for (const pair of m.items) {
        if (++this.nodes > MAX_NODES) return this.tooLarge(nodeOffset(pair.key, 0), path5);
        const keyNode = this.resolve(pair.key);
        const keyOffset = nodeOffset(pair.key, 0);
        if ((0, import_yaml2.isScalar)(keyNode) && typeof keyNode.value === "symbol") {
          const sources = this.resolve(pair.value);
          for (const src of (0, import_yaml2.isSeq)(sources) ? sources.items : [sources]) visit2(src, merged, depth + 1);
          continue;
        }
        if (!(0, import_yaml2.isScalar)(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
          this.report(keyOffset, path5, "keys must be plain text");
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
  object(node, spec, offset, path5, depth) {
    const out = {};
    const present = /* @__PURE__ */ new Map();
    const suggested = /* @__PURE__ */ new Set();
    for (const { key, keyOffset, value } of this.pairs(node, path5)) {
      const p = [...path5, key];
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
        this.report(offset, path5, `missing required key '${key}' (${describeSpec(spec.properties[key])})`);
      }
    }
    if (spec.exactlyOne) {
      const given = spec.exactlyOne.filter((k) => present.has(k)).sort((a, b) => present.get(a) - present.get(b));
      if (given.length === 0 && !spec.exactlyOne.some((k) => suggested.has(k))) {
        this.report(offset, path5, `needs one of ${spec.exactlyOne.join(", ")}`);
      } else if (given.length > 1) {
        this.report(present.get(given[1]), [...path5, given[1]], `'${given[0]}' and '${given[1]}' cannot be used together; expected exactly one of ${spec.exactlyOne.join(", ")}`);
      }
    }
    if (spec.anyOf && !spec.anyOf.some((k) => present.has(k) || suggested.has(k))) {
      this.report(offset, path5, `needs at least one of ${spec.anyOf.join(", ")}`);
    }
    for (const [a, b] of spec.exclusive ?? []) {
      if (present.has(a) && present.has(b)) {
        const later = present.get(a) > present.get(b) ? a : b;
        this.report(present.get(later), [...path5, later], `'${a}' and '${b}' cannot be used together; use one of them`);
      }
    }
    for (const [key, needs] of Object.entries(spec.requires ?? {})) {
      if (!present.has(key)) continue;
      for (const need of needs) {
        if (!present.has(need) && !suggested.has(need)) this.report(present.get(key), [...path5, key], `'${key}' needs '${need}' next to it`);
      }
    }
    return out;
  }
  tagged(node, spec, offset, path5, depth) {
    const variants = Object.keys(spec.variants);
    const tagPair = this.pairs(node, path5).find((p) => p.key === spec.tag);
    if (!tagPair) return this.fail(offset, path5, `missing required key '${spec.tag}'; expected one of ${variants.join(", ")}`);
    const tagNode = this.resolve(tagPair.value);
    const tag = (0, import_yaml2.isScalar)(tagNode) ? tagNode.value : void 0;
    const variant = typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : void 0;
    if (!variant) {
      const at = nodeOffset(tagPair.value, tagPair.keyOffset);
      const shown = typeof tag === "string" ? `'${tag}'` : describeNode(tagNode, kindOfNode(tagNode));
      return this.fail(at, [...path5, spec.tag], `${shown} is not a known ${spec.tag}; expected one of ${variants.join(", ")}${typeof tag === "string" ? didYouMean(tag, variants) : ""}`);
    }
    return this.object(node, variant, offset, path5, depth);
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
  const source2 = (0, import_yaml2.isScalar)(node) && node.source ? node.source : String(v);
  const accepts = kindsOf(spec);
  if (spec.type === "string" && (spec.format === "duration" || spec.format === "bootWait") && kind === "number") return `; a duration needs a unit, e.g. '${source2}s'`;
  if (accepts.includes("string") && (kind === "number" || kind === "boolean")) return `; quote it to mean the text "${source2}"`;
  if (accepts.includes("boolean") && kind === "string" && /^(yes|no|on|off|y|n)$/i.test(String(v))) return `; YAML 1.2 reads '${String(v)}' as text, write true or false`;
  if (accepts.includes("number") && kind === "string" && /^\d+$/.test(String(v))) return "; remove the quotes";
  if (accepts.includes("list") && (kind === "string" || kind === "number" || kind === "boolean")) return `; write a list, e.g. [${source2}]`;
  return "";
}
function isEmptyValue(node) {
  return node === null || node === void 0 || (0, import_yaml2.isScalar)(node) && node.value === null && !node.source;
}
function nodeOffset(node, fallback) {
  return node?.range?.[0] ?? fallback;
}
function scalarOffset(node, value, index, text2) {
  const [start, end] = node.range ?? [0, 0];
  const type = (0, import_yaml2.isScalar)(node) ? node.type : void 0;
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
    const text2 = str(raw, key);
    if (text2 === void 0) return fallback;
    const checked = checkDuration(text2);
    if ("error" in checked) {
      this.report([...p, key], `${checked.error}; expected a Go duration such as 30s or 5m, at most ${MAX_DURATION_TEXT}`);
      return fallback;
    }
    const ms = checked.ms;
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

// src/core/bootcommand/errors.ts
var defaultElementLabel = (element) => `element ${element + 1}`;
function formatProblem(problem, label = defaultElementLabel) {
  return `${problem.reason} (${label(problem.element)}, column ${problem.column}: ${JSON.stringify(problem.text)})`;
}
var BootCommandError = class extends UserError {
  constructor(problems, label = defaultElementLabel) {
    super(problems.map((p) => formatProblem(p, label)).join("\n"));
    this.problems = problems;
  }
  problems;
  name = "BootCommandError";
};

// src/core/bootcommand/go-duration-nanos.ts
var NANOS_PER_UNIT = {
  ns: 1n,
  us: 1000n,
  "\xB5s": 1000n,
  // U+00B5 MICRO SIGN
  "\u03BCs": 1000n,
  // U+03BC GREEK SMALL LETTER MU
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n
};
var TWO_POW_63 = 1n << 63n;
var INT64_MAX = TWO_POW_63 - 1n;
var isDigit = (c) => c !== void 0 && c >= "0" && c <= "9";
function parseGoDurationNanos(text2) {
  let s = text2;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return void 0;
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return void 0;
    let whole = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
      if (whole > TWO_POW_63 / 10n) return void 0;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > TWO_POW_63) return void 0;
    }
    const hadWhole = i > 0;
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s[0] === ".") {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (fraction > INT64_MAX / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
        if (next > TWO_POW_63) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      hadFraction = j > 0;
      s = s.slice(j);
    }
    if (!hadWhole && !hadFraction) return void 0;
    let u = 0;
    while (u < s.length && s[u] !== "." && !isDigit(s[u])) u++;
    if (u === 0) return void 0;
    const unit = NANOS_PER_UNIT[s.slice(0, u)];
    s = s.slice(u);
    if (unit === void 0) return void 0;
    if (whole > TWO_POW_63 / unit) return void 0;
    let value = whole * unit;
    if (fraction > 0n) {
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_POW_63) return void 0;
    }
    total += value;
    if (total > TWO_POW_63) return void 0;
  }
  if (negative) return -total;
  return total > INT64_MAX ? void 0 : total;
}
function formatGoDurationNanos(nanos) {
  if (nanos === 0n) return "0s";
  const sign = nanos < 0n ? "-" : "";
  const u = nanos < 0n ? -nanos : nanos;
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1000000n) return `${sign}${withFraction(u, 1000n, 3)}\xB5s`;
  if (u < 1000000000n) return `${sign}${withFraction(u, 1000000n, 6)}ms`;
  const totalSeconds = u / 1000000000n;
  const fraction = fractionDigits(u % 1000000000n, 9);
  let out = `${totalSeconds % 60n}${fraction}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes > 0n) {
    out = `${totalMinutes % 60n}m${out}`;
    const hours = totalMinutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}
function withFraction(value, per, digits) {
  return `${value / per}${fractionDigits(value % per, digits)}`;
}
function fractionDigits(remainder, digits) {
  if (remainder === 0n) return "";
  return "." + remainder.toString().padStart(digits, "0").replace(/0+$/, "");
}
function wrapInt64(value) {
  return BigInt.asIntN(64, value);
}
function nanosToMs(nanos) {
  return Number(nanos) / 1e6;
}

// src/core/bootcommand/special-keys.ts
var fKeys = Array.from({ length: 12 }, (_, i) => ({
  name: `f${i + 1}`,
  keysym: 65470 + i,
  x11Name: `F${i + 1}`,
  since: "v0.4.0"
}));
var f = (n) => fKeys[n - 1];
var SPECIAL_KEYS = [
  { name: "bs", keysym: 65288, x11Name: "BackSpace", since: "v0.4.0" },
  { name: "del", keysym: 65535, x11Name: "Delete", since: "v0.4.0" },
  { name: "enter", keysym: 65293, x11Name: "Return", since: "v0.4.0" },
  { name: "esc", keysym: 65307, x11Name: "Escape", since: "v0.4.0" },
  f(10),
  f(11),
  f(12),
  f(1),
  f(2),
  f(3),
  f(4),
  f(5),
  f(6),
  f(7),
  f(8),
  f(9),
  { name: "return", keysym: 65293, x11Name: "Return", since: "v0.4.0" },
  { name: "tab", keysym: 65289, x11Name: "Tab", since: "v0.4.0" },
  { name: "up", keysym: 65362, x11Name: "Up", since: "v0.4.0" },
  { name: "down", keysym: 65364, x11Name: "Down", since: "v0.4.0" },
  // The space keysym, exactly what a literal ' ' sends.
  { name: "spacebar", keysym: 32, x11Name: "space", since: "v0.4.0" },
  { name: "insert", keysym: 65379, x11Name: "Insert", since: "v0.4.0" },
  { name: "home", keysym: 65360, x11Name: "Home", since: "v0.4.0" },
  { name: "end", keysym: 65367, x11Name: "End", since: "v0.4.0" },
  { name: "pageUp", keysym: 65365, x11Name: "Prior", since: "v0.4.0" },
  { name: "pageDown", keysym: 65366, x11Name: "Next", since: "v0.4.0" },
  { name: "leftAlt", keysym: 65513, x11Name: "Alt_L", since: "v0.4.0" },
  { name: "leftCtrl", keysym: 65507, x11Name: "Control_L", since: "v0.4.0" },
  { name: "leftShift", keysym: 65505, x11Name: "Shift_L", since: "v0.4.0" },
  { name: "rightAlt", keysym: 65514, x11Name: "Alt_R", since: "v0.4.0" },
  { name: "rightCtrl", keysym: 65508, x11Name: "Control_R", since: "v0.4.0" },
  { name: "rightShift", keysym: 65506, x11Name: "Shift_R", since: "v0.4.0" },
  { name: "leftSuper", keysym: 65515, x11Name: "Super_L", since: "v0.4.0" },
  { name: "rightSuper", keysym: 65516, x11Name: "Super_R", since: "v0.4.0" },
  // The SDK sends the Alt keysyms for Command (what QEMU maps to the Mac Command key) and Meta for Option.
  { name: "leftCommand", keysym: 65513, x11Name: "Alt_L", since: "v0.6.9" },
  { name: "rightCommand", keysym: 65514, x11Name: "Alt_R", since: "v0.6.9" },
  { name: "leftOption", keysym: 65511, x11Name: "Meta_L", since: "v0.6.9" },
  { name: "rightOption", keysym: 65512, x11Name: "Meta_R", since: "v0.6.9" },
  { name: "left", keysym: 65361, x11Name: "Left", since: "v0.4.0" },
  { name: "right", keysym: 65363, x11Name: "Right", since: "v0.4.0" },
  // In the VNC key map since v0.4.0 but only reachable through the grammar from v0.5.0 on.
  { name: "menu", keysym: 65383, x11Name: "Menu", since: "v0.5.0" }
];
var byLowerName = new Map(SPECIAL_KEYS.map((k) => [k.name.toLowerCase(), k]));
function specialKey(lowerName) {
  return byLowerName.get(lowerName);
}
var KEYSYM_NAMES = new Map(SPECIAL_KEYS.map((k) => [k.keysym, k.x11Name]));
var SHIFT_L = 65505;

// src/core/bootcommand/parser.ts
var LT = 60;
var GT = 62;
var MINUS = 45;
var DOT = 46;
var ZERO = 48;
var NINE = 57;
var NANOS_PER_SECOND = 1000000000n;
var DEFAULT_WAIT_NANOS = NANOS_PER_SECOND;
var INT64_MAX2 = (1n << 63n) - 1n;
var MAX_WAIT_NANOS = BigInt(MAX_DURATION_MS) * 1000000n;
var codePointsOf = (s) => Array.from(s, (c) => c.codePointAt(0));
var WAIT = codePointsOf("wait");
var WAIT_SERIAL = codePointsOf("waitSerial");
var SPACE2 = 32;
var QUOTES = /* @__PURE__ */ new Set([39, 34]);
var ON = codePointsOf("on");
var OFF = codePointsOf("off");
var TIME_UNITS = ["ns", "us", "\xB5s", "ms", "s", "m", "h"].map(codePointsOf);
var SPECIAL_NAMES = SPECIAL_KEYS.map((k) => ({ lower: k.name.toLowerCase(), cps: codePointsOf(k.name.toLowerCase()) }));
function lowerForMatch(cp) {
  if (cp >= 65 && cp <= 90) return cp + 32;
  if (cp === 304) return 105;
  if (cp === 8490) return 107;
  return cp;
}
var isDigit2 = (cp) => cp !== void 0 && cp >= ZERO && cp <= NINE;
function regexProblem(pattern) {
  try {
    new RegExp(pattern);
    return void 0;
  } catch (err) {
    return err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  }
}
var Matcher = class {
  constructor(cps) {
    this.cps = cps;
  }
  cps;
  problems = [];
  seen = /* @__PURE__ */ new Set();
  tokens() {
    const out = [];
    let i = 0;
    while (i < this.cps.length) {
      const matched = this.waitText(i) ?? this.wait(i) ?? this.charToggle(i) ?? this.special(i);
      if (matched) {
        out.push({ action: matched.action, start: i, end: matched.end });
        i = matched.end;
      } else {
        out.push({ action: { kind: "literal", char: String.fromCodePoint(this.cps[i]), action: "press" }, start: i, end: i + 1 });
        i += 1;
      }
    }
    return out;
  }
  waitText(start) {
    if (this.cps[start] !== LT) return void 0;
    const keyword = this.exact(start + 1, WAIT_SERIAL) ? WAIT_SERIAL : this.exact(start + 1, WAIT) ? WAIT : void 0;
    if (!keyword) return void 0;
    let i = start + 1 + keyword.length;
    if (this.cps[i] !== SPACE2) return void 0;
    const quote = this.cps[++i];
    if (quote === void 0 || !QUOTES.has(quote)) return void 0;
    const textStart = ++i;
    while (i < this.cps.length && this.cps[i] !== quote) i++;
    if (i === textStart || this.cps[i] !== quote || this.cps[i + 1] !== GT) return void 0;
    const pattern = this.text(textStart, i);
    const invalid = regexProblem(pattern);
    if (invalid) this.problem("invalid-pattern", `Invalid regular expression ${JSON.stringify(pattern)}: ${invalid}`, start, i + 1);
    const source2 = keyword === WAIT_SERIAL ? "serial" : "screen";
    return { action: { kind: "waitText", source: source2, pattern }, end: i + 2 };
  }
  wait(start) {
    if (this.cps[start] !== LT || !this.exact(start + 1, WAIT)) return void 0;
    let i = start + 1 + WAIT.length;
    let nanos = DEFAULT_WAIT_NANOS;
    const duration2 = this.duration(start, i);
    if (duration2) {
      i = duration2.end;
      nanos = duration2.nanos;
    } else {
      const integer2 = this.integer(start, i);
      if (integer2) {
        i = integer2.end;
        if (integer2.value !== void 0) nanos = wrapInt64(integer2.value * NANOS_PER_SECOND);
      }
    }
    if (this.cps[i] !== GT) return void 0;
    if (nanos > MAX_WAIT_NANOS) {
      this.problem("invalid-wait", `Wait ${formatGoDurationNanos(nanos)} is ${durationRangeProblem(Number(nanos / 1000000n))}`, start, i);
    }
    return { action: { kind: "wait", nanos }, end: i + 1 };
  }
  charToggle(start) {
    if (this.cps[start] !== LT || start + 1 >= this.cps.length) return void 0;
    const toggle = this.onOff(start + 2);
    if (!toggle || this.cps[toggle.end] !== GT) return void 0;
    const char = String.fromCodePoint(this.cps[start + 1]);
    return { action: { kind: "literal", char, action: toggle.action }, end: toggle.end + 1 };
  }
  special(start) {
    if (this.cps[start] !== LT) return void 0;
    const name = SPECIAL_NAMES.find((n) => this.caseless(start + 1, n.cps));
    if (!name) return void 0;
    let i = start + 1 + name.cps.length;
    let action = "press";
    const toggle = this.onOff(i);
    if (toggle) {
      action = toggle.action;
      i = toggle.end;
    }
    if (this.cps[i] !== GT) return void 0;
    return { action: { kind: "special", key: name.lower, action }, end: i + 1 };
  }
  onOff(i) {
    if (this.caseless(i, ON)) return { action: "on", end: i + ON.length };
    if (this.caseless(i, OFF)) return { action: "off", end: i + OFF.length };
    return void 0;
  }
  /** Duration <- (Number TimeUnit)+, its text then read by Go's ParseDuration. */
  duration(tokenStart, from) {
    let i = from;
    for (; ; ) {
      const number = this.number(tokenStart, i);
      if (number === void 0) break;
      const unit = TIME_UNITS.find((u) => this.exact(number, u));
      if (!unit) break;
      i = number + unit.length;
    }
    if (i === from) return void 0;
    const text2 = this.text(from, i);
    const nanos = parseGoDurationNanos(text2);
    if (nanos === void 0) {
      const why = text2.lastIndexOf("-") > 0 ? "a sign is only allowed at its start" : `it is ${durationRangeProblem(Infinity)}`;
      this.problem("invalid-wait", `Invalid wait duration ${JSON.stringify(text2)}: ${why}`, tokenStart, i);
      return { nanos: 0n, end: i };
    }
    return { nanos, end: i };
  }
  /** Number <- "-"? Integer ("." Digit+)? ; returns the end index. */
  number(tokenStart, from) {
    let i = from;
    if (this.cps[i] === MINUS) i++;
    const integer2 = this.integer(tokenStart, i);
    if (!integer2) return void 0;
    i = integer2.end;
    if (this.cps[i] === DOT && isDigit2(this.cps[i + 1])) {
      i += 2;
      while (isDigit2(this.cps[i])) i++;
    }
    return i;
  }
  /** Integer <- "0" / [1-9][0-9]* ; only the second branch has a value (pigeon's action placement). */
  integer(tokenStart, from) {
    const first = this.cps[from];
    if (first === ZERO) return { end: from + 1 };
    if (first === void 0 || first <= ZERO || first > NINE) return void 0;
    let i = from + 1;
    while (isDigit2(this.cps[i])) i++;
    const digits = this.text(from, i);
    let value = BigInt(digits);
    if (value > INT64_MAX2) {
      this.problem("invalid-wait", `Invalid wait value ${digits}: out of range for a 64-bit integer (Go's strconv.ParseInt)`, tokenStart, i);
      value = INT64_MAX2;
    }
    return { value, end: i };
  }
  /** Spreading a long slice into String.fromCodePoint would overflow the argument limit. */
  text(from, to) {
    let out = "";
    for (let k = from; k < to; k++) out += String.fromCodePoint(this.cps[k]);
    return out;
  }
  exact(i, want) {
    return want.every((cp, k) => this.cps[i + k] === cp);
  }
  caseless(i, lowerWant) {
    return lowerWant.every((cp, k) => {
      const got = this.cps[i + k];
      return got !== void 0 && lowerForMatch(got) === cp;
    });
  }
  problem(kind, reason, start, end) {
    const key = `${start}:${end}:${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ kind, reason, start, end });
  }
};
function scanBootCommand(command) {
  const elements = typeof command === "string" ? [command] : command;
  const cps = [];
  const utf16Offsets = [];
  const elementOf = [];
  const columnOf = [];
  let offset = 0;
  elements.forEach((element, index) => {
    let column = 1;
    for (const ch of element.toWellFormed()) {
      cps.push(ch.codePointAt(0));
      utf16Offsets.push(offset);
      elementOf.push(index);
      columnOf.push(column++);
      offset += ch.length;
    }
  });
  utf16Offsets.push(offset);
  const joined = elements.map((e) => e.toWellFormed()).join("");
  const textOf = (start, end) => joined.slice(utf16Offsets[start], utf16Offsets[end]);
  const matcher = new Matcher(cps);
  const tokens = matcher.tokens().map((t) => ({
    ...t.action,
    span: {
      start: utf16Offsets[t.start],
      end: utf16Offsets[t.end],
      element: elementOf[t.start],
      column: columnOf[t.start],
      lastElement: elementOf[t.end - 1],
      text: textOf(t.start, t.end)
    }
  }));
  const located = (p) => ({
    kind: p.kind,
    reason: p.reason,
    element: elementOf[p.start],
    column: columnOf[p.start],
    // Show the closing '>' when there is one: "<wait1m-30s>" reads better than "<wait1m-30s".
    text: textOf(p.start, cps[p.end] === GT ? p.end + 1 : p.end)
  });
  if (matcher.problems.length > 0) return { tokens, problems: matcher.problems.map(located) };
  const problems = [];
  for (const token of tokens) {
    if (token.kind === "wait" && token.nanos <= 0n) {
      problems.push({
        kind: "non-positive-wait",
        reason: `Expecting a positive wait value. Got ${formatGoDurationNanos(token.nanos)}`,
        element: token.span.element,
        column: token.span.column,
        text: token.span.text
      });
    }
  }
  return { tokens, problems };
}
function parseBootCommand(command, options = {}) {
  const { tokens, problems } = scanBootCommand(command);
  if (problems.length > 0) throw new BootCommandError(problems, options.elementLabel);
  return tokens;
}

// src/core/config/boot-waits.ts
var WAIT2 = /<wait((?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0|[1-9]\d*)?>/gu;
var TEXT_WAIT = /<wait(?:Serial)? (?:'([^']+)'|"([^"]+)")>/g;
function findBadWaits(elements) {
  const joined = elements.join("");
  const starts = [];
  let at = 0;
  for (const e of elements) {
    starts.push(at);
    at += e.length;
  }
  const bad = [];
  for (const m of joined.matchAll(WAIT2)) {
    const spec = m[1];
    const problem = scanBootCommand(m[0]).problems[0];
    let message;
    if (problem?.kind === "non-positive-wait" && spec !== void 0 && !/^\d+$/.test(spec)) message = `'${m[0]}' waits ${spec}; expected a positive wait such as <wait5> or <wait500ms>`;
    else if (problem) message = `'${m[0]}' is not a valid wait: ${problem.reason}`;
    if (message) {
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message });
    }
  }
  for (const m of joined.matchAll(TEXT_WAIT)) {
    const pattern = m[1] ?? m[2] ?? "";
    try {
      new RegExp(pattern);
    } catch (err) {
      const why = err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message: `'${m[0]}' waits for ${JSON.stringify(pattern)}, which is not a regular expression: ${why}` });
    }
  }
  return bad.sort((a, b) => a.element - b.element || a.offset - b.offset);
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
  (list2(raw, "environmentVars") ?? []).forEach((assignment) => {
    if (typeof assignment !== "string") return;
    environmentVars.push(assignment);
    const eq = assignment.indexOf("=");
    if (eq > 0 && SECRET_NAME.test(assignment.slice(0, eq)) && eq < assignment.length - 1) ctx.secrets.push(assignment.slice(eq + 1));
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
  const sources = written.map(({ value, path: path5 }) => direction === "upload" ? keepSlash(value, ctx.localPath(path5, value.replace(/\/+$/, "") || value, generated ? "unchecked" : "fileOrDir")) : value);
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
var DEFAULT_BOOT_TEXT_TIMEOUT_MS = 5 * MINUTE2;
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
    bootWait: DEFAULT_BOOT_WAIT_MS,
    bootCommand: resolveBootCommand(ctx, raw, p),
    bootTextTimeout: ctx.duration(raw, "bootTextTimeout", p, DEFAULT_BOOT_TEXT_TIMEOUT_MS, 1),
    communicator: communicator2,
    provisioners,
    shutdownTimeout: ctx.duration(raw, "shutdownTimeout", p, 5 * MINUTE2, 0),
    output: resolveOutput(ctx, raw, p),
    dependsOn: strings(raw, "dependsOn") ?? [],
    positions: ctx.positionsBelow(p)
  };
  resolveBootWait(ctx, raw, p, vm2);
  const efi = resolveEfi(raw);
  if (efi) vm2.efiFirmware = efi;
  const machineType = str(raw, "machineType");
  if (machineType === "pc" || machineType === "q35") vm2.machineType = machineType;
  if (machineType === "pc" && efi?.secureBoot) ctx.report([...p, "machineType"], "Secure Boot needs SMM, which needs the q35 machine type; expected q35 (the default)");
  warnUnseenCdroms(ctx, vm2, p);
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
  const path5 = str(raw, "path");
  if (path5 !== void 0) return { kind: "path", path: ctx.localPath([...p, "path"], path5, "unchecked") };
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
  const r = typeof v === "number" ? { bytes: v } : typeof v === "string" ? parseSize(v) : void 0;
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
      cdrom2.files = files.flatMap((f2, j) => typeof f2 === "string" ? [ctx.localPath([...cp, "files", j], f2, "fileOrDir")] : []);
      cdrom2.label = str(c, "label") ?? "packer";
    }
    const iso = str(c, "iso");
    if (iso !== void 0) cdrom2.iso = ctx.localPath([...cp, "iso"], iso, "file");
    const type = str(c, "type");
    if (type === "disk" || type === "cdrom") cdrom2.type = type;
    const bus = str(c, "bus");
    if (bus !== void 0) {
      if (bus === "virtio" && cdrom2.type !== "disk") ctx.report([...cp, "bus"], "a cdrom cannot be on the virtio bus (KubeVirt refuses it); expected sata or scsi, or type: disk for a virtio disk holding the ISO");
      cdrom2.bus = bus;
    }
    return [cdrom2];
  });
}
var NO_AHCI_SOURCE = /genericcloud/i;
function warnUnseenCdroms(ctx, vm2, p) {
  const source2 = vm2.source.kind === "url" ? vm2.source.url : vm2.source.kind === "containerDisk" ? vm2.source.image : vm2.source.kind === "path" ? vm2.source.path : "";
  if (!NO_AHCI_SOURCE.test(source2)) return;
  vm2.cdroms.forEach((c, i) => {
    if (cdromBus(c) !== "sata") return;
    const what = c.type === "disk" ? "a sata disk" : "a sata cdrom";
    ctx.warn(
      [...p, "cdroms", i, c.bus ? "bus" : "name"],
      `${what}: the source's Debian cloud kernel has no AHCI (SATA) driver, so the guest will not see it${c.label === "cidata" ? " and cloud-init will not find its seed" : ""}; use type: disk (a virtio disk, as KubeVirt attaches cloudInitNoCloud) or bus: scsi`
    );
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
function resolveBootWait(ctx, raw, p, vm2) {
  const text2 = str(raw, "bootWait");
  if (text2 !== void 0 && /^<wait/.test(text2)) {
    const { tokens, problems } = scanBootCommand(text2);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, "bootWait"], problems[0].reason);
    else if (tokens.length === 1 && token?.kind === "waitText") {
      vm2.bootWaitText = { source: token.source, pattern: token.pattern };
      if (vm2.bootCommand.length === 0) ctx.report([...p, "bootWait"], `bootWait waits for a text before typing bootCommand, and there is no bootCommand; expected a duration, or a bootCommand`);
    }
    vm2.bootWait = -1;
    return;
  }
  if (text2 === void 0) {
    const head = vm2.bootCommand.join("").slice(0, 4096);
    vm2.bootWait = scanBootCommand(head).tokens[0]?.kind === "waitText" ? -1 : DEFAULT_BOOT_WAIT_MS;
    return;
  }
  const ms = ctx.duration(raw, "bootWait", p, DEFAULT_BOOT_WAIT_MS);
  vm2.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS : ms;
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
    secrets: [...new Set(ctx.secrets)],
    ...ctx.warnings.length > 0 ? { warnings: sortProblems(ctx.warnings) } : {}
  };
}
function checkFrom(ctx, vm2, p, earlier, thisLayer, sameLayer, allLayers) {
  if (vm2.source.kind !== "from") return;
  const { layer: layer2, vm: vmName } = vm2.source;
  const at = [...p, "source", "from"];
  const target = earlier.find((l) => l.name === layer2);
  if (!target) {
    if (layer2 === thisLayer) {
      const same2 = sameLayer.some((v) => v.name === vmName);
      ctx.report(at, `'${layer2}/${vmName}' is in this layer; expected a VM of an earlier layer (${same2 ? "VMs of one layer are built together, so one cannot start from another" : `no VM '${vmName}' here either`})`);
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
  const visit2 = (name, trail) => {
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
    for (const dep of i === void 0 ? [] : vms[i].dependsOn) if (byName.has(dep) && dep !== name) visit2(dep, [...trail, name]);
    state.set(name, "done");
  };
  for (const vm2 of vms) visit2(vm2.name, []);
}

// src/core/config/variables.ts
var import_yaml3 = __toESM(require_dist(), 1);
function resolveVariables(doc, text2, lineCounter, file3, overrides, env) {
  const problems = [];
  const secrets = [];
  const at = (offset, path5, message) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file: file3, line, column: col, path: path5, message });
  };
  const variables = /* @__PURE__ */ Object.create(null);
  let declaredAt = 0;
  const root = doc.contents;
  const pair = (0, import_yaml3.isMap)(root) ? root.items.find((p) => (0, import_yaml3.isScalar)(p.key) && p.key.value === "variables") : void 0;
  if (pair) {
    declaredAt = pair.key.range?.[0] ?? 0;
    if ((0, import_yaml3.isMap)(pair.value)) {
      for (const item of pair.value.items) {
        if (!(0, import_yaml3.isScalar)(item.key) || !(0, import_yaml3.isScalar)(item.value) || item.value.value === null) continue;
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
var MAX_BUILD_FILE_BYTES = 1024 * 1024;
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
  if (text2.length > MAX_BUILD_FILE_BYTES) {
    throw new BuildFileError([{ file: file3, line: 1, column: 1, path: "", message: `the build file is ${text2.length} characters long; expected at most ${MAX_BUILD_FILE_BYTES} (1 MiB)` }]);
  }
  const lineCounter = new import_yaml4.LineCounter();
  const doc = (0, import_yaml4.parseDocument)(text2, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
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

// src/core/pipeline/checksum-file.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path3 from "node:path";
async function sha256OfFile(file3, signal) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file3, { highWaterMark: 1 << 20, ...signal ? { signal } : {} })) hash.update(chunk);
  return hash.digest("hex");
}
function checksumLine(sha256, file3) {
  return `${sha256}  ${path3.basename(file3)}
`;
}
async function writeSha256File(file3, signal) {
  const sha256 = await sha256OfFile(file3, signal);
  const checksumFile = `${file3}.sha256`;
  await writeFile(`${checksumFile}.partial`, checksumLine(sha256, file3));
  await rename(`${checksumFile}.partial`, checksumFile);
  return { sha256, checksumFile };
}

// src/core/pipeline/manifest.ts
import { rename as rename2, writeFile as writeFile2 } from "node:fs/promises";
import path4 from "node:path";
function redactedVariables(build) {
  const masker = new SecretMasker();
  for (const s of build.secrets) masker.add(s);
  return Object.fromEntries(Object.entries(build.variables).map(([k, v]) => [k, masker.mask(v)]));
}
async function writeManifest(outputDir, manifest) {
  const file3 = path4.join(outputDir, "manifest.json");
  await writeFile2(`${file3}.partial`, JSON.stringify(manifest, null, 2) + "\n");
  await rename2(`${file3}.partial`, file3);
  return file3;
}

export {
  formatGoDurationNanos,
  nanosToMs,
  specialKey,
  KEYSYM_NAMES,
  SHIFT_L,
  parseBootCommand,
  TemplateError,
  renderTemplate,
  buildSpec,
  PACKER_BUILDER_OPTIONS,
  PACKER_PROVISIONER_OPTIONS,
  SUPPORTED_PROVISIONER_TYPES,
  UNSUPPORTED_PROVISIONERS,
  FORMATS,
  loadBuild,
  loadBuildText,
  sha256OfFile,
  checksumLine,
  writeSha256File,
  redactedVariables,
  writeManifest
};
