import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/engines/local/keeper-protocol.ts
var KEEPER_FLAG = "--ruddervirt-vm-keeper";
function isKeeperProcess(argv = process.argv) {
  return argv.some((a) => a.startsWith(`${KEEPER_FLAG}=`));
}

export {
  KEEPER_FLAG,
  isKeeperProcess
};
