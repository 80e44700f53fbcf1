import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  importLocalSource
} from "../shared/chunk-NSEQZYVE.js";
import "../shared/chunk-OETMHBEK.js";
import "../shared/chunk-U4DSBIX5.js";
import "../shared/chunk-YYNENYN4.js";
import {
  loadBuildForAction,
  selectVm
} from "../shared/chunk-SKGW5BUR.js";
import "../shared/chunk-NMFND3ZH.js";
import "../shared/chunk-C633G5FH.js";
import "../shared/chunk-4A36UFLR.js";
import {
  booleanInput,
  enumInput,
  optionalInput,
  setOutputs,
  sourcesTable,
  writeSummary
} from "../shared/chunk-FHTTBMAA.js";
import "../shared/chunk-WVXTUGLW.js";
import "../shared/chunk-2GA4PUSK.js";
import {
  readHandoff,
  updateHandoff
} from "../shared/chunk-SYTAHMP2.js";
import "../shared/chunk-BD4KSRWD.js";
import {
  runAction
} from "../shared/chunk-KJDCWLVU.js";
import {
  UserError
} from "../shared/chunk-NRT5H4XG.js";

// src/actions/import-source/main.ts
await runAction(async (ctx) => {
  const handoff = await readHandoff();
  const engine = enumInput("engine", ["local", "kubevirt"], handoff?.engine ?? "local");
  if (engine !== "local") throw new UserError("import-source: the kubevirt engine's stage actions are not available in this version; use engine: local or the whole-build action");
  const loaded = loadBuildForAction(ctx, handoff);
  const selected = selectVm(loaded.build, optionalInput("vm"));
  ctx.logger.info(`==> import source for ${selected.key}`);
  const imported = await importLocalSource({
    build: loaded.build,
    selected,
    ...handoff ? { handoff } : {},
    logger: ctx.logger,
    signal: ctx.signal,
    env: ctx.env,
    actionsCache: booleanInput("cache", true)
  });
  ctx.logger.closeGroup();
  await updateHandoff("local", (h) => {
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
