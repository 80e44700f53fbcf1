import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runActionEntry
} from "../shared/chunk-4DF7A6QY.js";
import "../shared/chunk-3O62BQZ7.js";
import "../shared/chunk-U4LSYZ75.js";

// src/actions/provision/main-entry.ts
await runActionEntry(() => import("../shared/main-TT2ZXJJ3.js"));
