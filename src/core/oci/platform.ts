/** `os/arch[/variant]` as in `docker --platform`, checked against the values Go (and so every registry client) knows. */
import { suggest } from '../config/did-you-mean.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const KNOWN_OS = ['linux', 'windows', 'freebsd', 'darwin'];
// KubeVirt ships for amd64, arm64 and s390x; the rest are valid image platforms all the same.
const KNOWN_ARCH = ['amd64', 'arm64', 's390x', 'ppc64le', 'riscv64', '386', 'arm', 'mips64le', 'loong64'];
const ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** Throws an Error whose message says what was expected; callers wrap it in their error type. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new Error(`platform '${text}' must be os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm64/v8`);
  }
  const [os, rawArch, variant] = parts as [string, string, string | undefined];
  if (!KNOWN_OS.includes(os)) {
    const s = suggest(os, KNOWN_OS);
    throw new Error(`platform '${text}': unknown os '${os}'${s ? `; did you mean '${s}'?` : ` (expected one of ${KNOWN_OS.join(', ')})`}`);
  }
  const architecture = ALIASES[rawArch] ?? rawArch;
  if (!KNOWN_ARCH.includes(architecture)) {
    const s = suggest(architecture, KNOWN_ARCH);
    throw new Error(`platform '${text}': unknown architecture '${rawArch}'${s ? `; did you mean '${s}'?` : ` (expected one of ${KNOWN_ARCH.join(', ')})`}`);
  }
  if (variant !== undefined && !/^v[0-9]+$/.test(variant)) throw new Error(`platform '${text}': variant '${variant}' must look like v7 or v8`);
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined).join('/');
}
