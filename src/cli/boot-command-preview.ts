/**
 * `ruddervirt boot-command --build-file F [--vm NAME]`: the keys a build of F will type into each
 * VM, from the build file as the build loads it (variables, --var-file, --var, {{ env }}), with the
 * template fields a build fills in at typing time (core/pipeline/steps/boot-command.ts) set to the
 * values known before anything runs. What only a running build knows is a marked placeholder:
 * the local engine's HTTP port (a free port, chosen when the server starts) and, on KubeVirt, the
 * file-server pod's IP unless the VM's first NIC is on a declared subnet (then the IP is fixed).
 * Secret values are masked, here as in every log.
 */
import { parseDocument, LineCounter, isMap, isScalar } from 'yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeKeyEvent, describeTextWait } from '../core/bootcommand/describe.js';
import { formatPackerAst } from '../core/bootcommand/actions.js';
import { formatGoDurationNanos } from '../core/bootcommand/go-duration-nanos.js';
import { resolveKeyInterval } from '../core/bootcommand/key-interval.js';
import { fieldText, previewBootCommand, type BootCommandPreview, type PreviewEntry, type PreviewField } from '../core/bootcommand/preview.js';
import { didYouMean } from '../core/config/did-you-mean.js';
import { loadBuild } from '../core/config/load.js';
import type { Build, Layer, Vm } from '../core/config/model.js';
import { BuildFileError } from '../core/config/problems.js';
import { SecretMasker } from '../core/log.js';
import { UserError } from '../core/errors.js';
import { planLayerNetwork } from '../core/network/address-plan.js';
import { httpGuestIpFor } from '../engines/local/network/local-networks.js';
import { helperAddresses } from '../engines/kubevirt/manifests/subnet-addresses.js';
import { DEFAULT_FILE_SERVER_PORT } from '../engines/kubevirt/manifests/render-options.js';
import type { CliIo } from './command.js';

export type PreviewEngine = 'local' | 'kubevirt';
export type PreviewFormat = 'listing' | 'json' | 'ast';

export interface BuildFilePreviewRequest {
  file: string;
  vm?: string;
  vars: Record<string, string>;
  varFiles: string[];
  engine: PreviewEngine;
  format: PreviewFormat;
}

/** A field's value with a line saying where it comes from, for the listing's header. */
interface FieldValue {
  value: PreviewField;
  note: string;
}

/** The values a build on `engine` fills in for {{ .HTTPIP }}, {{ .HTTPPort }} and {{ .Name }}. */
export function previewFields(build: Build, layer: Layer, vm: Vm, engine: PreviewEngine): Record<string, FieldValue> {
  const name: FieldValue = { value: vm.vmName ?? vm.name, note: vm.vmName !== undefined ? 'the vmName' : "the VM's name" };
  if (!vm.httpDirectory && !vm.httpContent) {
    // As the build does (bootCommandFields): no server, so an empty address and port 0.
    const none = 'the VM has no httpDirectory or httpContent, so the build serves nothing and types this';
    return { HTTPIP: { value: '', note: `'' (${none})` }, HTTPPort: { value: 0, note: `0 (${none})` }, Name: name };
  }
  if (engine === 'local') {
    const plan = planLayerNetwork(build, layer).vms.find((v) => v.vm === vm.name);
    const ip = plan ? httpGuestIpFor(plan) : undefined;
    return {
      HTTPIP: ip ? { value: ip, note: plan!.internet ? 'QEMU user networking: the host as the guest sees it' : "the relay to the build's HTTP server on a NIC without internet" } : unknownIp('local'),
      HTTPPort: { value: { placeholder: 'a free port, chosen when the build starts its HTTP server' }, note: 'unknown until the build runs' },
      Name: name,
    };
  }
  const fixed = helperAddresses(build, layer, vm)?.fileServer;
  return {
    HTTPIP: fixed ? { value: fixed, note: `the file-server pod's fixed address on subnet '${vm.nics[0]?.subnet ?? ''}'` } : unknownIp('kubevirt'),
    HTTPPort: { value: DEFAULT_FILE_SERVER_PORT, note: "the file-server pod's port" },
    Name: name,
  };
}

