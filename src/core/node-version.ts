/**
 * The Node version check every entry point (the CLI, each action bundle) runs before anything
 * else. It must stay free of imports: ESM links and evaluates an entry's whole static import graph
 * before the entry's own body runs, so on an older Node a bundled dependency dies first — undici
 * (inside @kubernetes/client-node) calls zlib.createZstdDecompress, which Node has only since
 * 22.15/23.8, and the user sees a stack trace from deep inside a bundle instead of the one fact
 * that matters. Entries therefore check here and import the rest dynamically.
 */

/** The runner's `runs.using: node24`; also what `engines.node` in package.json says. */
export const MIN_NODE_MAJOR = 24;

/** The major version of a `process.versions.node` string (`20.20.0` → 20). */
export function nodeMajor(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '', 10);
}

export function isSupportedNode(version: string = process.versions.node): boolean {
  return nodeMajor(version) >= MIN_NODE_MAJOR;
}

/** `what needs Node 24 or newer, but this is Node v20.20.0 (/usr/bin/node): fix` — one line. */
export function unsupportedNodeMessage(what: string, fix: string, version: string = process.versions.node, execPath: string = process.execPath): string {
  return `${what} needs Node ${MIN_NODE_MAJOR} or newer, but this is Node v${version} (${execPath}): ${fix}`;
}

/**
 * Ends the process with exit code 2 and one line on `write` when this Node is too old; returns
 * otherwise. Only entry files call it: an importable run() must never end the process.
 */
export function exitUnlessSupportedNode(what: string, fix: string, write: (line: string) => void = (line) => process.stderr.write(line)): void {
  if (isSupportedNode()) return;
  write(`${unsupportedNodeMessage(what, fix)}\n`);
  process.exit(2);
}
