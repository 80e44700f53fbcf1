import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/engines/kubevirt/manifests/source-mirrors.ts
function unusedMirrorWarnings(build) {
  const out = [];
  build.layers.forEach((layer, li) => {
    layer.vms.forEach((vm, vi) => {
      const source = vm.source;
      if (source.kind !== "url" && source.kind !== "iso" || !source.mirrors?.length) return;
      const field = source.kind === "iso" ? "source.iso.urls" : "source.urls";
      const pos = vm.positions?.[`${field}.1`] ?? vm.positions?.[field];
      out.push({
        file: pos?.file ?? build.file,
        line: pos?.line ?? 1,
        column: pos?.column ?? 1,
        path: `layers[${li}].vms[${vi}].${field}[1]`,
        message: `kubevirt engine: CDI imports from one URL, so only ${source.url} is used and ${source.mirrors.length === 1 ? "this mirror is" : `these ${source.mirrors.length} mirrors are`} not tried; when that URL fails the import fails (after CDI restarted its importer 3 times). Put the URL the cluster reaches best first, or build with --engine local, which tries them in order`
      });
    });
  });
  return out;
}

export {
  unusedMirrorWarnings
};
