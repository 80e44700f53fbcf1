import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  InputError,
  enumInput,
  optionalInput
} from "./chunk-QMTQOFVL.js";
import {
  FAILURE_SCREENSHOT,
  SERIAL_TAIL_FILE,
  textFileFor
} from "./chunk-AIFBTII2.js";

// src/actions/toolkit/failure-report.ts
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
async function readFailure(vm, logDir) {
  const files = await readdir(logDir).catch(() => []);
  const text = files.includes(SERIAL_TAIL_FILE) ? await readFile(path.join(logDir, SERIAL_TAIL_FILE), "utf8") : "";
  const serialTail = text.trim() === "" ? [] : text.replace(/\s+$/, "").split("\n");
  const screen = await readFile(textFileFor(path.join(logDir, FAILURE_SCREENSHOT)), "utf8").catch(() => "");
  const screenText = screen.split("\n").filter((l) => l.trim() !== "");
  return { vm, serialTail, ...screenText.length > 0 ? { screenText } : {}, screenshots: files.filter((f) => f.endsWith(".png")).sort(), where: `log-dir ${logDir}` };
}

// src/actions/toolkit/log-artifact.ts
import { copyFile, mkdir, mkdtemp, readdir as readdir2, readFile as readFile2, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
var UPLOAD_LOGS = ["always", "on-failure", "never"];
var BAD_NAME_CHARS = /["':<>|*?\r\n\\/]+/g;
function artifactName(parts) {
  return parts.filter((p) => !!p).join("-").replace(BAD_NAME_CHARS, "-");
}
function logArtifactInputs(nameParts, env = process.env) {
  const upload = enumInput("upload-logs", UPLOAD_LOGS, "on-failure");
  const given = optionalInput("artifact-name");
  if (given !== void 0 && given.replace(BAD_NAME_CHARS, "") !== given) {
    throw new InputError("artifact-name", `'${given}' contains a character artifact names cannot have (" : < > | * ? \\ / or a line break)`);
  }
  return { upload, name: given ?? artifactName(["ruddervirt-logs", env.GITHUB_JOB, ...nameParts]) };
}
function shouldUploadLogs(upload, status) {
  if (upload === "never") return false;
  if (status === "succeeded") return upload === "always";
  return status === "failed";
}
async function listFiles(dir) {
  const out = [];
  const walk = async (d) => {
    for (const e of await readdir2(d, { withFileTypes: true }).catch(() => [])) {
      const full = path2.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}
async function stageMaskedLogs(dir, staging, masker) {
  const staged = [];
  for (const file of await listFiles(dir)) {
    const target = path2.join(staging, path2.relative(dir, file));
    await mkdir(path2.dirname(target), { recursive: true });
    if (file.endsWith(".png")) await copyFile(file, target);
    else await writeFile(target, masker.mask(await readFile2(file, "utf8")));
    staged.push(target);
  }
  return staged;
}
function runUrl(env, id) {
  const server = env.GITHUB_SERVER_URL || "https://github.com";
  return `${server}/${env.GITHUB_REPOSITORY ?? ""}/actions/runs/${env.GITHUB_RUN_ID ?? ""}/artifacts/${id}`;
}
function isNameConflict(err) {
  return /\b409\b|already exists/i.test(err instanceof Error ? err.message : String(err));
}
async function uploadLogFolder(req) {
  const env = req.env ?? process.env;
  const { logger } = req;
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    logger.info(`logs: no artifact service in this environment (not on a GitHub runner?); they stay in ${req.dir}`);
    return void 0;
  }
  const staging = await mkdtemp(path2.join(req.tempRoot ?? os.tmpdir(), "ruddervirt-logs-"));
  try {
    const files = await stageMaskedLogs(req.dir, staging, req.masker);
    if (files.length === 0) {
      logger.info(`logs: ${req.dir} is empty; nothing to upload`);
      return void 0;
    }
    const { DefaultArtifactClient } = await import("./artifact-3DDHOQ4S.js");
    const client = new DefaultArtifactClient();
    const taken = new Set(
      await client.listArtifacts().then(
        (r) => r.artifacts.map((a) => a.name),
        () => []
      )
    );
    let name = req.name;
    for (let n = 2; taken.has(name); n++) name = `${req.name}-${n}`;
    for (let attempt = 0; ; attempt++) {
      try {
        logger.info(`logs: uploading ${files.length} file(s) from ${req.dir} as artifact ${name}`);
        const r = await client.uploadArtifact(name, files, staging);
        const id = r.id ?? 0;
        return { name, id, url: runUrl(env, id), bytes: r.size ?? 0, files: files.length };
      } catch (err) {
        if (!isNameConflict(err) || attempt >= 3) throw err;
        name = `${req.name}-${Date.now().toString(36)}`;
      }
    }
  } catch (err) {
    logger.warn(`logs: uploading the artifact failed (the files stay in ${req.dir}): ${err instanceof Error ? err.message : String(err)}`);
    return void 0;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
async function uploadLogsIfWanted(settings, status, req) {
  if (!shouldUploadLogs(settings.upload, status)) return void 0;
  return uploadLogFolder({ ...req, name: settings.name });
}
async function startBuildLog(logger, dir, fileName) {
  await mkdir(dir, { recursive: true });
  const file = path2.join(dir, fileName);
  await writeFile(file, "");
  logger.writeAlsoTo(file);
  return file;
}

export {
  readFailure,
  logArtifactInputs,
  uploadLogsIfWanted,
  startBuildLog
};
