/**
 * Some engines run helper processes from the same entry script (the local engine's VM keeper, which
 * owns a detached VM): every entry point calls this first; true means this process is such a
 * helper, has taken over, and the entry must do nothing else.
 *
 * A file of its own, and the keeper loaded only when asked, because every action and the CLI pass
 * through here before anything else: importing the engines from here would load the kubevirt
 * engine's Kubernetes client (megabytes of code) into every step, most of which never use it.
 */
import { isKeeperProcess } from './local/keeper-protocol.js';

export async function runEngineHelperIfAsked(argv: readonly string[] = process.argv): Promise<boolean> {
  if (!isKeeperProcess(argv)) return false;
  const { runKeeper } = await import('./local/keeper.js');
  runKeeper();
  return true;
}
