import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  importLocalSource
} from "../shared/chunk-LRCJ5YG7.js";
import "../shared/chunk-BZYUJOKX.js";
import "../shared/chunk-U4DSBIX5.js";
import "../shared/chunk-7DLQYBTU.js";
import {
  loadBuildForAction,
  selectVm
} from "../shared/chunk-NQUPGQ64.js";
import "../shared/chunk-3RMJ3RQ4.js";
import "../shared/chunk-XO4KZTKR.js";
import "../shared/chunk-4A36UFLR.js";
import {
  booleanInput,
  enumInput,
  optionalInput,
  setOutputs,
  sourcesTable,
  writeSummary
} from "../shared/chunk-C4CG7AYM.js";
import "../shared/chunk-WVXTUGLW.js";
import "../shared/chunk-2GA4PUSK.js";
import {
  readHandoff,
  updateHandoff
} from "../shared/chunk-K3ZRR4I2.js";
import "../shared/chunk-BD4KSRWD.js";
import {
  runAction
} from "../shared/chunk-G6D4PSU4.js";
import {
  UserError
} from "../shared/chunk-DYVWKAGB.js";

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
