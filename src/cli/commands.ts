/**
 * Every `ruddervirt` subcommand, in the order `--help` lists them. Each is loaded when it runs: a
 * build loads QEMU, SSH and OCR code, a publish only the registry client, `--version` nothing, so
 * every command starts and holds only what it uses. The names and summaries here are checked
 * against the modules' own by test/unit/config/cli-commands.test.ts.
 */
import type { LazyCommand } from './command.js';

export const commands: readonly LazyCommand[] = [
  {
    name: 'build',
    summary: 'Build the images a build file describes (QEMU here, or KubeVirt)',
    load: async () => (await import('./commands/build.js')).buildCommand,
  },
  {
    name: 'validate',
    summary: 'Check build files and show every problem with its line and column',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'verify',
    summary: "Boot a build's images as new VMs and run their verify checks over SSH",
    load: async () => (await import('./commands/verify.js')).verifyCommand,
  },
  {
    name: 'boot-command',
    summary: 'Show the key events a boot command types (Packer grammar)',
    load: async () => (await import('./commands/boot-command.js')).bootCommandCommand,
  },
  {
    name: 'screen-text',
    summary: "Show the text OCR reads on a screenshot (for <wait 'TEXT'>)",
    load: async () => (await import('./commands/screen-text.js')).screenTextCommand,
  },
  {
    name: 'render',
    summary: 'Print the Kubernetes manifests a build creates on KubeVirt (no cluster needed)',
    load: async () => (await import('./commands/render.js')).renderCommand,
  },
  {
    name: 'import-packer',
    summary: 'Turn a Packer template (JSON or HCL2, qemu builder) into a build file',
    load: async () => (await import('./commands/import-packer.js')).importPackerCommand,
  },
  {
    name: 'publish',
    summary: 'Push a disk to a registry as a KubeVirt containerDisk',
    load: async () => (await import('./commands/publish.js')).publishCommand,
  },
  {
    name: 'prune',
    summary: 'Remove the layer outputs kubevirt builds keep in the cluster, or the cached containerDisks',
    load: async () => (await import('./commands/prune.js')).pruneCommand,
  },
  {
    name: 'cleanup',
    summary: 'Stop and remove the VMs a build left for debugging (--on-error abort)',
    load: async () => (await import('./commands/cleanup.js')).cleanupCommand,
  },
  {
    name: 'schema',
    summary: "Print the build file's JSON Schema",
    load: async () => (await import('./commands/schema.js')).schemaCommand,
  },
];
