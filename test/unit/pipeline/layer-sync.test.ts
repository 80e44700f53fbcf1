import { describe, expect, it } from 'vitest';
import { LayerSync } from '../../../src/core/pipeline/layer-sync.js';

describe('dependsOn ordering inside a layer', () => {
  it('waits until every dependency has provisioned', async () => {
    const sync = new LayerSync([
      { name: 'db', dependsOn: [] },
      { name: 'cache', dependsOn: [] },
      { name: 'app', dependsOn: ['db', 'cache'] },
    ]);
    const order: string[] = [];
    const app = sync.waitFor(['db', 'cache'], new AbortController().signal).then(() => order.push('app'));
    await new Promise((r) => setTimeout(r, 10));
    sync.provisioned('db');
    order.push('db');
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['db']);
    sync.provisioned('cache');
    order.push('cache');
    await app;
    expect(order).toEqual(['db', 'cache', 'app']);
  });

  it('fails the waiter when a dependency fails, and stops on abort', async () => {
    const sync = new LayerSync([
      { name: 'db', dependsOn: [] },
      { name: 'app', dependsOn: ['db'] },
    ]);
    const waiting = sync.waitFor(['db'], new AbortController().signal);
    sync.failed('db', new Error('boom'));
    await expect(waiting).rejects.toThrow('db failed: boom');

    const ac = new AbortController();
    const never = new LayerSync([{ name: 'x', dependsOn: [] }]).waitFor(['x'], ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(never).rejects.toThrow('cancelled');
  });

  it('keeps a VM up until every VM depending on it is past provisioning, whatever its outcome', async () => {
    const sync = new LayerSync([
      { name: 'db', dependsOn: [] },
      { name: 'app', dependsOn: ['db'] },
      { name: 'web', dependsOn: ['db'] },
    ]);
    expect(sync.dependentsOf('db')).toEqual(['app', 'web']);
    let released = false;
    const hold = sync.waitForDependents('db', new AbortController().signal).then(() => (released = true));
    sync.provisioned('app');
    await new Promise((r) => setTimeout(r, 10));
    expect(released).toBe(false);
    sync.failed('web', new Error('boom'));
    await hold;
    expect(released).toBe(true);
    await sync.waitForDependents('app', new AbortController().signal);
  });
});