function unknownIp(engine: PreviewEngine): FieldValue {
  const why = engine === 'kubevirt' ? "the file-server pod's IP, known once the pod runs" : "the HTTP server's address, known when the VM starts";
  return { value: { placeholder: why }, note: 'unknown until the build runs' };
}

/** Where the top-level `layers` key is, for an error about the VM list. */
function layersPosition(file: string, cwd: string): { line: number; column: number } {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(path.resolve(cwd, file), 'utf8'), { lineCounter });
    if (isMap(doc.contents)) {
      const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'layers');
      const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (offset !== undefined) {
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
      }
    }
  } catch {
    // The file loaded a moment ago; whatever fails now, the first line is still a place.
  }
  return { line: 1, column: 1 };
}

/** The VMs `--vm` names: "layer/vm", or "vm" when one layer has it; all VMs with a bootCommand without --vm. */
function chooseVms(build: Build, request: BuildFilePreviewRequest, cwd: string): { layer: Layer; vm: Vm }[] {
  const all = build.layers.flatMap((layer) => layer.vms.map((vm) => ({ layer, vm })));
  if (request.vm === undefined) return all.filter(({ vm }) => vm.bootCommand.length > 0);
  const wanted = request.vm;
  const found = all.filter(({ layer, vm }) => (wanted.includes('/') ? `${layer.name}/${vm.name}` === wanted : vm.name === wanted));
  const keys = all.map(({ layer, vm }) => `${layer.name}/${vm.name}`);
  const at = layersPosition(request.file, cwd);
  if (found.length === 0) {
    const names = wanted.includes('/') ? keys : all.map(({ vm }) => vm.name);
    throw new BuildFileError([{ file: request.file, ...at, path: 'layers', message: `no VM '${wanted}' (--vm); expected one of: ${keys.join(', ')}${didYouMean(wanted, names)}` }]);
  }
  if (found.length > 1) {
    throw new BuildFileError([
      { file: request.file, ...at, path: 'layers', message: `'${wanted}' (--vm) names a VM in several layers; expected LAYER/VM, one of: ${found.map(({ layer, vm }) => `${layer.name}/${vm.name}`).join(', ')}` },
    ]);
  }
  return found;
}

function describeEntry(entry: PreviewEntry): string {
  switch (entry.kind) {
    case 'event':
      return describeKeyEvent(entry.event);
    case 'placeholder':
      return `type    ${fieldText(entry.field).padEnd(14)} placeholder: ${entry.why}`;
    case 'masked':
      return 'type    ***            a secret value, masked';
  }
}

function jsonEntry(entry: PreviewEntry): string {
  switch (entry.kind) {
    case 'event': {
      const e = entry.event;
      if ('waitText' in e) return JSON.stringify({ waitText: { source: e.waitText.source, pattern: e.waitText.pattern } });
      return 'wait' in e ? JSON.stringify({ wait: e.wait }) : JSON.stringify({ key: e.key, down: e.down });
    }
    case 'placeholder':
      return JSON.stringify({ placeholder: entry.field });
    case 'masked':
      return JSON.stringify({ masked: true });
  }
}

/** The AST notation, one line per token: a token's events share it, so print each token once. */
function astLines(preview: BootCommandPreview): string[] {
  const out: string[] = [];
  for (const element of preview.elements) {
    let last: unknown;
    for (const entry of element.entries) {
      if (entry.kind === 'event') {
        if (entry.token === last) continue;
        last = entry.token;
        out.push(entry.token.kind === 'waitText' && 'waitText' in entry.event ? `WaitText<${entry.token.source} ${JSON.stringify(entry.event.waitText.pattern)}>` : formatPackerAst(entry.token));
      } else out.push(entry.kind === 'placeholder' ? `Placeholder(${entry.field})` : 'Masked(***)');
    }
  }
  return out;
}

