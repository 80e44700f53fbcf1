/**
 * Cdroms made from files (answer files, cloud-init seeds): KubeVirt has no floppy and builds no
 * ISO from a folder, but it turns a Secret or ConfigMap volume into an ISO with a chosen volume
 * label (OEMDRV, cidata, …). We use a Secret: answer files and user-data usually hold passwords,
 * and Secret data is base64, so binary files need no special case. Limit: 1 MiB of files.
 */
import { cdromKey } from './local-files.js';
import { objectMeta, reportVmProblem, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import { keyFiles, secretData } from './secret-data.js';
import type { Secret } from './types.js';

export interface VmCdromSecrets {
  objects: RenderedObject[];
  /** Secret name and volume label of each file cdrom, by cdrom name. */
  secrets: Map<string, { secretName: string; label: string }>;
}

/** Packer's cd_label default, used by the loader too. */
const DEFAULT_LABEL = 'packer';

export function renderCdromSecrets(ctx: RenderContext, scope: VmScope): VmCdromSecrets {
  const result: VmCdromSecrets = { objects: [], secrets: new Map() };
  scope.vm.cdroms.forEach((cdrom, i) => {
    if (!cdrom.files) return;
    const files = ctx.inputs.cdromFiles.get(cdromKey(scope.layer.name, scope.vm.name, cdrom.name));
    if (!files) {
      reportVmProblem(ctx, scope, `cdroms.${i}.files`, 'the files of this cdrom were not read before rendering');
      return;
    }
    const label = cdrom.label ?? DEFAULT_LABEL;
    if (label.length > 32) reportVmProblem(ctx, scope, `cdroms.${i}.label`, `label '${label}' is longer than the 32 characters of an ISO volume label`);
    const secret: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: objectMeta(ctx, scope.names.cdrom(cdrom.name), 'cdrom', scope),
      type: 'Opaque',
      data: secretData(keyFiles(files)),
    };
    result.objects.push({
      object: secret,
      step: 'prepare',
      owner: { kind: 'run' },
      vm: `${scope.layer.name}/${scope.vm.name}`,
      note: `files of cdrom ${cdrom.name} (label ${label}): ${files.map((f) => f.path).join(', ')}`,
    });
    result.secrets.set(cdrom.name, { secretName: secret.metadata.name, label });
  });
  return result;
}
