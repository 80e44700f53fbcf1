import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  writeSha256File
} from "./chunk-U4DSBIX5.js";
import {
  formatGoDuration
} from "./chunk-Q75WJYVF.js";

// src/core/pipeline/steps/export-output.ts
import { stat } from "node:fs/promises";
import path from "node:path";
function outputImagePath(outputDir, layer, vm) {
  return path.join(outputDir, `${layer.name}-${vm.name}.${vm.output.format === "raw" ? "img" : "qcow2"}`);
}
async function exportOutput({ layer, vm, handle, phases, outputDir, logger, timeoutMs = 0 }) {
  const image = outputImagePath(outputDir, layer, vm);
  await phases.run("export disk", (s) => handle.exportDisk({ destination: image, format: vm.output.format, compress: vm.output.compress, compressionType: vm.output.compressionType, logger, signal: s }), { timeoutMs });
  const { sha256, checksumFile } = await phases.run("checksum", (s) => writeSha256File(image, s));
  const { size } = await stat(image);
  logger.info(`output: ${image} (${vm.output.format}${vm.output.compress ? ", compressed" : ""}, sha256 ${sha256})`);
  return { layer: layer.name, vm: vm.name, image, format: vm.output.format, compressed: vm.output.compress, bytes: size, sha256, checksumFile };
}

// src/core/pipeline/steps/shutdown.ts
async function shutdownVm({ vm, handle, comm, logger, signal }) {
  if (vm.shutdownCommand && comm) {
    logger.info(`shutdown: running shutdownCommand`);
    void comm.exec(vm.shutdownCommand, { signal, onStdout: (c) => logger.info(c.toString().trimEnd()), onStderr: (c) => logger.info(c.toString().trimEnd()) }).then((r) => {
      if (r.exitCode !== void 0 && r.exitCode !== 0) logger.warn(`shutdownCommand exited with status ${r.exitCode}`);
    }).catch(() => void 0);
  } else if (vm.communicator.type === "none") {
    logger.info(`shutdown: waiting up to ${formatGoDuration(vm.shutdownTimeout)} for the guest to power off`);
  } else {
    logger.info("shutdown: pressing the ACPI power button");
    await handle.powerOff();
  }
  if (await handle.waitForShutdown(vm.shutdownTimeout, signal)) {
    logger.info("shutdown: the VM stopped");
    return;
  }
  logger.warn(`shutdown: the VM did not stop within shutdownTimeout (${formatGoDuration(vm.shutdownTimeout)}); forcing it off \u2014 the image may hold an unclean filesystem`);
  await handle.stop();
}

export {
  outputImagePath,
  exportOutput,
  shutdownVm
};
