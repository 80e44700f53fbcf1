import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  package_default
} from "./chunk-RTG4RYVJ.js";
import {
  escapeControls
} from "./chunk-KOBFVAF3.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/cli/main.ts
import os from "node:os";

// src/cli/commands.ts
var commands = [
  {
    name: "build",
    summary: "Build the images a build file describes (QEMU here, or KubeVirt)",
    load: async () => (await import("./build-RIJVGLZ2.js")).buildCommand
  },
  {
    name: "validate",
    summary: "Check build files and show every problem with its line and column",
    load: async () => (await import("./validate-7YK32NXF.js")).validateCommand
  },
  {
    name: "verify",
    summary: "Boot a build's images as new VMs and run their verify checks over SSH",
    load: async () => (await import("./verify-UXHNYRDM.js")).verifyCommand
  },
  {
    name: "boot-command",
    summary: "Show the key events a boot command types (Packer grammar)",
    load: async () => (await import("./boot-command-ECXQI4X2.js")).bootCommandCommand
  },
  {
    name: "screen-text",
    summary: "Show the text OCR reads on a screenshot (for <wait 'TEXT'>)",
    load: async () => (await import("./screen-text-HU6CB5NV.js")).screenTextCommand
  },
  {
    name: "render",
    summary: "Print the Kubernetes manifests a build creates on KubeVirt (no cluster needed)",
    load: async () => (await import("./render-ZT6HWHRU.js")).renderCommand
  },
  {
    name: "import-packer",
    summary: "Turn a Packer template (JSON or HCL2, qemu builder) into a build file",
    load: async () => (await import("./import-packer-UB2R2K5M.js")).importPackerCommand
  },
  {
    name: "publish",
    summary: "Push a disk to a registry as a KubeVirt containerDisk",
    load: async () => (await import("./publish-IFPBAPWP.js")).publishCommand
  },
  {
    name: "prune",
    summary: "Remove the layer outputs kubevirt builds keep in the cluster, or the cached containerDisks",
    load: async () => (await import("./prune-RYT4QI47.js")).pruneCommand
  },
  {
    name: "cleanup",
    summary: "Stop and remove the VMs a build left for debugging (--on-error abort)",
    load: async () => (await import("./cleanup-7EJZXCFQ.js")).cleanupCommand
  },
  {
    name: "schema",
    summary: "Print the build file's JSON Schema",
    load: async () => (await import("./schema-KO35MXPH.js")).schemaCommand
  }
];

// src/cli/run.ts
var VERSION = package_default.version;
function printable(message) {
  return message.split("\n").map(escapeControls).join("\n");
}
function overview(commands2) {
  const width = Math.max(...commands2.map((c) => c.name.length));
  return [
    "Usage: ruddervirt <command> [options]",
    "",
    "Build virtual-machine images the way Packer does, on KubeVirt or locally with QEMU.",
    "",
    "Commands:",
    ...commands2.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'ruddervirt <command> --help' for a command's options.",
    ""
  ].join("\n");
}
function loaded(command) {
  return "load" in command ? command.load() : Promise.resolve(command);
}
async function runCli(argv, commands2, io) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    const wanted = name === "help" ? commands2.find((c) => c.name === rest[0]) : void 0;
    const target = wanted && await loaded(wanted);
    io.stdout.write(target ? target.usage.trimEnd() + "\n" : overview(commands2));
    return name === void 0 ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`ruddervirt ${VERSION}
`);
    return 0;
  }
  const entry = commands2.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`ruddervirt: unknown command '${escapeControls(name)}'. Run 'ruddervirt --help' for the list.
`);
    return 2;
  }
  const command = await loaded(entry);
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}
Run 'ruddervirt ${command.name} --help' for usage.
`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}
`);
      return err.exitCode;
    }
    if (io.signal.aborted) {
      io.stderr.write(`ruddervirt ${command.name}: cancelled
`);
      return 130;
    }
    io.stderr.write(`ruddervirt ${command.name}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
    return 1;
  }
}

// src/cli/main.ts
async function main() {
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism()));
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`
ruddervirt: ${sig} received, stopping and cleaning up (send again to force exit)
`);
      controller.abort(new Error(`cancelled by ${sig}`));
    } else {
      process.stderr.write(`ruddervirt: second ${sig}, exiting without waiting for cleanup
`);
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runCli(process.argv.slice(2), commands, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal
  });
  process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
}
export {
  main
};
