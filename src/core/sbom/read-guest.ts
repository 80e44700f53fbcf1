/**
 * Reads the SBOM of a running guest over its SSH session: probes which package database it has and
 * queries it in one command, and turns the answer into an SPDX document. A guest with none (busybox, Windows)
 * gives a reason instead, which the build records as a skipped phase.
 */
import type { RemoteCommunicator } from '../communicator/types.js';
import { PARSERS, SBOM_COMMAND, parseProbe, splitSbomOutput, type PackageManager } from './package-db.js';
import { buildSpdx, type SpdxDocument } from './spdx.js';

/** Larger than any real package list (Debian with a desktop prints about 2 MiB from dpkg-query). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export type GuestSbom = { document: SpdxDocument; manager: PackageManager; packages: number } | { skipped: string };

async function capture(comm: RemoteCommunicator, command: string, signal: AbortSignal): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let bytes = 0;
  const result = await comm.exec(command, {
    signal,
    onStdout: (c) => {
      bytes += c.length;
      if (bytes <= MAX_OUTPUT_BYTES) out.push(c);
    },
    onStderr: (c) => {
      if (err.length < 64) err.push(c);
    },
  });
  if (bytes > MAX_OUTPUT_BYTES) throw new Error(`the guest printed more than ${MAX_OUTPUT_BYTES} bytes for '${command}'`);
  if (result.disconnected) throw new Error(`the SSH connection dropped while running '${command}'`);
  return { code: result.exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export interface ReadGuestSbomRequest {
  comm: RemoteCommunicator;
  /** Names the document and the image package ("build layer/vm"). */
  name: string;
  tool: { name: string; version: string };
  signal: AbortSignal;
  now?: Date;
}

export async function readGuestSbom(req: ReadGuestSbomRequest): Promise<GuestSbom> {
  const run = await capture(req.comm, SBOM_COMMAND, req.signal);
  const output = splitSbomOutput(run.stdout);
  // A shell that is not POSIX sh (Windows cmd, PowerShell) never prints the mark: no package database we read.
  if (!output) return { skipped: `the guest's shell could not run the probe for a package database (exit ${run.code ?? 'unknown'})` };
  const { manager, os } = parseProbe(output.probe);
  if (!manager) return { skipped: 'no package database in the guest (no dpkg, rpm or apk database)' };
  if (run.code !== 0) throw new Error(`reading the ${manager} database failed (exit ${run.code ?? 'unknown'}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const packages = PARSERS[manager](output.packages);
  if (packages.length === 0) throw new Error(`the guest's ${manager} database lists no installed package`);
  const created = (req.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { document: buildSpdx({ name: req.name, manager, os, packages, tool: req.tool, created }), manager, packages: packages.length };
}
