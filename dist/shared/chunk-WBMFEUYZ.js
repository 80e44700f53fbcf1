import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  kubevirtSpec
} from "./chunk-NHD4EFUK.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/config/data-source-output.ts
var INSTANCETYPE_KINDS = ["VirtualMachineClusterInstancetype", "VirtualMachineInstancetype"];
var PREFERENCE_KINDS = ["VirtualMachineClusterPreference", "VirtualMachinePreference"];
var NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
var REFERENCE = /^[a-z0-9](?:[-a-z0-9.]{0,61}[a-z0-9])?$/;
var text = (description, extra = {}) => ({ type: "string", description, template: "load", ...extra });
var dataSourceSpec = {
  type: "object",
  title: "DataSource output",
  description: "kubevirt engine: keep the output in the cluster as a golden image \u2014 the DataVolume (PVC) or VolumeSnapshot the build captured, with a CDI DataSource of this name pointing at it, labelled like KubeVirt\u2019s common boot sources. A later build points the DataSource at its new output and removes the previous one. The local engine ignores it.",
  properties: {
    name: text("The DataSource name (a DNS-1123 label), in the build\u2019s namespace.", { format: "k8sName" }),
    instancetype: text("Label instancetype.kubevirt.io/default-instancetype: the instance type a VM booting from it takes by default, e.g. u1.medium."),
    instancetypeKind: { type: "string", enum: INSTANCETYPE_KINDS, description: "Label instancetype.kubevirt.io/default-instancetype-kind (KubeVirt assumes VirtualMachineClusterInstancetype)." },
    preference: text("Label instancetype.kubevirt.io/default-preference: the preference a VM booting from it takes by default, e.g. debian."),
    preferenceKind: { type: "string", enum: PREFERENCE_KINDS, description: "Label instancetype.kubevirt.io/default-preference-kind (KubeVirt assumes VirtualMachineClusterPreference)." }
  },
  required: ["name"]
};
function referenceProblem(value) {
  return REFERENCE.test(value) ? void 0 : `expected a name of up to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (it becomes a label value), got '${value}'`;
}
function resolveDataSource(raw, report) {
  if (!raw || typeof raw.name !== "string") return void 0;
  const out = { name: raw.name };
  for (const field of ["instancetype", "preference"]) {
    const value = raw[field];
    if (typeof value !== "string") continue;
    const problem = referenceProblem(value);
    if (problem) report(field, problem);
    else out[field] = value;
  }
  if (typeof raw.instancetypeKind === "string") out.instancetypeKind = raw.instancetypeKind;
  if (typeof raw.preferenceKind === "string") out.preferenceKind = raw.preferenceKind;
  if (out.instancetypeKind && !out.instancetype) report("instancetypeKind", "instancetypeKind needs instancetype");
  if (out.preferenceKind && !out.preference) report("preferenceKind", "preferenceKind needs preference");
  return out;
}
var OPTION_KEYS = ["instancetype", "instancetypeKind", "preference", "preferenceKind"];
function parseDataSourceOption(value, what) {
  const [name = "", ...rest] = value.split(",").map((s) => s.trim());
  const fail = (message) => {
    throw new UserError(`${what} '${value}': ${message}; expected NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K], e.g. debian-12,instancetype=u1.medium,preference=debian`);
  };
  if (!NAME.test(name)) fail(`the DataSource name '${name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
  const out = { name };
  const seen = /* @__PURE__ */ new Set();
  for (const part of rest) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? "" : part.slice(eq + 1);
    if (!OPTION_KEYS.includes(key)) fail(`unknown key '${key}'`);
    if (seen.has(key)) fail(`'${key}' is given twice`);
    seen.add(key);
    if (eq < 0 || v === "") fail(`'${key}' needs a value`);
    switch (key) {
      case "instancetype":
      case "preference": {
        const problem = referenceProblem(v);
        if (problem) fail(`${key}: ${problem}`);
        out[key] = v;
        break;
      }
      case "instancetypeKind":
        if (!INSTANCETYPE_KINDS.includes(v)) fail(`instancetypeKind must be one of ${INSTANCETYPE_KINDS.join(", ")}`);
        out.instancetypeKind = v;
        break;
      case "preferenceKind":
        if (!PREFERENCE_KINDS.includes(v)) fail(`preferenceKind must be one of ${PREFERENCE_KINDS.join(", ")}`);
        out.preferenceKind = v;
        break;
    }
  }
  if (out.instancetypeKind && !out.instancetype) fail("instancetypeKind needs instancetype");
  if (out.preferenceKind && !out.preference) fail("preferenceKind needs preference");
  return out;
}
function applyDataSourceOption(build, ds, what) {
  const last = build.layers.at(-1);
  if (!last || last.vms.length !== 1) {
    throw new UserError(`${what}: the last layer of build ${build.name} has ${last?.vms.length ?? 0} VMs; name each golden image in the build file instead (output.dataSource of a VM)`);
  }
  const vm2 = last.vms[0];
  vm2.output = { ...vm2.output, dataSource: ds };
  return vm2;
}

// src/core/config/verify-spec.ts
var check = {
  type: "object",
  title: "Verify check",
  description: "A command run over SSH in the booted image; it passes when its exit code is one of validExitCodes.",
  properties: {
    name: { type: "string", template: "load", description: "A label for logs and the summary (default: the command)." },
    run: { type: "string", template: "load", description: "The command, run by the communicator user's login shell." },
    validExitCodes: { type: "array", items: { type: "integer", description: "Exit code." }, description: "Exit codes that pass.", default: [0], minItems: 1 },
    timeout: { type: "string", format: "duration", template: "load", description: "Fail the check when it runs longer.", default: "5m" }
  },
  required: ["run"],
  hints: { inline: "run", command: "run", valid_exit_codes: "validExitCodes", exitCodes: "validExitCodes", exitCode: "validExitCodes" }
};
var checkItem = {
  type: "union",
  description: "A command (it must exit 0), or a check with its own exit codes and timeout.",
  options: [{ type: "string", template: "load", description: "A command that must exit 0." }, check]
};
var verifySpec = {
  type: "object",
  title: "Verify",
  description: "Checks the finished image before it is published (ruddervirt verify, actions/verify, and the build action before it publishes): the output boots as a new VM \u2014 with a fresh cloud-init seed (new instance-id, a throw-away SSH key for the communicator's user) when the VM has a cidata cdrom, else with the communicator settings as they are \u2014 and each check runs over SSH. The VM is then stopped and removed; the image is not changed.",
  properties: {
    checks: { type: "array", items: checkItem, description: "Commands that must pass, in order; every check runs, and verify fails if any failed.", minItems: 1 },
    bootCommand: {
      type: "union",
      description: "Keys to type when the image boots, in boot-command syntax (for an image that stops at its boot loader's prompt). Default none: the image boots by itself.",
      default: [],
      options: [
        { type: "string", template: "boot", description: "Keys to type." },
        { type: "array", items: { type: "string", template: "boot", description: "Keys to type." }, description: "Keys to type; elements are joined." }
      ]
    },
    bootWait: {
      type: "string",
      format: "bootWait",
      template: "load",
      description: "Wait before typing bootCommand: a duration, or <wait 'TEXT'> / <waitSerial 'TEXT'>, as the VM's bootWait.",
      defaultText: "10s with a bootCommand (none when it starts with <wait 'TEXT'>), else none"
    },
    timeout: { type: "string", format: "duration", template: "load", description: "Limit for the whole verify of this VM: boot, SSH and every check.", default: "15m" }
  },
  required: ["checks"],
  hints: { commands: "checks", inline: "checks", tests: "checks", boot_command: "bootCommand" }
};

// src/core/config/build-spec.ts
function text2(description, extra = {}) {
  return { type: "string", description, template: "load", ...extra };
}
function formatted(format, description, extra = {}) {
  return text2(description, { format, ...extra });
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
    options: [formatted("size", description), integer(`${description} In bytes.`, { minimum: 1 })],
    ...extra
  };
}
var k8sName = (description) => formatted("k8sName", description);
var localPath = (description, kind, extra = {}) => text2(description, { path: kind, ...extra });
var templated = (use, description, extra = {}) => text2(description, { template: use, ...extra });
var checksumText = `algo:hex (md5, sha1, sha256 or sha512), or file:URL / file:PATH (Packer's form): the entry for this file name in a checksum file such as SHA256SUMS (lines "HASH  name", "HASH *name" or "SHA256 (name) = HASH"), read before the build starts; a path is relative to the build file.`;
var downloadFields = (what) => ({
  url: formatted("url", `Where to download ${what}.`),
  urls: list(formatted("url", "A URL of the same file."), `Mirrors of ${what} (Packer's iso_urls), tried in order until one downloads and matches the checksum; each failure is logged with its reason. Instead of url.`, {
    minItems: 1
  }),
  checksum: formatted("checksum", `The digest of ${what}: ${checksumText}`),
  checksumSignature: text2(
    "A detached OpenPGP signature of the checksum file (URL or path), as Debian publishes SHA512SUMS.sign and Ubuntu SHA256SUMS.gpg; checked with gpgv against checksumKeyring before the checksum file is read. Needs checksum: file:\u2026."
  ),
  checksumKeyring: localPath("The OpenPGP keyring the signature must come from (binary, armored or a GnuPG keybox), relative to the build file, e.g. /usr/share/keyrings/debian-keyring.gpg.", "file")
});
var downloadChecks = { requires: { checksumSignature: ["checksumKeyring", "checksum"], checksumKeyring: ["checksumSignature"] } };
var source = object(
  "Source",
  "Where the root disk comes from: exactly one of url or urls (with checksum), containerDisk, iso, path or from.",
  {
    ...downloadFields("the disk image (qcow2 or raw); downloads are cached by URL and checksum"),
    containerDisk: formatted("image", "A containerDisk image (a disk under /disk in an OCI image), e.g. quay.io/containerdisks/debian:12."),
    iso: object("ISO", "An installer ISO, attached as a cdrom and booted; the root disk starts empty (size from disks[0].size).", downloadFields("the ISO"), {
      required: ["checksum"],
      exactlyOne: ["url", "urls"],
      ...downloadChecks,
      hints: { iso_url: "url", iso_urls: "urls", iso_checksum: "checksum" }
    }),
    path: localPath("A local disk image (qcow2 or raw), relative to the build file; read when the build runs.", "unchecked"),
    from: formatted("vmRef", "Another VM's output, `<layer>/<vm>`, from an earlier layer.")
  },
  {
    exactlyOne: ["url", "urls", "containerDisk", "iso", "path", "from"],
    requires: { url: ["checksum"], urls: ["checksum"], ...downloadChecks.requires },
    hints: { iso_url: "iso: { url, checksum }", iso_urls: "iso: { urls, checksum }", iso_checksum: "iso: { url, checksum }", disk_image: "url (a disk image) or iso (an installer)" }
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
    sshHost: text2("Host to connect to; by default the engine knows (a forwarded port, the VM pod IP)."),
    sshPort: integer("SSH port in the guest.", { minimum: 1, maximum: 65535, default: 22 }),
    sshUsername: text2("User to log in as. Required with type ssh."),
    sshPassword: text2("Password (also used for keyboard-interactive). Masked in logs; use {{ env `NAME` }} to keep it out of the file.", { secret: true }),
    sshPrivateKeyFile: localPath("Private key file (relative to the build file; ~ is your home).", "file"),
    sshAgentAuth: flag("Authenticate with the SSH agent at SSH_AUTH_SOCK."),
    sshTimeout: duration("How long to wait for SSH to come up.", void 0, { defaultText: "5m when neither sshTimeout nor sshHandshakeAttempts is set, else unlimited" }),
    sshHandshakeAttempts: integer("Authentication failures tolerated while waiting (0 = unlimited).", { minimum: 0, defaultText: "10 when neither sshTimeout nor sshHandshakeAttempts is set, else unlimited" }),
    sshPty: flag("Request a pseudo-terminal for commands."),
    sshKeepAliveInterval: duration("Interval between keep-alive messages; negative disables them.", "5s"),
    sshBastionHost: text2("A bastion (jump) host to connect through."),
    sshBastionPort: integer("Bastion SSH port.", { minimum: 1, maximum: 65535, default: 22 }),
    sshBastionUsername: text2("Bastion user."),
    sshBastionPassword: text2("Bastion password. Masked in logs.", { secret: true }),
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
  name: text2("A label for logs."),
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
    env: map("envName", text2("Value"), "Environment variables as a map; overrides environmentVars with the same key."),
    executeCommand: templated("shellExecute", "How to run each script. Fields: .Path, .Vars, .EnvVarFile, .Command (plus .HTTPIP, .HTTPPort, .Name).", {
      defaultText: "`chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}`, with useEnvVarFile `chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}`"
    }),
    inlineShebang: text2("First line of the script made from inline.", { default: "/bin/sh -e" }),
    remoteFolder: text2("Guest folder scripts are uploaded to.", { default: "/tmp" }),
    remoteFile: text2("Guest file name of the uploaded script.", { defaultText: "script_<random>.sh" }),
    remotePath: text2("Full guest path of the uploaded script.", { defaultText: "<remoteFolder>/<remoteFile>" }),
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
    source: text2("A file or folder: local for upload (relative to the build file), in the guest for download. A folder with a trailing / copies its contents."),
    sources: list(text2("A file or folder."), "Several sources; destination is then a folder.", { minItems: 1 }),
    content: text2("Text to write to destination instead of a source file."),
    destination: text2("Where to put it: in the guest for upload, locally (relative to the build file) for download. A trailing / means a folder."),
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
    searchCriteria: text2("Windows Update search criteria.", { default: "BrowseOnly=0 and IsInstalled=0" }),
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
    restartCommand: text2("Command that restarts the guest.", { default: 'shutdown /r /f /t 0 /c "packer restart"' }),
    restartCheckCommand: text2('Command whose output contains "restarted." once the guest is back.', { default: `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"` }),
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
  compress: flag("Compress the qcow2 cluster by cluster, as qemu-img convert -c does (zstd on every core). Not with raw."),
  compressionType: choice(
    ["zstd", "zlib"],
    "How a compressed qcow2 is compressed. zstd is several times faster to write at about the same size, and QEMU 5.1+ (KubeVirt, CDI) reads it; zlib for older readers (Packer writes zlib).",
    { default: "zstd" }
  ),
  sbom: flag(
    "Read the guest's package database (dpkg, rpm or apk) over SSH after the provisioners into an SPDX 2.3 document beside the image (<image>.spdx.json); publishing pushes it as an OCI referrer of the image. Skipped, with a note, for a guest without one.",
    true
  ),
  dataSource: dataSourceSpec
});
var vm = object(
  "VM",
  "A virtual machine to build.",
  {
    name: k8sName("VM name, unique within the layer."),
    source,
    cpu: integer("Virtual CPUs.", { minimum: 1, maximum: 512, default: 1 }),
    cpuModel: text2(
      "CPU model the guest sees (QEMU -cpu, KubeVirt domain.cpu.model), e.g. host (KubeVirt host-passthrough), max, Nehalem, Haswell-noTSX. Default: host under KVM; under software emulation qemu64 with the x86-64-v2 features (RHEL 9 boots; x86-64-v3 guests such as RHEL 10 need max, every feature TCG emulates, at some speed)."
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
    httpContent: map("httpPath", text2("File content"), "Files served over HTTP, URL path \u2192 content. Not with httpDirectory."),
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
    shutdownCommand: text2("Command that shuts the guest down; without it the VM is powered off (ACPI, then forced)."),
    shutdownTimeout: duration("How long to wait for the guest to stop after shutdownCommand.", "5m"),
    output,
    vmName: formatted("fileName", "The output image's file name in the output folder, as written (Packer's vm_name: no extension is added); also {{ .Name }} in bootCommand. Unique within the build.", {
      defaultText: "<layer>-<name>.qcow2 (.img for raw)"
    }),
    qemuArgs: list(
      list(text2("The switch, then its value in parts that are joined without a separator (as Packer joins them)."), "One QEMU switch with its value, e.g. [-device, virtio-gpu-pci].", { minItems: 1 }),
      "Extra QEMU arguments (Packer's qemuargs), local engine only: appended after RudderVirt's own, so options QEMU takes once (-m, -smp, -cpu) override them and -device or -drive add to them. The kubevirt engine refuses them: virt-launcher builds QEMU's command line there. Switches RudderVirt needs to drive the VM (-vnc, -qmp, -monitor, -mon, -serial, -chardev, -daemonize, -display, -nographic, -S) are refused."
    ),
    dependsOn: list(
      k8sName("A VM of the same layer."),
      "VMs of the same layer whose provisioning this one waits for: all VMs of a layer boot together; this one connects and provisions once these have provisioned, and they stay up until it is done.",
      { default: [] }
    ),
    verify: verifySpec,
    kubevirt: kubevirtSpec
  },
  {
    required: ["name", "source"],
    exclusive: [["httpDirectory", "httpContent"]],
    hints: {
      cpus: "cpu",
      cpu_model: "cpuModel",
      vm_name: "vmName",
      qemuargs: "qemuArgs",
      iso_url: "source: { iso: { url, checksum } }",
      iso_urls: "source: { iso: { urls, checksum } }",
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
    vms: list(vm, "The VMs of the layer; they boot together on their networks.", { minItems: 1 }),
    maxAge: duration(
      "Rebuild the layer when its cached output is older than this, even if nothing in its key changed: for provisioners that pull updates (apt-get upgrade). A Go duration (168h for a week), at most 596h31m23.647s; without it a cached layer is reused whatever its age."
    )
  },
  { required: ["name", "vms"], hints: { max_age: "maxAge" } }
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
    variables: map("variableName", { type: "scalar", description: "Default value" }, "Variables with their defaults, used as {{ user `name` }}; overridden with --var-file FILE and --var name=value."),
    sensitiveVariables: list(
      formatted("variableName", "A variable declared under variables."),
      "Variables whose values are secrets (Packer's sensitive-variables): their values, whether a default, a var file or --var gave them, and the environment values their defaults read, show as `***` in every log, message, manifest, summary and state file; shell provisioners then pass their environment in a sourced file rather than on the command line."
    ),
    network: object(
      "Network",
      "Networks the VMs attach to. Without it, every NIC is on the default network, which has internet.",
      {
        vpcs: list(vpc, "VPCs.", { minItems: 1 })
      },
      { required: ["vpcs"] }
    ),
    layers: list(layer, "Layers, built in order; a VM may start from an earlier layer's output.", { minItems: 1 }),
    kubevirt: kubevirtSpec
  },
  { required: ["name", "layers"], hints: { builders: "layers[].vms", sources: "layers[].vms", provisioners: "layers[].vms[].provisioners" } }
);

export {
  resolveDataSource,
  parseDataSourceOption,
  applyDataSourceOption,
  buildSpec
};
