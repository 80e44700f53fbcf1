/**
 * What `/disk` holds after every layer is applied, the way an OCI runtime unpacks an image
 * (opencontainers/image-spec, layer.md, "Whiteouts"): a `.wh.NAME` entry hides NAME of the
 * layers below, `.wh..wh..opq` hides everything the layers below put in its directory, and both
 * apply only to lower layers, never to entries of their own layer. Only `/disk` and its direct
 * children matter to a containerDisk (KubeVirt's container-disk takes the one file in /disk), so
 * that is all this tracks. Pure: the tar reading and the file writing live in extract-disk.ts.
 */
import path from 'node:path';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface DiskEntry<T> {
  name: string;
  kind: EntryKind;
  /** Index of the layer that put it there. */
  layer: number;
  /** Set for regular files: whatever the extractor keeps for the bytes (a staged file). */
  data?: T;
  /** For links: where they point. */
  target?: string;
}

export class LayerPathError extends Error {
  override name = 'LayerPathError';
}

/** How one tar entry touches /disk. */
export type Change =
  | { type: 'none' }
  | { type: 'add'; name: string }
  /** An entry deeper than /disk/NAME: NAME is (now) a directory. */
  | { type: 'subdirectory'; name: string }
  | { type: 'whiteout'; name: string }
  | { type: 'opaque' }
  /** /disk itself is hidden (`.wh.disk`, or an opaque root). */
  | { type: 'remove-disk' }
  /** /disk itself appears as this kind (a directory keeps what is below; anything else replaces it). */
  | { type: 'disk'; kind: EntryKind };

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Classifies one entry name of a layer tar. Throws for a name that climbs out of the image root
 * or out of /disk (`disk/../../etc/x`): a runtime refuses those, and so do we.
 */
export function classifyEntry(rawName: string): Change {
  const trimmed = rawName.replace(/^(?:\.?\/)+/, '');
  if (trimmed === '' || trimmed === '.') return { type: 'none' };
  const normal = path.posix.normalize(trimmed).replace(/\/$/, '');
  if (normal === '..' || normal.startsWith('../') || path.posix.isAbsolute(normal)) {
    throw new LayerPathError(`the layer entry '${rawName}' points outside the image root`);
  }
  const rawParts = trimmed.split('/').filter((p) => p !== '' && p !== '.');
  if (rawParts[0] === 'disk' && normal !== 'disk' && !normal.startsWith('disk/')) {
    throw new LayerPathError(`the layer entry '${rawName}' escapes /disk`);
  }
  const parts = normal.split('/');
  if (parts.length === 1) {
    if (parts[0] === OPAQUE || parts[0] === `${WHITEOUT}disk`) return { type: 'remove-disk' };
    if (parts[0] === 'disk') return { type: 'disk', kind: 'directory' };
    return { type: 'none' };
  }
  if (parts[0] !== 'disk') return { type: 'none' };
  const child = parts[1]!;
  if (parts.length > 2) return { type: 'subdirectory', name: child };
  if (child === OPAQUE) return { type: 'opaque' };
  if (child.startsWith(WHITEOUT)) return { type: 'whiteout', name: child.slice(WHITEOUT.length) };
  return { type: 'add', name: child };
}

/** The children of /disk across layers. `T` is the extractor's handle on a file's bytes. */
export class DiskTree<T> {
  private entries = new Map<string, DiskEntry<T>>();
  /** False when a layer hid /disk or replaced it with something that is not a directory. */
  private diskIsDirectory = false;
  private layer = -1;
  private hideLower = false;
  private hidden = new Set<string>();
  private diskReplacedBy: EntryKind | undefined;
  private added = new Map<string, DiskEntry<T>>();

  /** Starts layer `index`; everything recorded until commitLayer() belongs to it. */
  beginLayer(index: number): void {
    this.layer = index;
    this.hideLower = false;
    this.hidden = new Set();
    this.diskReplacedBy = undefined;
    this.added = new Map();
  }

  /**
   * Records one tar entry of the current layer, already classified. `kind` is the entry's type.
   * Returns whatever this entry displaced within its own layer (a later entry of the same name
   * wins, as in an unpacked tar), so the extractor can drop its bytes.
   */
  record(change: Change, kind: EntryKind, data?: T, target?: string): DiskEntry<T>[] {
    switch (change.type) {
      case 'none':
        return [];
      case 'remove-disk':
        // Hides the lower layers' /disk only; this layer's own entries stay.
        this.hideLower = true;
        return [];
      case 'disk':
        if (kind === 'directory') {
          this.diskReplacedBy = 'directory';
          return [];
        }
        // /disk as a file hides the directory of the lower layers and anything this layer put in it.
        this.diskReplacedBy = kind;
        this.hideLower = true;
        return this.clearAdded();
      case 'opaque':
        this.hideLower = true;
        this.diskReplacedBy = 'directory';
        return [];
      case 'whiteout':
        this.hidden.add(change.name);
        this.diskReplacedBy = 'directory';
        return [];
      case 'subdirectory':
        return this.put({
          name: change.name,
          kind: 'directory',
          layer: this.layer,
        });
      case 'add':
        return this.put({
          name: change.name,
          kind,
          layer: this.layer,
          ...(data !== undefined ? { data } : {}),
          ...(target !== undefined ? { target } : {}),
        });
    }
  }

  private put(entry: DiskEntry<T>): DiskEntry<T>[] {
    // An entry inside /disk means /disk is a directory in this layer, whatever an earlier entry said.
    this.diskReplacedBy = 'directory';
    const old = this.added.get(entry.name);
    // A directory entry for a name already added as a directory adds nothing.
    if (old && old.kind === 'directory' && entry.kind === 'directory') return [];
    this.added.set(entry.name, entry);
    return old ? [old] : [];
  }

  private clearAdded(): DiskEntry<T>[] {
    const dropped = [...this.added.values()];
    this.added = new Map();
    return dropped;
  }

  /** Applies the current layer over the ones below; returns the entries it hid or replaced. */
  commitLayer(): DiskEntry<T>[] {
    const dropped: DiskEntry<T>[] = [];
    const replacesDisk = this.diskReplacedBy !== undefined && this.diskReplacedBy !== 'directory';
    if (this.hideLower || replacesDisk) {
      dropped.push(...this.entries.values());
      this.entries = new Map();
      this.diskIsDirectory = false;
    } else {
      for (const name of this.hidden) {
        const e = this.entries.get(name);
        if (e) {
          dropped.push(e);
          this.entries.delete(name);
        }
      }
    }
    for (const [name, entry] of this.added) {
      const lower = this.entries.get(name);
      // A directory over a lower directory merges with it; anything else replaces the lower entry.
      if (lower && !(lower.kind === 'directory' && entry.kind === 'directory')) dropped.push(lower);
      if (!(lower && lower.kind === 'directory' && entry.kind === 'directory')) this.entries.set(name, entry);
    }
    if (this.diskReplacedBy === 'directory') this.diskIsDirectory = true;
    else if (replacesDisk) this.diskIsDirectory = false;
    this.added = new Map();
    this.hidden = new Set();
    return dropped;
  }

  /** Whether /disk exists as a directory after the committed layers. */
  hasDiskDirectory(): boolean {
    return this.diskIsDirectory;
  }

  /** The children of /disk after the committed layers, by name. */
  children(): DiskEntry<T>[] {
    return [...this.entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
