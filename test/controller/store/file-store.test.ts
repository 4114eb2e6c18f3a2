import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileControllerStore, FileStoreCorruptError, journalFileOf } from '../../../src/controller/store/file-store.js';
import { createControllerStore } from '../../../src/controller/store/create-store.js';
import { defaultControllerConfig } from '../../../src/controller/config/controller-config.js';
import { NotLeaderError, StoreUnavailableError, type Leadership } from '../../../src/controller/store/controller-store.js';
import { tempDir } from '../../support/nameserver-harness.js';
import { silentLogger } from '../../../src/util/logger.js';
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
    await again.close();
    await store.close();
    await assert.rejects(store.commit([{ key: 'd', value: '4' }]), NotLeaderError);
    assert.deepEqual(seen.map((l) => l.role), ['leader', 'unavailable']);
  });

  it('refuses a corrupt snapshot at start rather than start empty, and files it cannot read', async () => {
    const dir = tempDir('file-store-');
    const file = path.join(dir, 'controller-state.json');
    fs.writeFileSync(file, '{"records":');
    await assert.rejects(new FileControllerStore({ file, selfAddress: 'x:1' }).start(), FileStoreCorruptError);
    fs.writeFileSync(file, '{"records":{"a":1}}');
    await assert.rejects(new FileControllerStore({ file, selfAddress: 'x:1' }).start(), /records/);

    const unreadable = path.join(dir, 'other', 'controller-state.json');
    fs.mkdirSync(journalFileOf(unreadable), { recursive: true }); // a folder where the journal should be
    await assert.rejects(new FileControllerStore({ file: unreadable, selfAddress: 'x:1' }).start(), StoreUnavailableError);
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
    const store = new FileControllerStore({ file, selfAddress: 'x:1', beforeWrite: writes.beforeWrite });
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
    assert.equal(writes.count, 2, 'one entry for the first commit, one for the two that came while it was written');
    assert.equal(fs.readFileSync(journalFileOf(file), 'utf8'), '[["a","1"]]\n[["b","2"],["a",null],["c","3"]]\n');
    await store.close();
    // Stopped cleanly: everything in the snapshot, as a build without a journal reads it.
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { version: 1, records: { b: '2', c: '3' } });
    assert.equal(fs.statSync(journalFileOf(file)).size, 0);
  });

  it('a failed write fails the commits made after it too, until the files are read again', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const writes = heldWrites();
    const store = new FileControllerStore({ file, selfAddress: 'x:1', beforeWrite: writes.beforeWrite });
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
    await store.close();
    assert.deepEqual(await recordsIn(file), { kept: '1', d: '4' });
  });

  it('a journal entry a crash cut short was never acknowledged: it is cut off, and appends go on after the last whole one', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const whole = '[["b","2"]]\n[["a",null],["c","3"]]\n';
    for (const torn of ['[["d","4', '[["d","4"]]\u0000\u0000', '\u0000\u0000\u0000\n']) {
      fs.writeFileSync(file, '{"version":1,"records":{"a":"1"}}\n');
      fs.writeFileSync(journalFileOf(file), whole + torn);
      const store = new FileControllerStore({ file, selfAddress: 'x:1' });
      await store.start();
      assert.deepEqual(Object.fromEntries(await store.readAll()), { b: '2', c: '3' }, JSON.stringify(torn));
      assert.equal(fs.readFileSync(journalFileOf(file), 'utf8'), whole, 'the torn entry is gone from the file');
      await store.commit([{ key: 'e', value: '5' }]);
      await store.close();
      assert.deepEqual(await recordsIn(file), { b: '2', c: '3', e: '5' });
    }
  });

  it('refuses a journal with an unreadable entry before its last one', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    fs.writeFileSync(journalFileOf(file), '[["a","1"]]\n{"not":"changes"}\n[["b","2"]]\n');
    await assert.rejects(new FileControllerStore({ file, selfAddress: 'x:1' }).start(), (err: unknown) => err instanceof FileStoreCorruptError && /byte 12/.test((err as Error).message));
  });

  it('folds the journal into a new snapshot once it outgrows it; a crash before the journal was emptied changes nothing', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const store = new FileControllerStore({ file, selfAddress: 'x:1', compactAfterBytes: 200 });
    await store.start();
    const expected: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      await store.commit([{ key: `set-${i % 7}`, value: `{"epoch":${i}}` }, ...(i % 5 === 4 ? [{ key: `set-${i % 7}`, value: null }] : [])]);
      if (i % 5 === 4) delete expected[`set-${i % 7}`];
      else expected[`set-${i % 7}`] = `{"epoch":${i}}`;
    }
    await store.close();
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; records: Record<string, string> };
    assert.equal(snapshot.version, 1);
    assert.ok(Object.keys(snapshot.records).length > 0, 'a snapshot was written');
    const left = fs.readFileSync(journalFileOf(file), 'utf8').split('\n').length - 1;
    assert.ok(left < 10, `and the journal emptied: ${left} of 20 entries left`);
    assert.deepEqual(await recordsIn(file), expected);

    // The crash between the two: a snapshot that holds everything, beside the journal it was made from.
    const crashed = path.join(tempDir('file-store-'), 'controller-state.json');
    fs.writeFileSync(crashed, JSON.stringify({ version: 1, records: { b: '2', c: '3' } }));
    fs.writeFileSync(journalFileOf(crashed), '[["a","1"],["b","1"]]\n[["a",null],["b","2"]]\n[["c","3"]]\n');
    assert.deepEqual(await recordsIn(crashed), { b: '2', c: '3' });
  });

  it('a failure outside the journal write fails every commit not yet answered, and later ones, without an unhandled rejection', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const writes = heldWrites();
    const store = new FileControllerStore({ file, selfAddress: 'x:1', beforeWrite: writes.beforeWrite });
    await store.start();
    // The in-memory state refuses the change once the entry is on disk: a fault past the write's own try.
    const broken = { set: () => { throw new Error('state broke'); }, delete: () => { throw new Error('state broke'); } };
    (store as unknown as { records: unknown }).records = broken;
    const first = store.commit([{ key: 'a', value: '1' }]);
    await until(() => writes.held.length === 1);
    const waiting = store.commit([{ key: 'b', value: '2' }]);
    writes.held[0]!.resolve();
    for (const commit of [first, waiting]) {
      await assert.rejects(commit, (err: unknown) => err instanceof StoreUnavailableError && /state broke/.test((err as Error).message));
    }
    await assert.rejects(store.commit([{ key: 'c', value: '3' }]), StoreUnavailableError);
    assert.deepEqual(Object.fromEntries(await store.readAll()), { a: '1' }, 'read again: what reached the journal');
    await store.close();
  });

  it('a compaction that fails keeps the journal, says so once, and loses nothing', async () => {
    const file = path.join(tempDir('file-store-'), 'controller-state.json');
    const warnings: string[] = [];
    const logger = { warn: (_fields: object, message: string) => void warnings.push(message) } as never;
    const store = new FileControllerStore({ file, selfAddress: 'x:1', compactAfterBytes: 20, logger });
    await store.start();
    fs.mkdirSync(file); // the snapshot cannot be written: a folder stands where it goes
    await store.commit([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    await until(() => warnings.length > 0); // compaction follows the acknowledgement
    assert.match(warnings[0]!, /journal is kept/);
    assert.equal(fs.readFileSync(journalFileOf(file), 'utf8'), '[["a","1"],["b","2"]]\n', 'the journal still holds the change');
    await store.commit([{ key: 'c', value: '3' }]);
    await store.close(); // waits for the write under way, then tries to fold the journal once more
    assert.equal(warnings.length, 2, 'one warning per failure: the first, then the one on close; none before the journal grew as much again');
    fs.rmdirSync(file);
    assert.deepEqual(await recordsIn(file), { a: '1', b: '2', c: '3' });
  });
});

/** What a store started on these files reads. */
async function recordsIn(file: string): Promise<Record<string, string>> {
  const store = new FileControllerStore({ file, selfAddress: 'x:1' });
  await store.start();
  try {
    return Object.fromEntries(await store.readAll());
  } finally {
    await store.close();
  }
}

/** Writes that wait for the test to let each one through, or fail it. */
function heldWrites() {
  const held: { resolve(): void; reject(error: Error): void }[] = [];
  let count = 0;
  return {
    held,
    get count() {
      return count;
    },
    beforeWrite(): Promise<void> {
      count++;
      return new Promise<void>((resolve, reject) => held.push({ resolve, reject }));
    },
    releaseNext(failure?: Error): void {
      const next = held.shift()!;
      if (failure) next.reject(failure);
      else next.resolve();
    },
  };
}