function summary(preview: BootCommandPreview, intervalMs: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const totalNs = BigInt(Math.round((preview.waitMs + preview.keyEvents * intervalMs) * 1e6));
  const unknown = [
    preview.placeholders > 0 ? plural(preview.placeholders, 'placeholder') : '',
    preview.masked > 0 ? plural(preview.masked, 'masked value') : '',
    preview.textWaits > 0 ? plural(preview.textWaits, 'text wait') : '',
  ].filter(Boolean);
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  return (
    `-- ${plural(preview.keyEvents, 'key event')}, ${plural(preview.waits, 'wait')}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval` +
    (unknown.length > 0 ? `, plus the ${unknown.join(', ')}` : '')
  );
}

function bootWaitLine(vm: Vm): string | undefined {
  if (vm.bootWaitText) return `bootWait: until the ${describeTextWait(vm.bootWaitText)} shows`;
  if (vm.bootWait > 0) return `bootWait: ${formatGoDurationNanos(BigInt(Math.round(vm.bootWait * 1e6)))} after the VM starts`;
  return undefined;
}

/** Runs the preview; returns the exit code. Throws BuildFileError / UserError (located, masked). */
export function previewBuildFile(request: BuildFilePreviewRequest, io: CliIo): number {
  const build = loadBuild(request.file, { vars: request.vars, varFiles: request.varFiles, env: io.env, cwd: io.cwd });
  const masker = new SecretMasker();
  for (const s of build.secrets) masker.add(s);
  const chosen = chooseVms(build, request, io.cwd);
  const lines: string[] = [];
  if (chosen.length === 0) {
    io.stderr.write(`${request.file}: no VM has a bootCommand; nothing is typed\n`);
    return 0;
  }
  for (const { layer, vm } of chosen) {
    const key = `${layer.name}/${vm.name}`;
    if (vm.bootCommand.length === 0) {
      io.stderr.write(`${key}: no bootCommand; nothing is typed\n`);
      continue;
    }
    const fields = previewFields(build, layer, vm, request.engine);
    let preview: BootCommandPreview;
    try {
      preview = previewBootCommand(vm.bootCommand, Object.fromEntries(Object.entries(fields).map(([f, v]) => [f, v.value])), build.secrets);
    } catch (err) {
      // The message may quote the command, and the command may hold a secret.
      if (err instanceof UserError) throw new UserError(`${request.file}: ${key}: ${masker.mask(err.message)}`, err.exitCode);
      throw err;
    }
    const intervalMs = resolveKeyInterval({ env: io.env, ...(vm.bootKeyInterval !== undefined ? { bootKeyInterval: vm.bootKeyInterval } : {}) });
    if (request.format === 'json') {
      if (chosen.length > 1) lines.push(JSON.stringify({ vm: key }));
      lines.push(...preview.elements.flatMap((e) => e.entries.map(jsonEntry)));
      continue;
    }
    if (request.format === 'ast') {
      if (chosen.length > 1) lines.push(`# ${key}`);
      lines.push(...astLines(preview));
      continue;
    }
    if (lines.length > 0) lines.push('');
    lines.push(`${key} (${request.engine} engine)`);
    for (const [field, v] of Object.entries(fields)) {
      const shown = typeof v.value === 'object' ? `placeholder (${v.value.placeholder})` : JSON.stringify(v.value);
      lines.push(`  ${fieldText(field).padEnd(14)} ${shown}${typeof v.value === 'object' ? '' : `: ${v.note}`}`);
    }
    const wait = bootWaitLine(vm);
    if (wait) lines.push(`  ${wait}`);
    preview.elements.forEach((element, i) => {
      lines.push(`bootCommand[${i}]: ${JSON.stringify(element.text)}`);
      for (const entry of element.entries) lines.push(`  ${describeEntry(entry)}`);
    });
    lines.push(summary(preview, intervalMs));
  }
  // Everything printed passes the masker too: a secret inside a text wait's pattern, a field note.
  io.stdout.write(lines.map((l) => masker.mask(l) + '\n').join(''));
  return 0;
}
