import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileControllerStore, FileStoreCorruptError } from '../../../src/controller/store/file-store.js';
import { createControllerStore } from '../../../src/controller/store/create-store.js';
import { defaultControllerConfig } from '../../../src/controller/config/controller-config.js';
import { NotLeaderError, StoreUnavailableError, type Leadership } from '../../../src/controller/store/controller-store.js';
import { tempDir } from '../../support/nameserver-harness.js';
import { silentLogger } from '../../../src/util/logger.js';

describe('file controller store', () => {
  it('leads from start to close, and commits atomically in order', async () => {
    const file = path.join(tempDir('file-store-'), 'state', 'controller-state.json');
    const store = new FileControllerStore({ file, selfAddress: '127.0.0.1:9878' });
    const seen: Leadership[] = [];
    store.onLeadershipChange((l) => seen.push(l));
    assert.equal(store.leadership().role, 'follower');
    await store.start();
    assert.deepEqual(store.leadership(), { role: 'leader', term: 1, leaderAddress: '127.0.0.1:9878' });
    await Promise.all([
      store.commit([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]),
      store.commit([{ key: 'a', value: null }]),
      store.commit([{ key: 'c', value: '3' }]),
    ]);
    assert.deepEqual([...(await store.readAll())], [['b', '2'], ['c', '3']]);
    const again = new FileControllerStore({ file, selfAddress: 'x:1' });
    await again.start();
    assert.deepEqual([...(await again.readAll())], [['b', '2'], ['c', '3']]);
    await store.close();
    await assert.rejects(store.commit([{ key: 'd', value: '4' }]), NotLeaderError);
    assert.deepEqual(seen.map((l) => l.role), ['leader', 'unavailable']);
  });

  it('refuses a corrupt file at start rather than start empty, and reports a failed write as unknown', async () => {
    const dir = tempDir('file-store-');
    const file = path.join(dir, 'controller-state.json');
    fs.writeFileSync(file, '{"records":');
    await assert.rejects(new FileControllerStore({ file, selfAddress: 'x:1' }).start(), FileStoreCorruptError);
    fs.writeFileSync(file, '{"records":{"a":1}}');
    await assert.rejects(new FileControllerStore({ file, selfAddress: 'x:1' }).start(), /records/);

    const folder = path.join(dir, 'gone');
    const store = new FileControllerStore({ file: path.join(folder, 'state.json'), selfAddress: 'x:1' });
    await store.start();
    fs.writeFileSync(folder, ''); // where the folder should be, a file: no write can succeed
    await assert.rejects(store.commit([{ key: 'a', value: '1' }]), StoreUnavailableError);
  });

  it('is what controllerStore=file builds; etcd builds the etcd store', async () => {
    const config = defaultControllerConfig('/home/u');
    const common = { homeDir: '/home/u', selfAddress: 'x:1', selfId: 'n0', logger: silentLogger() };
    assert.ok(createControllerStore({ config, ...common }) instanceof FileControllerStore);
    const etcd = createControllerStore({
      config: { ...config, controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:1', controllerDLegerGroup: 'g' },
      ...common,
    });
    assert.ok(!(etcd instanceof FileControllerStore));
    assert.notEqual(etcd.leadership().role, 'leader', 'not before it has started and won');
    await etcd.close();
  });
});
