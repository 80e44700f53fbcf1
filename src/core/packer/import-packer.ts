/**
 * importPacker: a Packer template → build-file YAML with a comment wherever an option did not
 * carry over, the matching warnings, and the problems the project's own loader finds in the result.
 */
import path from 'node:path';
import { Document, isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { loadBuildText } from '../config/load.js';
import type { Build } from '../config/model.js';
import { BuildFileError, type BuildProblem } from '../config/problems.js';
import { readPackerTemplate, type ReadOptions } from './read-template.js';
import { toBuild, type ImportNote } from './to-build.js';

export interface ImportResult {
  yaml: string;
  /** "source.qemu.x.qemuargs: not supported: …", one per option that did not carry over. */
  warnings: string[];
  notes: ImportNote[];
  /** The loaded result (when it validates). */
  build?: Build;
  /** What the loader found wrong with the result (then exit 1). */
  problems: BuildProblem[];
}

export interface ImportOptions extends ReadOptions {
  env?: Readonly<Record<string, string | undefined>>;
}

/** Throws PackerTemplateError when the template itself is broken. */
export async function importPacker(template: string, options: ImportOptions = {}): Promise<ImportResult> {
  const read = await readPackerTemplate(template, options);
  const { build, notes } = toBuild(read);
  const yaml = renderYaml(build, notes, template);
  const warnings = notes.filter((n) => n.warn).map(warningOf);
  // Validated as if saved beside the template, where its relative paths point.
  const asFile = path.join(read.dir, 'build.yaml');
  try {
    const loaded = loadBuildText(yaml, asFile, { env: options.env ?? process.env, cwd: options.cwd });
    return { yaml, warnings, notes, build: loaded, problems: [] };
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    return { yaml, warnings, notes, problems: err.problems.map((p) => ({ ...p, file: '<stdout>' })) };
  }
}

/** "source.qemu.x: qemuargs = …: not supported: …" — the comment, prefixed with where the option was. */
function warningOf(n: ImportNote): string {
  const body = n.comment.replace(/^packer: /, '');
  const dot = n.option.lastIndexOf('.');
  const key = n.option.slice(dot + 1);
  return dot > 0 && body.startsWith(key) ? `${n.option.slice(0, dot)}: ${body}` : body;
}

export function renderYaml(build: Record<string, unknown>, notes: readonly ImportNote[], template: string): string {
  const doc = new Document(build);
  doc.commentBefore = ` Imported from ${path.basename(template)} by ruddervirt import-packer. Lines starting "packer:" are\n options that did not carry over (also printed as warnings); review them before the first build.`;
  for (const n of notes) {
    const target = n.path.length === 0 ? doc.contents : (doc.getIn(n.path, true) as Node | undefined);
    attach(target ?? (doc.contents as Node), n);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

function attach(target: Node, n: ImportNote): void {
  const line = ` ${n.comment}`;
  if (isMap(target)) {
    const pair = n.before === undefined ? undefined : (target as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === n.before);
    if (pair && isScalar(pair.key)) {
      pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n${line}` : line;
      return;
    }
  }
  if (isSeq(target) && typeof n.before === 'number') {
    const item = (target as YAMLSeq).items[n.before] as Node | undefined;
    if (item && (isMap(item) || isScalar(item) || isSeq(item))) {
      item.commentBefore = item.commentBefore ? `${item.commentBefore}\n${line}` : line;
      return;
    }
  }
  if (isMap(target) || isSeq(target) || isScalar(target)) target.comment = target.comment ? `${target.comment}\n${line}` : line;
}
