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
import { writeFileAtomic } from '../../../src/util/atomic-file.js';
import { until } from '../../support/until.js';

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

  it('commits made while a file is being written go out together in the next one, in order, each answered once its file is durable', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const writes = heldWrites();
    const store = new FileControllerStore({ file, selfAddress: 'x:1', writeFile: writes.writeFile });
    await store.start();
    const settled: string[] = [];
    const track = (name: string, commit: Promise<void>) => commit.then(() => void settled.push(name));
    const first = track('a', store.commit([{ key: 'a', value: '1' }]));
    await until(() => writes.held.length === 1);
    const rest = [
      track('b', store.commit([{ key: 'b', value: '2' }])),
      track('a deleted', store.commit([{ key: 'a', value: null }, { key: 'c', value: '3' }])),
    ];
    writes.releaseNext();
    await first;
    assert.deepEqual(settled, ['a']);
    await until(() => writes.held.length === 1);
    assert.deepEqual(settled, ['a'], 'the later two wait for their own file');
    writes.releaseNext();
    await Promise.all(rest);
    assert.deepEqual(settled, ['a', 'b', 'a deleted']);
    assert.equal(writes.count, 2, 'one file for the first commit, one for the two that came while it was written');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { version: 1, records: { b: '2', c: '3' } });
    await store.close();
  });

  it('a failed write fails the commits made after it too, until the file is read again', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const writes = heldWrites();
    const store = new FileControllerStore({ file, selfAddress: 'x:1', writeFile: writes.writeFile });
    await store.start();
    const kept = store.commit([{ key: 'kept', value: '1' }]);
    await until(() => writes.held.length === 1);
    writes.releaseNext();
    await kept;

    const failing = store.commit([{ key: 'a', value: '1' }]);
    await until(() => writes.held.length === 1);
    const waiting = store.commit([{ key: 'b', value: '2' }]); // may rest on the first
    writes.releaseNext(new Error('ENOSPC: no space left on device'));
    await assert.rejects(failing, (err: unknown) => err instanceof StoreUnavailableError && /ENOSPC/.test((err as Error).message));
    await assert.rejects(waiting, StoreUnavailableError);
    await assert.rejects(store.commit([{ key: 'c', value: '3' }]), StoreUnavailableError);
    assert.equal(writes.count, 2, 'nothing written after the failure');

    assert.deepEqual([...(await store.readAll())], [['kept', '1']]);
    const after = store.commit([{ key: 'd', value: '4' }]);
    await until(() => writes.held.length === 1);
    writes.releaseNext();
    await after;
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).records, { kept: '1', d: '4' });
    await store.close();
  });
});

/** Writes that wait for the test to let each one through (really writing it) or fail it. */
function heldWrites() {
  const held: { write: () => Promise<void>; resolve(): void; reject(error: Error): void }[] = [];
  let count = 0;
  return {
    held,
    get count() {
      return count;
    },
    writeFile(file: string, data: string): Promise<void> {
      count++;
      return new Promise<void>((resolve, reject) => held.push({ write: () => writeFileAtomic(file, data), resolve, reject }));
    },
    releaseNext(failure?: Error): void {
      const next = held.shift()!;
      if (failure) next.reject(failure);
      else next.write().then(next.resolve, next.reject);
    },
  };
}
