import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/node-version.ts
var MIN_NODE_MAJOR = 24;
function nodeMajor(version) {
  return Number.parseInt(version.split(".")[0] ?? "", 10);
}
function isSupportedNode(version = process.versions.node) {
  return nodeMajor(version) >= MIN_NODE_MAJOR;
}
function unsupportedNodeMessage(what, fix, version = process.versions.node, execPath = process.execPath) {
  return `${what} needs Node ${MIN_NODE_MAJOR} or newer, but this is Node v${version} (${execPath}): ${fix}`;
}
function exitUnlessSupportedNode(what, fix, write = (line) => process.stderr.write(line)) {
  if (isSupportedNode()) return;
  write(`${unsupportedNodeMessage(what, fix)}
`);
  process.exit(2);
}

export {
  exitUnlessSupportedNode
};
