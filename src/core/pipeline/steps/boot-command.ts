/**
 * Types the boot command over VNC as Packer does: template fields rendered at typing time (the
 * HTTP address is only known now), elements concatenated and parsed with Packer's grammar, key
 * events paced by the key interval. A screenshot after each element lands in the VM's log folder,
 * because a boot command that types into the wrong screen is the commonest thing to debug.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planBootCommand } from '../../bootcommand/plan.js';
import { resolveKeyInterval } from '../../bootcommand/key-interval.js';
import { typeKeyEvents } from '../../bootcommand/type-key-events.js';
import type { Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger } from '../../log.js';
import { renderTemplate } from '../../template/render.js';
import { RfbClient } from '../../vnc/rfb-client.js';

export interface TypeBootCommandRequest {
  vm: Vm;
  handle: VmHandle;
  logDir: string;
  logger: Logger;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** The template fields a boot command may use (Packer's names). */
export function bootCommandFields(vm: Vm, handle: VmHandle): Record<string, string | number> {
  const http = handle.httpEndpoint();
  return { HTTPIP: http?.ip ?? '', HTTPPort: http?.port ?? 0, Name: vm.name };
}

export async function typeBootCommand({ vm, handle, logDir, logger, signal, env = process.env }: TypeBootCommandRequest): Promise<void> {
  const fields = bootCommandFields(vm, handle);
  const elements = vm.bootCommand.map((e) => renderTemplate(e, { fields }));
  const plan = planBootCommand(elements, { elementLabel: (i) => `bootCommand[${i}]` });
  const intervalMs = resolveKeyInterval({ env, ...(vm.bootKeyInterval !== undefined ? { bootKeyInterval: vm.bootKeyInterval } : {}) });
  const keys = plan.events.filter((e) => 'key' in e).length;
  logger.info(`boot command: ${elements.length} element(s), ${keys} key events, ${intervalMs} ms apart`);

  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, logger });
  try {
    let lastProgress = 0;
    await typeKeyEvents(plan, vnc, {
      intervalMs,
      signal,
      onEvent: (index) => {
        const pct = Math.floor((100 * (index + 1)) / plan.events.length);
        if (pct >= lastProgress + 25 || index + 1 === plan.events.length) {
          lastProgress = pct;
          logger.progress({ phase: 'boot command', done: index + 1, total: plan.events.length, unit: 'items' });
        }
      },
      onElementDone: async (element) => {
        if (element >= elements.length) return;
        const file = path.join(logDir, `bootcommand-${String(element + 1).padStart(2, '0')}.png`);
        await writeFile(file, await vnc.screenshot({ signal }));
        logger.info(`boot command: element ${element + 1}/${elements.length} typed; screen saved to ${file}`);
      },
    });
  } finally {
    await vnc.close();
  }
}

/** Saves what the VM's screen shows now (used on failure). */
export async function saveScreenshot(handle: VmHandle, file: string, signal: AbortSignal): Promise<string> {
  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, timeoutMs: 10_000 });
  try {
    await writeFile(file, await vnc.screenshot({ signal, timeoutMs: 10_000 }));
    return file;
  } finally {
    await vnc.close();
  }
}
