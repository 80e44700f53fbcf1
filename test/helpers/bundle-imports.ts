/**
 * What a bundle in dist/ loads before its code runs: the files it imports statically, transitively.
 * Static means `import … from "./x.js"` and a bare `import "./x.js"`; `import("./x.js")` loads only
 * when that line runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const STATIC_IMPORT = /^import\s+(?:[^'"()]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["'];?$/gm;

/** `roots` and every file they import statically, as absolute paths. */
export function staticImportClosure(...roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  for (const root of roots) visit(root);
  return seen;
}

/** The files `file` imports dynamically (`import("./x.js")`), as absolute paths. */
export function dynamicImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\bimport\(["'](\.{1,2}\/[^"']+)["']\)/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
}
