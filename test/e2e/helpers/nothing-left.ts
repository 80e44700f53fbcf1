/**
 * After a build through the CLI bundle: no qemu or helper process of that build, no temp folder
 * of it, none of the folders and ports its log announced.
 */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { announcedPorts, announcedTempDirs, isListening, leftovers } from './cli-build.js';

/**
 * `portsAnnounced`: the build must have announced some port (a VM that ran), so that "no port
 * still listening" is not passed vacuously by a log that names none.
 */
export async function expectNothingLeft(buildName: string, stderr: string, options: { portsAnnounced?: boolean } = {}): Promise<void> {
  const left = leftovers(buildName);
  expect(left.processes, 'qemu or helper processes left behind').toEqual([]);
  expect(left.tempDirs, 'temp directories left behind').toEqual([]);
  for (const dir of announcedTempDirs(stderr)) expect(existsSync(dir), `${dir} left behind`).toBe(false);
  const ports = announcedPorts(stderr);
  if (options.portsAnnounced) expect(ports.length, 'the build announced no port').toBeGreaterThan(0);
  for (const port of ports) expect(await isListening(port), `port ${port} still listening`).toBe(false);
}
