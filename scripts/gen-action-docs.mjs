#!/usr/bin/env node
// Generates the input/output tables of every action's README (actions/<name>/README.md) and of
// docs/actions.md from the action.yml files, between <!-- generated:… --> markers; text outside the
// markers is kept. `--check` writes nothing and exits 1 naming the stale files (a test runs it).
// Usage: node scripts/gen-action-docs.mjs [--check]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const REPO = 'ruddervirt/ruddervirt';
const VERSION = 'v1';

/** The suite in chain order; the root action.yml is the whole build. */
export function actions() {
  const order = ['setup-cluster', 'import-source', 'build-vm', 'provision', 'snapshot', 'verify', 'publish-containerdisk'];
  const dirs = readdirSync(path.join(root, 'actions')).filter((d) => existsSync(path.join(root, 'actions', d, 'action.yml')));
  const sorted = [...order.filter((d) => dirs.includes(d)), ...dirs.filter((d) => !order.includes(d)).sort()];
  return [
    { name: 'build', dir: '', uses: `${REPO}@${VERSION}`, file: path.join(root, 'action.yml') },
    ...sorted.map((d) => ({ name: d, dir: path.join('actions', d), uses: `${REPO}/actions/${d}@${VERSION}`, file: path.join(root, 'actions', d, 'action.yml') })),
  ].map((a) => ({ ...a, meta: parse(readFileSync(a.file, 'utf8')) }));
}

const cell = (s) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();

export function inputsTable(meta) {
  const rows = Object.entries(meta.inputs ?? {}).map(([name, i]) => {
    const def = i.default === undefined || i.default === '' ? (i.required ? '_required_' : '_empty_') : `\`${cell(i.default)}\``;
    return `| \`${name}\` | ${cell(i.description)} | ${def} |`;
  });
  return ['| Input | Description | Default |', '|---|---|---|', ...rows].join('\n');
}

export function outputsTable(meta) {
  const rows = Object.entries(meta.outputs ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`);
  return ['| Output | Description |', '|---|---|', ...rows].join('\n');
}

function usage(a) {
  const required = Object.entries(a.meta.inputs ?? {}).filter(([, i]) => i.required);
  const lines = [`- uses: ${a.uses}`];
  if (required.length > 0) lines.push('  with:', ...required.map(([n]) => `    ${n}: ${n === 'build-file' ? 'images/debian.yaml' : n === 'image' ? 'ghcr.io/acme/debian' : '…'}`));
  return ['```yaml', ...lines, '```'].join('\n');
}

function post(a) {
  return a.meta.runs?.post ? 'It has a post step (runs also after failure and cancellation) that cleans up.' : '';
}

/** Replaces the text between <!-- generated:NAME --> and <!-- /generated:NAME --> (or appends it). */
export function withSection(text, name, body) {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const block = `${start}\n${body}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) return text.slice(0, i) + block + text.slice(j + end.length);
  return `${text.replace(/\n*$/, '\n\n')}${block}\n`;
}

function actionReadme(a, current) {
  const base = current ?? `# ${a.meta.name}\n\n${cell(a.meta.description)}\n`;
  const body = `## Usage\n\n${usage(a)}\n\n${post(a)}\n\n## Inputs\n\n${inputsTable(a.meta)}\n\n## Outputs\n\n${outputsTable(a.meta)}`.replace(/\n{3,}/g, '\n\n');
  return withSection(base, 'reference', body);
}

/** The suite's table; `base` is the path from the page that shows it to the repository root. */
export function suiteTable(all, base = '') {
  const rows = all.map((a) => {
    const link = a.dir ? `[\`${a.name}\`](${base}${a.dir}/README.md)` : `[\`build\` (root action)](${base}docs/actions.md#build)`;
    return `| ${link} | \`uses: ${a.uses}\` | ${cell(a.meta.description).split('. ')[0].replace(/\.$/, '')}. |`;
  });
  return ['| Action | Uses | What it does |', '|---|---|---|', ...rows].join('\n');
}

export const MINIMAL_WORKFLOW = `\`\`\`yaml
on: pull_request
permissions:
  contents: read
jobs:
  image:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: ${REPO}/actions/setup-cluster@${VERSION}
      - uses: ${REPO}@${VERSION}
        with:
          build-file: images/debian.yaml
\`\`\``;

function docsPage(all, current) {
  const base = current ?? '# The RudderVirt actions\n';
  let text = withSection(base, 'suite', `${suiteTable(all, '../')}\n\nA minimal workflow:\n\n${MINIMAL_WORKFLOW}`);
  const build = all[0];
  text = withSection(
    text,
    'build',
    `## build\n\n${cell(build.meta.description)}\n\n${usage(build)}\n\n${post(build)}\n\n### Inputs\n\n${inputsTable(build.meta)}\n\n### Outputs\n\n${outputsTable(build.meta)}`.replace(/\n{3,}/g, '\n\n'),
  );
  return text;
}

/** Every generated file and the content it should have. */
export function expectedFiles() {
  const all = actions();
  const files = [];
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
  for (const a of all.slice(1)) {
    const f = path.join(root, a.dir, 'README.md');
    files.push([f, actionReadme(a, read(f))]);
  }
  const docs = path.join(root, 'docs', 'actions.md');
  files.push([docs, docsPage(all, read(docs))]);
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--readme-table')) {
  // For the top README (not generated here): the suite table with links from the repository root.
  console.log(`${suiteTable(actions())}\n\n${MINIMAL_WORKFLOW}`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [file, content] of expectedFiles()) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === content) continue;
    stale.push(path.relative(root, file));
    if (!check) writeFileSync(file, content);
  }
  if (check && stale.length > 0) {
    console.error(`stale action docs (run node scripts/gen-action-docs.mjs): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(check ? 'action docs are current' : stale.length ? `wrote ${stale.join(', ')}` : 'action docs are current');
}
