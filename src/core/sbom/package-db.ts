/**
 * A Linux guest's package database, read over SSH: which one the guest has (dpkg, rpm or apk,
 * probed in that order) and the parsers of what each prints. Only installed packages are kept.
 *
 * The probe wants the database as well as the tool. The queries ask each tool for tab-separated fields, one package a line:
 *  - dpkg-query -W -f (dpkg-query(1): ${db:Status-Status}, ${source:Package}, ${source:Version})
 *  - rpm -qa --qf with the %|EPOCH?{…}:{}| conditional (rpm's queryformat documentation), so an
 *    epoch appears as "E:" only where a package has one
 *  - apk has no such query: its database /lib/apk/db/installed is read and parsed (apk-tools
 *    doc/apk-package.5: records of "K:value" lines, P name, V version, A arch, L license, U url,
 *    o origin, separated by blank lines)
 */

export type PackageManager = 'dpkg' | 'rpm' | 'apk';

export interface GuestPackage {
  name: string;
  version: string;
  arch?: string;
  /** As the package declares it (rpm, apk); not necessarily an SPDX expression. */
  license?: string;
  homepage?: string;
  /** The source package it was built from, where the database records one. */
  source?: { name: string; version?: string };
}

export interface GuestOs {
  /** os-release ID (debian, fedora, alpine …). */
  id?: string;
  versionId?: string;
  prettyName?: string;
}

/**
 * Which database the guest has: busybox has rpm and dpkg applets without any database, so the
 * database itself must exist as well as the tool. Sets $m for SBOM_COMMAND.
 */
const PROBE =
  'm=none; if command -v dpkg-query >/dev/null 2>&1 && [ -f /var/lib/dpkg/status ]; then m=dpkg; ' +
  'elif command -v rpm >/dev/null 2>&1 && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then m=rpm; ' +
  'elif [ -f /lib/apk/db/installed ]; then m=apk; fi';

export const QUERY_COMMAND: Record<PackageManager, string> = {
  dpkg: "dpkg-query -W -f '${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\t${Homepage}\\n'",
  rpm: "rpm -qa --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{LICENSE}\\t%{URL}\\t%{SOURCERPM}\\n'",
  apk: 'cat /lib/apk/db/installed',
};

/** Ends the probe's part of SBOM_COMMAND's output; the package list follows it. */
export const PACKAGES_MARK = '--- ruddervirt: installed packages ---';

/**
 * One command, so the SBOM costs the guest one session (a few hundred milliseconds on a slow one):
 * the package manager's name (or none), os-release, the mark, then that manager's package list.
 * Runs in any POSIX sh, busybox's included; its exit status is the query's.
 */
export const SBOM_COMMAND =
  `${PROBE}; echo "$m"; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null || true; ` +
  `printf '\\n%s\\n' '${PACKAGES_MARK}'; ` +
  `case "$m" in ${(Object.keys(QUERY_COMMAND) as PackageManager[]).map((m) => `${m}) ${QUERY_COMMAND[m]} ;;`).join(' ')} esac`;

/** SBOM_COMMAND's output cut at the mark; undefined when the mark never came (the shell could not run it). */
export function splitSbomOutput(stdout: string): { probe: string; packages: string } | undefined {
  const at = stdout.indexOf(`\n${PACKAGES_MARK}\n`);
  if (at < 0) return undefined;
  return { probe: stdout.slice(0, at), packages: stdout.slice(at + PACKAGES_MARK.length + 2) };
}

export function parseProbe(output: string): { manager: PackageManager | undefined; os: GuestOs } {
  const lines = output.split(/\r?\n/);
  const first = (lines[0] ?? '').trim();
  const manager = first === 'dpkg' || first === 'rpm' || first === 'apk' ? first : undefined;
  return { manager, os: parseOsRelease(lines.slice(1).join('\n')) };
}

/** os-release(5): KEY=value lines, values optionally quoted with shell quoting. */
export function parseOsRelease(text: string): GuestOs {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) v = v.slice(1, -1);
    values.set(m[1]!, v.replace(/\\(["\\$`])/g, '$1'));
  }
  const os: GuestOs = {};
  if (values.get('ID')) os.id = values.get('ID')!;
  if (values.get('VERSION_ID')) os.versionId = values.get('VERSION_ID')!;
  if (values.get('PRETTY_NAME')) os.prettyName = values.get('PRETTY_NAME')!;
  return os;
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' || s === '(none)' ? undefined : s);

export function parseDpkg(output: string): GuestPackage[] {
  const out: GuestPackage[] = [];
  for (const line of output.split('\n')) {
    const [status, name, version, arch, sourceName, sourceVersion, homepage] = line.replace(/\r$/, '').split('\t');
    if (status !== 'installed' || !name || !version) continue;
    const pkg: GuestPackage = { name, version };
    if (nonEmpty(arch)) pkg.arch = arch!;
    if (nonEmpty(homepage)) pkg.homepage = homepage!;
    // dpkg fills ${source:Package} with the binary's own name when no Source field exists.
    if (nonEmpty(sourceName) && (sourceName !== name || (sourceVersion && sourceVersion !== version))) pkg.source = { name: sourceName!, ...(nonEmpty(sourceVersion) ? { version: sourceVersion! } : {}) };
    out.push(pkg);
  }
  return out;
}

export function parseRpm(output: string): GuestPackage[] {
  const out: GuestPackage[] = [];
  for (const line of output.split('\n')) {
    const [name, version, arch, license, url, sourceRpm] = line.replace(/\r$/, '').split('\t');
    // gpg-pubkey entries are keys in the rpm database, not software.
    if (!name || !version || name === 'gpg-pubkey') continue;
    const pkg: GuestPackage = { name, version };
    if (nonEmpty(arch)) pkg.arch = arch!;
    if (nonEmpty(license)) pkg.license = license!;
    if (nonEmpty(url)) pkg.homepage = url!;
    const src = nonEmpty(sourceRpm) ? /^(.+)-([^-]+-[^-]+)\.src\.rpm$/.exec(sourceRpm!) : null;
    if (src && src[1] !== name) pkg.source = { name: src[1]!, version: src[2]! };
    out.push(pkg);
  }
  return out;
}

export function parseApk(db: string): GuestPackage[] {
  const out: GuestPackage[] = [];
  for (const record of db.split(/\r?\n\s*\r?\n/)) {
    const fields = new Map<string, string>();
    for (const line of record.split(/\r?\n/)) {
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      if (m && !fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) continue;
    const pkg: GuestPackage = { name, version };
    if (fields.get('A')) pkg.arch = fields.get('A')!;
    if (fields.get('L')) pkg.license = fields.get('L')!;
    if (fields.get('U')) pkg.homepage = fields.get('U')!;
    const origin = fields.get('o');
    if (origin && origin !== name) pkg.source = { name: origin };
    out.push(pkg);
  }
  return out;
}

export const PARSERS: Record<PackageManager, (output: string) => GuestPackage[]> = { dpkg: parseDpkg, rpm: parseRpm, apk: parseApk };
