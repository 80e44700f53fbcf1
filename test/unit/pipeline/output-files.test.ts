/**
 * An output image and its .sha256 change together or not at all: a rebuild cancelled at the
 * checksum step (or failing in the export) leaves the previous image with its own checksum, checked
 * with the real `sha256sum -c`. The VM handle is a test double (the engine boundary): its
 * exportDisk writes the bytes a real export would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Layer, Vm } from '../../../src/core/config/model.js';
import type { ExportDiskRequest, VmHandle } from '../../../src/core/engine.js';
import { memoryLogger } from '../../../src/core/log.js';
import { createPhaseRunner } from '../../../src/core/pipeline/phase.js';
import { exportOutput, outputImagePath } from '../../../src/core/pipeline/steps/export-output.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-output-files-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const layer = { name: 'base' } as Layer;
const vm = { name: 'web', output: { format: 'qcow2', compress: false } } as unknown as Vm;
const image = outputImagePath(out, layer, vm);

function handle(onExport: (req: ExportDiskRequest) => Promise<void>): VmHandle {
  return { exportDisk: onExport } as unknown as VmHandle;
}

function checksumOk(): boolean {
  try {
    execFileSync('sha256sum', ['-c', `${path.basename(image)}.sha256`], { cwd: out, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function build(content: string, after?: (controller: AbortController) => void): Promise<unknown> {
  const controller = new AbortController();
  const { logger } = memoryLogger();
  const phases = createPhaseRunner('base/web', logger, controller.signal);
  return exportOutput({
    layer,
    vm,
    logger,
    phases,
    outputDir: out,
    handle: handle(async (req) => {
      writeFileSync(req.destination, content);
      after?.(controller);
    }),
  }).catch((e: unknown) => e);
}

describe('image and checksum are replaced together', () => {
  it('a finished export replaces both; sha256sum -c agrees', async () => {
    expect(await build('first image')).toMatchObject({ image, checksumFile: `${image}.sha256` });
    expect(readFileSync(image, 'utf8')).toBe('first image');
    expect(checksumOk()).toBe(true);
  });

  it('cancelled at the checksum step: the previous image and its checksum stay, nothing pending is left', async () => {
    // Before: the new image was already in place beside the old .sha256, which no longer matched.
    expect(await build('second image', (c) => c.abort())).toBeInstanceOf(Error);
    expect(readFileSync(image, 'utf8')).toBe('first image');
    expect(checksumOk()).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['base-web.qcow2', 'base-web.qcow2.sha256']);
  });

  it('an export that fails half-way: the same', async () => {
    const controller = new AbortController();
    const { logger } = memoryLogger();
    const err = await exportOutput({
      layer,
      vm,
      logger,
      phases: createPhaseRunner('base/web', logger, controller.signal),
      outputDir: out,
      handle: handle(async (req) => {
        writeFileSync(req.destination, 'half');
        throw new Error('qemu-img: write error');
      }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(readFileSync(image, 'utf8')).toBe('first image');
    expect(checksumOk()).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['base-web.qcow2', 'base-web.qcow2.sha256']);
  });
});
