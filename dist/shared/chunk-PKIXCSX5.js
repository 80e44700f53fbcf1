import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  KEYSYM_NAMES,
  SHIFT_L,
  formatGoDurationNanos,
  nanosToMs,
  parseBootCommand,
  specialKey
} from "./chunk-UWXRMICO.js";
import {
  checkDuration
} from "./chunk-YBXMTZXO.js";

// src/core/bootcommand/key-events.ts
var SHIFTED_SYMBOLS = new Set('~!@#$%^&*()_+{}|:"<>?');
var UPPERCASE_LETTER = new RegExp("^\\p{Lu}$", "u");
function needsShift(char) {
  return UPPERCASE_LETTER.test(char) || SHIFTED_SYMBOLS.has(char);
}
function keyAction(keysym, action, shift) {
  const events = [];
  if (shift && action !== "off") events.push({ key: SHIFT_L, down: true });
  if (action !== "off") events.push({ key: keysym, down: true });
  if (action !== "on") events.push({ key: keysym, down: false });
  if (shift && action !== "on") events.push({ key: SHIFT_L, down: false });
  return events;
}
function keyEventsFor(action) {
  switch (action.kind) {
    case "wait":
      return [{ wait: nanosToMs(action.nanos) }];
    case "waitText":
      return [{ waitText: { source: action.source, pattern: action.pattern } }];
    case "literal":
      return keyAction(action.char.codePointAt(0), action.action, needsShift(action.char));
    case "special": {
      const key = specialKey(action.key);
      if (!key) throw new Error(`special ${action.key} not found.`);
      return keyAction(key.keysym, action.action, false);
    }
  }
}

// src/core/bootcommand/plan.ts
function planBootCommand(command, options = {}) {
  const elementCount = typeof command === "string" ? 1 : command.length;
  const tokens = parseBootCommand(command, options);
  const events = [];
  const elementEnds = [];
  for (const token of tokens) {
    while (elementEnds.length < token.span.lastElement) elementEnds.push(events.length);
    events.push(...keyEventsFor(token));
  }
  while (elementEnds.length < elementCount) elementEnds.push(events.length);
  return { tokens, events, elementEnds };
}

// src/core/bootcommand/key-interval.ts
var DEFAULT_KEY_INTERVAL_MS = 100;
var KEY_INTERVAL_ENV = "PACKER_KEY_INTERVAL";
function resolveKeyInterval({ env = {}, bootKeyInterval } = {}) {
  let interval = DEFAULT_KEY_INTERVAL_MS;
  const fromEnv = env[KEY_INTERVAL_ENV];
  if (fromEnv !== void 0) {
    const parsed = checkDuration(fromEnv);
    if ("ms" in parsed) interval = parsed.ms;
  }
  if (bootKeyInterval !== void 0 && bootKeyInterval > 0) interval = bootKeyInterval;
  return Math.max(0, interval);
}

// src/core/bootcommand/describe.ts
var INVISIBLE = /^[\p{C}\p{Z}]$/u;
var ESCAPES = { "\n": "\\n", "\r": "\\r", "	": "\\t", " ": " " };
function keysymName(keysym) {
  const named = KEYSYM_NAMES.get(keysym);
  if (named) return named;
  if (keysym > 1114111 || keysym >= 55296 && keysym <= 57343) return `0x${keysym.toString(16)}`;
  const char = String.fromCodePoint(keysym);
  const quoted = INVISIBLE.test(char) ? ESCAPES[char] ?? `\\u{${keysym.toString(16)}}` : char;
  return keysym > 255 ? `U+${keysym.toString(16).toUpperCase().padStart(4, "0")} '${quoted}'` : `'${quoted}'`;
}
function describeKeyEvent(event) {
  if ("waitText" in event) return `wait    for ${describeTextWait(event.waitText)}`;
  if ("wait" in event) {
    return `wait    ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`;
  }
  const verb = event.down ? "press" : "release";
  return `${verb.padEnd(7)} ${keysymName(event.key).padEnd(14)} 0x${event.key.toString(16).padStart(4, "0")}`;
}
function describeTextWait({ source, pattern }) {
  return `${source === "screen" ? "screen" : "serial console"} text /${pattern}/`;
}

export {
  keyEventsFor,
  planBootCommand,
  KEY_INTERVAL_ENV,
  resolveKeyInterval,
  describeKeyEvent,
  describeTextWait
};
