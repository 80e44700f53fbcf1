import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  importLocalSource
} from "./chunk-ABYLXCAI.js";
import {
  selectVm
} from "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction
} from "./chunk-USVA4TUM.js";
import {
  setOutputs,
  sourcesTable,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  jobEngine,
  jobRun
} from "./chunk-CNXIYP7B.js";
import {
  booleanInput,
  enumInput,
  optionalInput,
  readHandoff,
  runAction,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import "./chunk-U4TFD2UW.js";
import "./chunk-7JDLV63C.js";
import {
  resolveSourceChecksums
} from "./chunk-IS5JQAUT.js";
import {
  sha256OfFile
} from "./chunk-K5YCSMLN.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-UF5DILBV.js";
import "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-UWXRMICO.js";
import "./chunk-FUWAUBDQ.js";
import "./chunk-Q2MXJOS2.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import {
  checksumText,
  knownChecksum
} from "./chunk-IGBDJUBW.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/actions/toolkit/kubevirt-import-source.ts
import { stat } from "node:fs/promises";
import path from "node:path";
async function describeSource(build, selected, handoff, signal) {
  const source = selected.vm.source;
  switch (source.kind) {
    case "url":
    case "iso":
      return { digest: checksumText(knownChecksum(source.checksum, source.url)) };
    case "path": {
      const file = path.resolve(build.dir, source.path);
      const info = await stat(file).catch(() => void 0);
      if (!info?.isFile()) throw new UserError(`vm ${selected.key}: source.path '${source.path}' does not exist (looked for ${file})`);
      return { digest: `sha256:${await sha256OfFile(file, signal)}`, bytes: info.size };
    }
    case "from": {
      const parent = `${source.layer}/${source.vm}`;
      const snap = handoff?.snapshots[parent];
      if (!snap) throw new UserError(`vm ${selected.key} starts from ${parent}, which has no snapshot in this job yet: run snapshot for ${parent} first`);
      return { digest: `sha256:${snap.sha256}`, bytes: snap.bytes, parentDisk: snap.path };
    }
    case "containerDisk": {
      const pinned = /@(sha256:[0-9a-f]{64})$/.exec(source.image);
      return { digest: pinned?.[1] ?? "" };
    }
  }
}
async function importKubevirtSource(ctx, build, selected, handoff) {
  await resolveSourceChecksums(build, { logger: ctx.logger, signal: ctx.signal, env: ctx.env });
  const known = await describeSource(build, selected, handoff, ctx.signal);
  const run2 = await jobRun(ctx, handoff);
  const engine = await jobEngine(ctx, run2);
  try {
    if (!engine.importSource) throw new Error("internal: the kubevirt engine imports sources itself");
    const volume = await engine.importSource({
      build,
      vm: selected.vm,
      logger: ctx.logger,
      signal: ctx.signal,
      ...known.parentDisk ? { parentDisk: known.parentDisk } : {}
    });
    ctx.logger.info(`source: DataVolume ${volume.reference} is ready (${volume.how === "upload" ? "uploaded from this runner" : "imported by CDI"}); build-vm boots from it`);
    return {
      reference: volume.reference,
      digest: known.digest,
      ...known.bytes !== void 0 ? { bytes: known.bytes } : {},
      origin: volume.how === "upload" ? "cdi-upload" : "cdi-import"
    };
  } catch (err) {
    await engine.close();
    throw err;
  }
}

// src/actions/import-source/main.ts
var run = () => runAction(async (ctx) => {
  const handoff = await readHandoff();
  const engine = enumInput("engine", ["local", "kubevirt"], handoff?.engine ?? "local");
  const loaded = loadBuildForAction(ctx, handoff);
  const selected = selectVm(loaded.build, optionalInput("vm"));
  ctx.logger.startGroup(`import source for ${selected.key}`);
  const imported = engine === "kubevirt" ? await importKubevirtSource(ctx, loaded.build, selected, handoff) : await importLocalSource({
    build: loaded.build,
    selected,
    ...handoff ? { handoff } : {},
    logger: ctx.logger,
    signal: ctx.signal,
    env: ctx.env,
    actionsCache: booleanInput("cache", true)
  });
  ctx.logger.closeGroup();
  await updateHandoff(engine, (h) => {
    h.build = loaded.handoff;
    h.sources[selected.key] = imported;
  });
  setOutputs(
    {
      "source-reference": imported.reference,
      digest: imported.digest,
      "cache-hit": imported.origin === "actions-cache" || imported.origin === "local-cache",
      vm: selected.key
    },
    ctx.masker
  );
  await writeSummary(
    `### RudderVirt: source for ${selected.key}

` + sourcesTable([{ vm: selected.key, reference: imported.reference, digest: imported.digest, ...imported.bytes !== void 0 ? { bytes: imported.bytes } : {}, origin: imported.origin }]),
    ctx.masker
  );
});
export {
  run
};
