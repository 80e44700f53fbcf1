/**
 * What qemu-img says about a disk image: its format, virtual size and backing file — for the
 * local engine's overlays and for the output convert that both engines run.
 */
import { runTool } from '../run-tool.js';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  actualSize?: number;
  backingFile?: string;
}

export async function imageInfo(file: string, signal?: AbortSignal): Promise<ImageInfo> {
  // -U: reading metadata must work even while a VM holds the image open.
  const { stdout } = await runTool('qemu-img', ['info', '-U', '--output=json', file], signal ? { signal } : {});
  const raw = JSON.parse(stdout) as { format?: string; 'virtual-size'?: number; 'actual-size'?: number; 'backing-filename'?: string };
  if (typeof raw.format !== 'string' || typeof raw['virtual-size'] !== 'number') {
    throw new Error(`qemu-img info ${file}: unexpected output ${stdout.slice(0, 200)}`);
  }
  return {
    format: raw.format,
    virtualSize: raw['virtual-size'],
    ...(raw['actual-size'] !== undefined ? { actualSize: raw['actual-size'] } : {}),
    ...(raw['backing-filename'] !== undefined ? { backingFile: raw['backing-filename'] } : {}),
  };
}
