/**
 * Packer's QEMU-builder, communicator and provisioner option names and where each lives in a
 * RudderVirt build file — or why it has no place there. One table serves three readers: the
 * validator's "did you mean" (a Packer user writes vm_name and should hear what it became, not a
 * string-distance guess), `ruddervirt import-packer` (which names every option it drops and why)
 * and docs/coming-from-packer.md.
 *
 * Option names and defaults: hashicorp/packer-plugin-qemu v1.0.9 builder/qemu/config.go and the
 * embedded configs of hashicorp/packer-plugin-sdk v0.4.0 (bootcommand, commonsteps, communicator,
 * shutdowncommand).
 */

export type PackerOptionFate =
  /** Same meaning; `to` is the build-file field (a path below the VM, the provisioner, …). */
  | { kind: 'same'; to: string }
  /** Mapped, but the value or meaning changes; `note` says how. */
  | { kind: 'different'; to: string; note: string }
  /** No place in a build file; `why` says why (and what to do instead, when there is something). */
  | { kind: 'unsupported'; why: string };

const same = (to: string): PackerOptionFate => ({ kind: 'same', to });
const different = (to: string, note: string): PackerOptionFate => ({ kind: 'different', to, note });
const unsupported = (why: string): PackerOptionFate => ({ kind: 'unsupported', why });

const ENGINE_PICKS_PORTS = 'the engine picks free ports itself (and on KubeVirt reaches the VM through its subresources)';
const NO_WINRM = 'RudderVirt talks SSH only; install OpenSSH Server in the Windows guest (e.g. from Autounattend.xml) and use communicator type ssh';
const DISK_TUNING = 'the engine chooses disk cache and discard settings (KubeVirt sets them per volume)';
const ONE_OUTPUT = "the output is the VM's disk, named after the VM, converted in place and published by the publish step";

