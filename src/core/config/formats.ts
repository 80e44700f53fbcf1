/**
 * String formats of build-file values. Each is one regular expression used twice: by the loader's
 * checker and, verbatim, as a `pattern` in the exported JSON Schema, so an editor flags exactly
 * what `ruddervirt validate` rejects. A value containing "{{" is a template: its format is checked
 * after it is rendered, and the schema lets it through.
 */
import { CHECKSUM_PATTERN, parseChecksum } from './checksum.js';
import { parseQuantity, parseSize, QUANTITY_PATTERN, SIZE_PATTERN } from './quantity.js';

export interface StringFormat {
  /** Regular-expression source without anchors; valid with the `u` flag (as ajv compiles it). */
  pattern: string;
  /** What was expected, for messages and docs. */
  expected: string;
  /** A more specific message for a value that does not match, when one helps. */
  explain?: (value: string) => string | undefined;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const K8S_NAME = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const IMAGE_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** A DNS-1123 subdomain (k8s.io/apimachinery validation: IsDNS1123Subdomain), without its 253-character cap. */
const DNS_SUBDOMAIN = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*';
/** The name part of a label key, and a non-empty label value (IsQualifiedName, IsValidLabelValue). */
const QUALIFIED_NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';

export const DURATION_PATTERN = '[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|μs|ms|s|m|h))+|[-+]?0';

/** `<wait 'TEXT'>`, `<wait "TEXT">` or `<waitSerial 'TEXT'>`, as in a boot command. */
export const TEXT_WAIT_PATTERN = `<wait(?:Serial)? (?:'[^']+'|"[^"]+")>`;

export const FORMATS = {
  bootWait: {
    pattern: `${DURATION_PATTERN}|${TEXT_WAIT_PATTERN}`,
    expected: `a Go duration such as 5s, or a text to wait for such as <wait 'boot:'> or <waitSerial 'login:'>`,
    explain: (v) =>
      /^\d+(\.\d+)?$/.test(v) ? `a duration needs a unit; did you mean '${v}s'?` : /^<wait/i.test(v) ? `expected <wait 'TEXT'>, <wait "TEXT"> or <waitSerial 'TEXT'>: one space, then TEXT in quotes` : undefined,
  },
  duration: {
    pattern: DURATION_PATTERN,
    expected: 'a Go duration such as 500ms, 30s, 5m or 1h30m',
    explain: (v) => (/^\d+(\.\d+)?$/.test(v) ? `a duration needs a unit; did you mean '${v}s'?` : /^\d+d$/.test(v) ? `Go durations have no d unit; did you mean '${Number(v.slice(0, -1)) * 24}h'?` : undefined),
  },
  quantity: {
    pattern: QUANTITY_PATTERN,
    expected: 'a Kubernetes quantity such as 512Mi, 2Gi or 10G',
    explain: (v) => {
      const r = parseQuantity(v);
      return 'error' in r ? r.error : undefined;
    },
  },
  size: {
    // Sizes: k, M, G and T alone are refused (quantity.ts parseSize says why), here as in the schema.
    pattern: SIZE_PATTERN,
    expected: 'a size such as 512Mi, 2Gi or 10e9 (binary suffixes Ki Mi Gi Ti; decimal as an exponent)',
    explain: (v) => {
      const r = parseSize(v);
      return 'error' in r ? r.error : undefined;
    },
  },
  k8sName: {
    pattern: K8S_NAME,
    expected: "a Kubernetes name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    explain: (v) => {
      const fixed = v
        .toLowerCase()
        .replace(/[^-a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, '');
      return fixed && fixed !== v ? `'${v}' is not usable as a Kubernetes name; did you mean '${fixed}'?` : undefined;
    },
  },
  checksum: {
    pattern: CHECKSUM_PATTERN,
    expected: 'algo:hex with algo md5, sha1, sha256 or sha512 and the digest of the right length',
    explain: (v) => {
      const r = parseChecksum(v);
      return 'error' in r ? r.error : undefined;
    },
  },
  cidr: {
    pattern: `${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?\\d)`,
    expected: 'an IPv4 CIDR such as 10.20.0.0/24',
  },
  url: {
    pattern: '(?:https?|file)://\\S+',
    expected: 'an http://, https:// or file:// URL',
  },
  image: {
    pattern: `(?:[A-Za-z0-9][A-Za-z0-9.-]*(?::\\d+)?/)?${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?`,
    expected: 'a container image reference such as quay.io/containerdisks/debian:12',
  },
  dnsSubdomain: {
    pattern: DNS_SUBDOMAIN,
    expected: "a Kubernetes object name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
  },
  labelKey: {
    pattern: `(?:${DNS_SUBDOMAIN}/)?${QUALIFIED_NAME}`,
    expected: "a label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.', e.g. kubernetes.io/arch",
  },
  labelValue: {
    pattern: `(?:${QUALIFIED_NAME})?`,
    expected: "a label value: empty, or up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
  },
  vmRef: {
    pattern: `${K8S_NAME}/${K8S_NAME}`,
    expected: '<layer>/<vm>, naming a VM of an earlier layer, e.g. base/web',
  },
  envAssignment: {
    // The key lands unquoted in a shell command line (KEY='value' cmd), so it must be a POSIX name:
    // anything else ("X;echo hi;Y", "$(id)") would run as shell code in the guest.
    pattern: '[A-Za-z_][A-Za-z0-9_]*=[\\s\\S]*',
    expected: 'KEY=value, KEY an environment variable name: letters, digits and _, not starting with a digit',
    explain: (v) => {
      const eq = v.indexOf('=');
      return eq > 0 ? `'${v.slice(0, eq)}' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit` : undefined;
    },
  },
  fileName: {
    pattern: '(?!\\.\\.?$)[^/\\\\\\u0000-\\u001f]{1,255}',
    expected: "a file name: up to 255 characters, no '/', '\\' or control characters, not . or ..",
  },
  volumeLabel: {
    pattern: '[A-Za-z0-9_.-]{1,32}',
    expected: "a volume label of 1 to 32 letters, digits, '_', '-' or '.', e.g. cidata or OEMDRV",
  },
  updateFilter: {
    pattern: '(?:include|exclude):[\\s\\S]+',
    expected: 'include:EXPR or exclude:EXPR, where EXPR is PowerShell over $_ (the update)',
  },
  /** Keys, not values: */
  variableName: { pattern: '[A-Za-z_][A-Za-z0-9_-]*', expected: "a variable name: letters, digits, '_' and '-', not starting with a digit" },
  envName: { pattern: '[A-Za-z_][A-Za-z0-9_]*', expected: 'an environment variable name: letters, digits and _, not starting with a digit' },
  httpPath: { pattern: '/[\\s\\S]*', expected: "a URL path starting with '/', e.g. /preseed.cfg" },
} satisfies Record<string, StringFormat>;

export type FormatName = keyof typeof FORMATS;

const compiled = new Map<string, RegExp>();

/** The anchored regular expression of a format. */
export function formatRegExp(name: FormatName): RegExp {
  let re = compiled.get(name);
  if (!re) {
    re = new RegExp(`^(?:${FORMATS[name].pattern})$`, 'u');
    compiled.set(name, re);
  }
  return re;
}

/** undefined when `value` has the format, else the message saying what was expected. */
export function checkFormat(name: FormatName, value: string): string | undefined {
  if (formatRegExp(name).test(value)) return undefined;
  const format: StringFormat = FORMATS[name];
  return format.explain?.(value) ?? `expected ${format.expected}`;
}

export function isTemplated(value: string): boolean {
  return value.includes('{{');
}
