/**
 * Sends a key-event stream to a guest the way Packer's VNC driver paces it: after every key event
 * (down or up) it sleeps the key interval, a wait token sleeps its own duration, and the first
 * failed key event stops the typing. Cancellable at any point through the AbortSignal.
 */
import type { Logger } from '../log.js';
import { formatGoDurationNanos } from './go-duration-nanos.js';
import { abortReason, sleep } from '../abort.js';
import type { BootKeyPlan } from './plan.js';
import type { KeyEvent, KeySink, TextWait } from './types.js';
import { describeTextWait } from './describe.js';

export interface TypeKeyEventsOptions {
  /** Pause after each key event, ms (see resolveKeyInterval). */
  intervalMs: number;
  signal?: AbortSignal;
  /**
   * Called (and awaited) once per boot_command element, in order, when the element is typed —
   * where the pipeline takes its screenshot. Needs a BootKeyPlan; a bare event list is one element.
   */
  onElementDone?: (element: number) => void | Promise<void>;
  /**
   * Waits for a `<wait 'TEXT'>` / `<waitSerial 'TEXT'>` (the pipeline watches the screen or the
   * serial console); without it such a boot command cannot be typed.
   */
  waitForText?: (wait: TextWait, signal: AbortSignal | undefined) => Promise<void>;
  /** Called after each event is sent. */
  onEvent?: (index: number, event: KeyEvent) => void;
  /**
   * Gets a progress line per element typed and a debug line per wait. Never the characters: a boot
   * command can carry a password.
   */
  logger?: Logger;
}

export async function typeKeyEvents(input: readonly KeyEvent[] | BootKeyPlan, sink: KeySink, { intervalMs, signal, onElementDone, onEvent, logger, waitForText }: TypeKeyEventsOptions): Promise<void> {
  const events = 'events' in input ? input.events : input;
  const elementEnds = 'events' in input ? input.elementEnds : [events.length];
  let nextElement = 0;
  const finishElementsUpTo = async (sent: number): Promise<void> => {
    while (nextElement < elementEnds.length && elementEnds[nextElement]! <= sent) {
      if (signal?.aborted) throw abortReason(signal);
      logger?.progress({ phase: 'typing the boot command', done: nextElement + 1, total: elementEnds.length, unit: 'items' });
      await onElementDone?.(nextElement);
      nextElement++;
    }
  };

  await finishElementsUpTo(0);
  for (const [index, event] of events.entries()) {
    if (signal?.aborted) throw abortReason(signal);
    if ('waitText' in event) {
      if (!waitForText) throw new Error(`the boot command waits for ${describeTextWait(event.waitText)}, and nothing here can watch for text`);
      logger?.debug(`boot command: waiting for ${describeTextWait(event.waitText)}`);
      await waitForText(event.waitText, signal);
    } else if ('wait' in event) {
      logger?.debug(`boot command: waiting ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`);
      await sleep(event.wait, signal);
    } else {
      await sink.keyEvent(event.key, event.down);
      if (intervalMs > 0) await sleep(intervalMs, signal);
    }
    onEvent?.(index, event);
    await finishElementsUpTo(index + 1);
  }
}