/** qemu (and kubevirt-iso) builder options. */
export const PACKER_BUILDER_OPTIONS: Readonly<Record<string, PackerOptionFate>> = {
  iso_url: same('source.iso.url, or source.url with disk_image'),
  iso_urls: same('source.iso.urls'),
  iso_checksum: different(
    'source.iso.checksum',
    'written algo:hex (sha256:…) or file:URL / file:PATH (a SHA256SUMS-style file, optionally signed: checksumSignature + checksumKeyring); a bare digest gets its algorithm from its length; none is not accepted',
  ),
  iso_target_path: unsupported('downloads are cached by URL and checksum in the cache folder'),
  iso_target_extension: unsupported('downloads are cached by URL and checksum in the cache folder'),
  iso_skip_cache: unsupported('sources are always downloaded once and checked against their checksum'),
  disk_image: different('source.url', 'a disk image becomes source.url (with checksum); an installer ISO becomes source.iso'),
  use_backing_file: unsupported('the root disk is always a copy of the source (a qcow2 overlay on KubeVirt is the CDI clone)'),
  disk_size: different('disks[0].size', 'Packer reads 20G as GiB; write 20Gi (RudderVirt refuses a bare G, which Kubernetes reads as 10⁹ bytes)'),
  disk_additional_size: different('disks[1..].size', 'each extra size becomes a disk of its own with a name'),
  disk_interface: different('disks[].bus', 'virtio, sata or scsi; ide is not accepted (KubeVirt rejects it): use sata'),
  disk_cache: unsupported(DISK_TUNING),
  disk_discard: unsupported(DISK_TUNING),
  disk_detect_zeroes: unsupported(DISK_TUNING),
  skip_resize_disk: unsupported('the root disk grows to disks[0].size, never shrinks; leave size out to keep the image size'),
  skip_compaction: unsupported('the output is always converted (which compacts it)'),
  format: same('output.format'),
  disk_compression: different('output.compress', 'compressionType defaults to zstd; Packer writes zlib (compressionType: zlib)'),
  net_device: different('nics[].model', 'virtio, e1000, e1000e or rtl8139 (the models KubeVirt offers)'),
  net_bridge: unsupported('networks are declared under network.vpcs; the engine builds them'),
  accelerator: unsupported('the local engine probes KVM itself (and falls back to TCG when KVM does not really work); KubeVirt decides on its own'),
  machine_type: different('machineType', 'q35 (the default, all KubeVirt offers) or pc (local engine only)'),
  cpu_model: same('cpuModel'),
  cpus: same('cpu'),
  sockets: unsupported("only a number of vCPUs (cpu) is set; the topology is the engine's"),
  cores: unsupported("only a number of vCPUs (cpu) is set; the topology is the engine's"),
  threads: unsupported("only a number of vCPUs (cpu) is set; the topology is the engine's"),
  memory: different('memory', "a size with a unit (Packer's 2048 MB is 2048Mi)"),
  efi_boot: different('efiFirmware', 'true, or { secureBoot: true }'),
  efi_firmware_code: unsupported('the engine picks the OVMF build (the Secure Boot one for efiFirmware.secureBoot)'),
  efi_firmware_vars: unsupported('the engine picks the OVMF build (the Secure Boot one for efiFirmware.secureBoot)'),
  efi_drop_efivars: unsupported("the EFI variable store is the engine's"),
  firmware: unsupported('BIOS (SeaBIOS) or UEFI (OVMF) is chosen with efiFirmware; a custom firmware file is not'),
  use_pflash: unsupported('the engine attaches OVMF as pflash itself when efiFirmware is set'),
  vtpm: unsupported('no TPM is attached'),
  use_tpm1: unsupported('no TPM is attached'),
  tpm_device_type: unsupported('no TPM is attached'),
  headless: unsupported('not needed: builds always run without a display'),
  display: unsupported('not needed: builds always run without a display'),
  use_default_display: unsupported('not needed: builds always run without a display'),
  vga: unsupported('the engine chooses the display adapter'),
  vnc_bind_address: unsupported(`VNC is only used to type the boot command; ${ENGINE_PICKS_PORTS}`),
  vnc_port_min: unsupported(ENGINE_PICKS_PORTS),
  vnc_port_max: unsupported(ENGINE_PICKS_PORTS),
  vnc_use_password: unsupported('VNC listens on loopback (local) or behind the KubeVirt API (kubevirt) only'),
  disable_vnc: unsupported('VNC is only connected when there is a boot command'),
  boot_wait: same('bootWait'),
  boot_command: same('bootCommand'),
  boot_steps: different('bootCommand', 'the steps are joined into one boot command; their descriptions become comments'),
  boot_key_interval: same('bootKeyInterval'),
  boot_keygroup_interval: unsupported('Packer ignores it for QEMU too (it only paces scancode builders)'),
  http_directory: same('httpDirectory'),
  http_content: same('httpContent'),
  http_port_min: unsupported(ENGINE_PICKS_PORTS),
  http_port_max: unsupported(ENGINE_PICKS_PORTS),
  http_bind_address: unsupported('the HTTP server listens where the guest can reach it; the engine knows where that is'),
  http_interface: unsupported('the HTTP server listens where the guest can reach it; the engine knows where that is'),
  http_network_protocol: unsupported('the HTTP server listens where the guest can reach it; the engine knows where that is'),
  cd_files: different('cdroms[].files', 'files and folders (globs are expanded by import-packer)'),
  cd_content: unsupported('a cdrom is made of files on disk: write the content into a file and list it in cdroms[].files'),
  cd_label: same('cdroms[].label'),
  floppy_files: different('cdroms[].files', 'KubeVirt has no floppy drive: the files go on a labelled cdrom (Windows Setup also finds Autounattend.xml at the root of a CD)'),
  floppy_dirs: different('cdroms[].files', 'KubeVirt has no floppy drive: the folders go on a labelled cdrom'),
  floppy_content: unsupported('a cdrom is made of files on disk: write the content into a file and list it in cdroms[].files'),
  floppy_label: different('cdroms[].label', 'the label of the cdrom that replaces the floppy'),
  output_directory: unsupported(`${ONE_OUTPUT}; ruddervirt build takes --output DIR for where images go`),
  vm_name: same('vmName'),
  qemu_binary: unsupported('the local engine runs qemu-system-x86_64 from PATH; KubeVirt runs its own QEMU'),
  qemuargs: different('qemuArgs', "local engine only (KubeVirt takes no QEMU arguments); appended after RudderVirt's own rather than replacing a default switch"),
  qemu_img_args: unsupported('qemu-img is run by the engine'),
  qmp_enable: unsupported('the engine uses QMP itself where it needs it'),
  qmp_socket_path: unsupported('the engine uses QMP itself where it needs it'),
  shutdown_command: same('shutdownCommand'),
  shutdown_timeout: same('shutdownTimeout'),
  communicator: different('communicator.type', 'ssh or none; winrm is not supported'),
  ssh_host: same('communicator.sshHost'),
  ssh_port: same('communicator.sshPort'),
  ssh_username: same('communicator.sshUsername'),
  ssh_password: same('communicator.sshPassword'),
  ssh_private_key_file: same('communicator.sshPrivateKeyFile'),
  ssh_agent_auth: same('communicator.sshAgentAuth'),
  ssh_timeout: same('communicator.sshTimeout'),
  ssh_wait_timeout: same('communicator.sshTimeout'),
  ssh_handshake_attempts: same('communicator.sshHandshakeAttempts'),
  ssh_pty: same('communicator.sshPty'),
  ssh_keep_alive_interval: same('communicator.sshKeepAliveInterval'),
  ssh_bastion_host: same('communicator.sshBastionHost'),
  ssh_bastion_port: same('communicator.sshBastionPort'),
  ssh_bastion_username: same('communicator.sshBastionUsername'),
  ssh_bastion_password: same('communicator.sshBastionPassword'),
  ssh_bastion_private_key_file: same('communicator.sshBastionPrivateKeyFile'),
  pause_before_connecting: same('communicator.pauseBeforeConnecting'),
  ssh_host_port_min: unsupported(ENGINE_PICKS_PORTS),
  ssh_host_port_max: unsupported(ENGINE_PICKS_PORTS),
  skip_nat_mapping: unsupported(ENGINE_PICKS_PORTS),
  ssh_clear_authorized_keys: unsupported('no temporary key is generated, so there is none to clear'),
  ssh_disable_agent_forwarding: unsupported('agent forwarding is never requested'),
  ssh_file_transfer_method: unsupported('files are copied over SFTP'),
  ssh_proxy_host: unsupported('SOCKS proxies are not supported; use a bastion (sshBastionHost)'),
  ssh_proxy_port: unsupported('SOCKS proxies are not supported; use a bastion (sshBastionHost)'),
  ssh_read_write_timeout: unsupported('not configurable'),
  ssh_remote_tunnels: unsupported('not configurable'),
  ssh_local_tunnels: unsupported('not configurable'),
  temporary_key_pair_type: unsupported('no temporary key is generated: set sshPassword or sshPrivateKeyFile'),
  temporary_key_pair_bits: unsupported('no temporary key is generated: set sshPassword or sshPrivateKeyFile'),
  winrm_username: different('communicator.sshUsername', NO_WINRM),
  winrm_password: different('communicator.sshPassword', NO_WINRM),
  winrm_timeout: different('communicator.sshTimeout', NO_WINRM),
  winrm_host: unsupported(NO_WINRM),
  winrm_port: unsupported(NO_WINRM),
  winrm_use_ssl: unsupported(NO_WINRM),
  winrm_insecure: unsupported(NO_WINRM),
  winrm_use_ntlm: unsupported(NO_WINRM),
  winrm_no_proxy: unsupported(NO_WINRM),
  // kubevirt-iso (a Packer plugin that builds on KubeVirt from an ISO DataVolume): the options that
  // have a RudderVirt meaning; the cluster objects it names are created by RudderVirt itself.
  iso_volume_name: unsupported('RudderVirt imports the ISO itself: give its URL and checksum as source.iso'),
  instance_type: unsupported('set cpu and memory; RudderVirt does not use KubeVirt instance types'),
  preference: unsupported('set machineType, efiFirmware, disks[].bus and nics[].model; RudderVirt does not use KubeVirt preferences'),
  os_type: unsupported('the guest OS is not declared; the boot command, communicator and provisioners say what the build does'),
  namespace: unsupported('the namespace is an engine setting (--namespace / the action input), not part of the build file'),
};

