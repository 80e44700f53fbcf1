/**
 * Packer's option names in a build file: a Packer user who writes vm_name or qemuargs hears what
 * the option became here (or why it has none), from the table import-packer uses, rather than a
 * guess by string distance (output_directory is not httpDirectory).
 */
import { explainPackerOption, packerOption } from '../packer/packer-options.js';
import type { ObjectSpec } from './spec.js';

export interface PackerPlace {
  /** A key of this very object the option maps to, when there is one. */
  field?: string;
  /** "Packer's X → field: …" / "Packer's X is not supported: …". */
  text: string;
}

/** Where Packer's option `key` lives in a build file, or undefined when `key` is not Packer's. */
export function packerPlace(key: string, spec: ObjectSpec): PackerPlace | undefined {
  // Packer's names are snake_case; a camelCase key is ours (or a typo of ours).
  if (!/^[a-z0-9]+(_[a-z0-9]+)+$|^[a-z]+$/.test(key)) return undefined;
  const fate = packerOption(key);
  const text = explainPackerOption(key);
  if (!fate || !text) return undefined;
  // Only a same-meaning option is a did-you-mean: vm_name is not simply 'name' (it names the output file).
  if (fate.kind === 'same') {
    // 'communicator.sshUsername' names sshUsername; it is a did-you-mean only inside the communicator.
    const field = fate.to.split(' ')[0]!.split('.').pop()!.replace(/\[.*$/, '');
    if (field !== key && Object.hasOwn(spec.properties, field)) return { field, text };
  }
  return { text };
}
