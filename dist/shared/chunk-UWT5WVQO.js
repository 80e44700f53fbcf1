import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/config/quantity.ts
var QUANTITY_PATTERN = "\\+?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][-+]?\\d+)?";
var QUANTITY = new RegExp(`^(\\+?)(\\d+(?:\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][-+]?\\d+)?$`, "u");
var BINARY = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
var DECIMAL = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
function parseQuantity(text) {
  const m = QUANTITY.exec(text);
  if (!m) return { error: explainBadQuantity(text) };
  const [, , number = "", suffix = ""] = m;
  const [whole = "", fraction = ""] = number.split(".");
  let mantissa = BigInt((whole || "0") + fraction);
  let exponent10 = -fraction.length;
  if (suffix in BINARY) mantissa *= 1024n ** BINARY[suffix];
  else if (suffix in DECIMAL) exponent10 += DECIMAL[suffix];
  else if (suffix) {
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1e3) return { error: `exponent ${suffix} is out of range` };
    exponent10 += e;
  }
  let bytes;
  if (exponent10 >= 0) bytes = mantissa * 10n ** BigInt(exponent10);
  else {
    const divisor = 10n ** BigInt(-exponent10);
    bytes = (mantissa + divisor - 1n) / divisor;
  }
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `${text} is too large (at most 8Pi)` };
  return { bytes: Number(bytes) };
}
var SIZE_PATTERN = "\\+?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[KMGTPE]i|[numPE]|[eE][-+]?\\d+)?";
var PACKER_BINARY = { k: ["Ki", "kB", 1], M: ["Mi", "MB", 2], G: ["Gi", "GB", 3], T: ["Ti", "TB", 4] };
function parseSize(text) {
  const m = /^\s*\+?(\d+(?:\.\d*)?|\.\d+)([kMGT])\s*$/.exec(text);
  if (!m) return parseQuantity(text);
  const [, n = "", suffix = ""] = m;
  const [binary, decimal, power] = PACKER_BINARY[suffix];
  const gib = Number(n) * 1024 ** power;
  const gb = Number(n) * 1e3 ** power;
  return {
    error: `'${text.trim()}' is ambiguous: Packer reads it as ${n} ${binary}B (${gib} bytes), Kubernetes as ${n} ${decimal} (${gb} bytes); write ${n}${binary} for ${binary}B, or ${n}e${power * 3} for ${decimal}`
  };
}
function explainBadQuantity(text) {
  const unit = /^\+?[\d.]+\s*([A-Za-z]+)$/.exec(text.trim())?.[1];
  const hints = { kb: "Ki", kib: "Ki", mb: "Mi", mib: "Mi", gb: "Gi", gib: "Gi", tb: "Ti", tib: "Ti", g: "Gi", t: "Ti" };
  const hint = unit ? hints[unit.toLowerCase()] : void 0;
  const base = "expected a Kubernetes quantity such as 512Mi, 2Gi or 10G (binary suffixes Ki Mi Gi Ti, decimal k M G T)";
  return hint ? `${base}; did you mean '${text.trim().slice(0, -unit.length).trim()}${hint}'?` : base;
}
function formatQuantity(bytes) {
  const suffixes = ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"];
  for (const [i, s] of suffixes.entries()) {
    const unit = 1024 ** (6 - i);
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${s}`;
  }
  return String(bytes);
}

export {
  QUANTITY_PATTERN,
  parseQuantity,
  SIZE_PATTERN,
  parseSize,
  formatQuantity
};