/** Provisioner options (shell, file, windows-restart, windows-update) and the common ones. */
export const PACKER_PROVISIONER_OPTIONS: Readonly<Record<string, PackerOptionFate>> = {
  pause_before: same('pauseBefore'),
  max_retries: same('maxRetries'),
  timeout: different('timeout', 'also applies when pauseBefore is set (Packer ignores it then)'),
  inline: same('inline'),
  script: same('script'),
  scripts: same('scripts'),
  environment_vars: same('environmentVars'),
  env: same('env'),
  execute_command: same('executeCommand'),
  inline_shebang: same('inlineShebang'),
  remote_folder: same('remoteFolder'),
  remote_file: same('remoteFile'),
  remote_path: same('remotePath'),
  valid_exit_codes: same('validExitCodes'),
  expect_disconnect: same('expectDisconnect'),
  start_retry_timeout: same('startRetryTimeout'),
  skip_clean: same('skipClean'),
  binary: same('binary'),
  use_env_var_file: same('useEnvVarFile'),
  source: same('source'),
  sources: same('sources'),
  content: same('content'),
  destination: same('destination'),
  direction: same('direction'),
  generated: same('generated'),
  restart_command: same('restartCommand'),
  restart_check_command: same('restartCheckCommand'),
  restart_timeout: same('restartTimeout'),
  check_registry: same('checkRegistry'),
  search_criteria: same('searchCriteria'),
  filters: same('filters'),
  update_limit: same('updateLimit'),
  env_var_format: unsupported("variables are passed the shell way (KEY='value')"),
  remote_env_var_path: unsupported('the variable file path is chosen by the provisioner'),
  only: different('(the VM the provisioner is listed under)', 'each VM lists its own provisioners'),
  except: different('(the VM the provisioner is listed under)', 'each VM lists its own provisioners'),
  override: unsupported('each VM lists its own provisioners; write the overridden values there'),
};

