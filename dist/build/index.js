import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runActionEntry
} from "../shared/chunk-HIM6S2BM.js";
import "../shared/chunk-3O62BQZ7.js";
import "../shared/chunk-U4LSYZ75.js";

// src/actions/build/main-entry.ts
await runActionEntry(() => import("../shared/main-4U4H4D5P.js"));
