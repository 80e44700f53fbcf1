import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/config/model.ts
function cdromBus(cdrom) {
  return cdrom.bus ?? (cdrom.type === "disk" ? "virtio" : "sata");
}

export {
  cdromBus
};
