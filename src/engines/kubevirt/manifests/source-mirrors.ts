/**
 * `urls:` (Packer's iso_urls) on the kubevirt engine: CDI imports a DataVolume from one URL
 * (DataVolumeSourceHTTP has a single `url`; kubevirt/containerized-data-importer,
 * staging/src/kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1/types.go, v1.66.0),
 * so the DataVolume gets the first URL and the mirrors after it are not used. A warning says so,
 * located at the first unused mirror, wherever the build is checked for this engine.
 */
import type { Build } from '../../../core/config/model.js';
import type { BuildProblem } from '../../../core/config/problems.js';

export function unusedMirrorWarnings(build: Build): BuildProblem[] {
  const out: BuildProblem[] = [];
  build.layers.forEach((layer, li) => {
    layer.vms.forEach((vm, vi) => {
      const source = vm.source;
      if ((source.kind !== 'url' && source.kind !== 'iso') || !source.mirrors?.length) return;
      const field = source.kind === 'iso' ? 'source.iso.urls' : 'source.urls';
      const pos = vm.positions?.[`${field}.1`] ?? vm.positions?.[field];
      out.push({
        file: pos?.file ?? build.file,
        line: pos?.line ?? 1,
        column: pos?.column ?? 1,
        path: `layers[${li}].vms[${vi}].${field}[1]`,
        message:
          `kubevirt engine: CDI imports from one URL, so only ${source.url} is used and ${source.mirrors.length === 1 ? 'this mirror is' : `these ${source.mirrors.length} mirrors are`} not tried; ` +
          'when that URL fails the import fails (after CDI restarted its importer 3 times). Put the URL the cluster reaches best first, or build with --engine local, which tries them in order',
      });
    });
  });
  return out;
}
