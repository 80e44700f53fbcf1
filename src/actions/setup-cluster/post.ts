/** setup-cluster's post step: deletes the build namespace it created (cleanup: true). */
import * as core from '@actions/core';
import { deleteNamespace, loadKubeConfig } from '../toolkit/kubevirt-cluster.js';
import { runAction } from '../toolkit/run-action.js';

await runAction(async () => {
  if (core.getState('engine') !== 'kubevirt') return;
  const namespace = core.getState('namespace');
  if (!namespace || core.getState('namespaceCreated') !== 'true') return;
  if (core.getState('cleanup') === 'false') {
    core.info(`cleanup: false — keeping namespace ${namespace}`);
    return;
  }
  const kc = loadKubeConfig(core.getState('kubeconfig') || undefined);
  await deleteNamespace(kc, namespace);
  core.info(`deleted namespace ${namespace}`);
});
