import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  imageName,
  publishDisk,
  publishInputs
} from "./chunk-3OQRXQ4X.js";
import {
  imagesTable,
  setOutputs,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  optionalInput,
  readHandoff,
  runAction,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import "./chunk-U4TFD2UW.js";
import {
  leanV8FromNowOn
} from "./chunk-QQETPMBK.js";
import "./chunk-YCUA3BH2.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/actions/publish-containerdisk/main.ts
import path from "node:path";
var run = () => runAction(async (ctx) => {
  leanV8FromNowOn();
  const inputs = publishInputs(ctx);
  if (!inputs) throw new UserError(`input 'image': missing; name the repository to push to (e.g. ghcr.io/acme/debian-web)`);
  const handoff = await readHandoff();
  const diskInput = optionalInput("disk");
  let disk;
  let key = optionalInput("vm");
  if (diskInput) {
    disk = path.resolve(ctx.workspace, diskInput);
  } else {
    const snapshots = Object.entries(handoff?.snapshots ?? {});
    const chosen = key ? snapshots.find(([k]) => k === key || k.endsWith(`/${key}`)) : snapshots.length === 1 ? snapshots[0] : void 0;
    if (!chosen) {
      throw new UserError(
        snapshots.length === 0 ? `input 'disk': missing, and no snapshot ran earlier in this job` : `several snapshots in this job (${snapshots.map(([k]) => k).join(", ")}): say which with 'vm' or give 'disk'`
      );
    }
    [key, { path: disk }] = chosen;
  }
  ctx.logger.startGroup(`publish ${disk}`);
  const result = await publishDisk(ctx, disk, inputs, key);
  ctx.logger.closeGroup();
  const name = imageName(result.refs[0] ?? inputs.refs[0]);
  if (handoff && key) {
    await updateHandoff(handoff.engine, (h) => {
      h.publications[key] = { image: name, digest: result.digest, refs: result.refs };
    });
  }
  setOutputs({ image: name, digest: result.digest, "image-ref": `${name}@${result.digest}`, refs: result.refs.join("\n"), "uploaded-bytes": result.uploadedBytes }, ctx.masker);
  await writeSummary(`### RudderVirt: containerDisk published

${imagesTable([{ image: name, digest: result.digest, refs: result.refs }])}`, ctx.masker);
});
export {
  run
};