/** Packer provisioner types that have a RudderVirt provisioner of the same name. */
export const SUPPORTED_PROVISIONER_TYPES = ['shell', 'file', 'windows-restart', 'windows-update'] as const;

/** Why other common provisioner types are not supported. */
export const UNSUPPORTED_PROVISIONERS: Readonly<Record<string, string>> = {
  powershell: 'no PowerShell provisioner: run the script from a shell provisioner with executeCommand "powershell -File {{ .Path }}" over OpenSSH',
  'windows-shell': 'no windows-shell provisioner: use a shell provisioner over OpenSSH with executeCommand "cmd /c {{ .Path }}"',
  'shell-local': 'commands on the build machine belong in the workflow around the build, not in the build file',
  ansible: 'run ansible-playbook from a shell provisioner, or before/after the build in the workflow',
  'ansible-local': 'install Ansible in the guest and run it from a shell provisioner',
  breakpoint: 'use --on-error abort (or ask) to keep a VM for debugging',
};

/** snake_case → camelCase, the way the build file spells Packer's names. */
export function camelCase(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The fate of a Packer option name, looked up in both tables, or undefined when it is not Packer's. */
export function packerOption(name: string): PackerOptionFate | undefined {
  return Object.hasOwn(PACKER_BUILDER_OPTIONS, name) ? PACKER_BUILDER_OPTIONS[name] : Object.hasOwn(PACKER_PROVISIONER_OPTIONS, name) ? PACKER_PROVISIONER_OPTIONS[name] : undefined;
}

/** "Packer's vm_name → name: …" — for the validator's unknown-key message. */
export function explainPackerOption(name: string): string | undefined {
  const fate = packerOption(name);
  if (!fate) return undefined;
  if (fate.kind === 'unsupported') return `Packer's ${name} is not supported: ${fate.why}`;
  if (fate.kind === 'different') return `Packer's ${name} → ${fate.to}: ${fate.note}`;
  return `Packer's ${name} → ${fate.to}`;
}
