import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotLeaderError, StoreUnavailableError, type ControllerStore } from '../../../../src/controller/store/controller-store.js';
import { createEtcdStore, type EtcdStoreOptions, type Timers } from '../../../../src/controller/store/etcd/index.js';
import { ManualClock } from '../../../../src/util/clock.js';
import { silentLogger } from '../../../../src/util/logger.js';
import { until } from '../../../support/until.js';
import { ETCD_MISSING, startEtcdCluster, type EtcdCluster } from '../../../support/etcd-cluster.js';
import { isLeader, leadershipOf } from '../../../support/etcd-store-process.js';

/** Timers that fire only when the test says: the store's loop stands still in between. */
class ManualTimers implements Timers {
  private nextHandle = 1;
  private readonly queued = new Map<number, () => void>();

  setTimeout(callback: () => void): unknown {
    const handle = this.nextHandle++;
    this.queued.set(handle, callback);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.queued.delete(handle as number);
  }

  fireAll(): void {
    const due = [...this.queued.values()];
    this.queued.clear();
    for (const callback of due) callback();
  }
}

let groupCounter = 0;

describe('etcd controller store options', () => {
  it('refuses a group whose name could reach into another group\'s keys, and a TTL that is not whole seconds', () => {
    const base = { endpoints: ['http://127.0.0.1:2379'], group: 'g', selfAddress: 'a:1', logger: silentLogger() };
    assert.throws(() => createEtcdStore({ ...base, group: 'g/records' }), /without '\/'/);
    assert.throws(() => createEtcdStore({ ...base, group: '' }), /group/);
    assert.throws(() => createEtcdStore({ ...base, leaseTtlSeconds: 0.5 }), /leaseTtlSeconds/);
    assert.equal(createEtcdStore(base).leadership().role, 'unavailable');
  });
});

describe('etcd controller store', { skip: ETCD_MISSING }, () => {
  let cluster: EtcdCluster;
  const stores: ControllerStore[] = [];
  before(async () => {
    cluster = await startEtcdCluster(1);
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await cluster?.stop();
  });

  /** A store of its own group unless told otherwise, so that tests do not meet. */
  function store(selfAddress: string, overrides: Partial<EtcdStoreOptions> = {}): ControllerStore {
    const created = createEtcdStore({ endpoints: cluster.endpoints, group: `group-${groupCounter}`, selfAddress, leaseTtlSeconds: 2, logger: silentLogger(), ...overrides });
    stores.push(created);
    return created;
  }

  it('one of two controllers leads, the other follows it; only the leader commits, both read the same records', async () => {
    groupCounter++;
    const a = store('10.0.0.1:9878');
    await a.start();
    const b = store('10.0.0.2:9878');
    await b.start();
    assert.deepEqual(a.leadership(), { role: 'leader', term: (a.leadership() as { term: number }).term, leaderAddress: '10.0.0.1:9878' });
    assert.deepEqual(b.leadership(), { role: 'follower', leaderAddress: '10.0.0.1:9878' });

    await a.commit([
      { key: 'DefaultCluster/broker-a', value: '{"epoch":1}' },
      { key: 'DefaultCluster/broker-b', value: '{"epoch":3}' },
    ]);
    await a.commit([{ key: 'DefaultCluster/broker-b', value: null }]);
    await assert.rejects(b.commit([{ key: 'x', value: 'y' }]), (err: unknown) => err instanceof NotLeaderError && err.leaderAddress === '10.0.0.1:9878');

    const expected = new Map([['DefaultCluster/broker-a', '{"epoch":1}']]);
    assert.deepEqual(await a.readAll(), expected);
    assert.deepEqual(await b.readAll(), expected);
  });

  it('five controllers campaigning at once: exactly one wins, the others follow it', async () => {
    groupCounter++;
    const five = Array.from({ length: 5 }, (_, i) => store(`10.0.0.${i + 1}:9878`));
    await Promise.all(five.map((one) => one.start()));
    // On a busy machine a first read may time out: wait for the views to settle, then look.
    const addressOf = (one: ControllerStore) => {
      const view = one.leadership();
      return view.role === 'unavailable' ? null : view.leaderAddress;
    };
    const settled = () => {
      const leaders = five.filter((one) => one.leadership().role === 'leader');
      const address = leaders.length === 1 ? addressOf(leaders[0]) : null;
      return address !== null && five.every((one) => one === leaders[0] || (one.leadership().role === 'follower' && addressOf(one) === address));
    };
    await until(settled);
    assert.equal(five.filter((one) => one.leadership().role === 'leader').length, 1);
  });

  it('reads every record, however many pages etcd needs for them', async () => {
    groupCounter++;
    const a = store('10.0.0.1:9878');
    await a.start();
    const expected = new Map<string, string>();
    for (let batch = 0; batch < 11; batch++) {
      const changes = Array.from({ length: 100 }, (_, i) => ({ key: `broker-${batch}-${i}`, value: `{"n":${batch * 100 + i}}` }));
      for (const change of changes) expected.set(change.key, change.value);
      await a.commit(changes);
    }
    assert.deepEqual(await a.readAll(), expected);
  });

  it('refuses a change too large for one etcd transaction as a whole, with etcd\'s reason', async () => {
    groupCounter++;
    const a = store('10.0.0.1:9878');
    await a.start();
    // etcd's default --max-txn-ops is 128.
    const changes = Array.from({ length: 129 }, (_, i) => ({ key: `broker-${i}`, value: 'v' }));
    await assert.rejects(a.commit(changes), (err: unknown) => err instanceof StoreUnavailableError && /too many operations/.test(err.message));
    assert.deepEqual(await a.readAll(), new Map());
    assert.equal(a.leadership().role, 'leader');
  });

  it('keeps groups apart: each group has its own leader and records', async () => {
    groupCounter++;
    const a = store('10.0.0.1:9878', { group: `group-${groupCounter}-one` });
    const b = store('10.0.0.2:9878', { group: `group-${groupCounter}-two` });
    await Promise.all([a.start(), b.start()]);
    assert.equal(a.leadership().role, 'leader');
    assert.equal(b.leadership().role, 'leader');
    await a.commit([{ key: 'k', value: 'one' }]);
    assert.deepEqual(await b.readAll(), new Map());
  });

  it('a deposed leader that still believes it leads cannot write: etcd refuses its commit and it follows the new leader', async () => {
    groupCounter++;
    // The old leader's loop and clock stand still: only the fence in etcd can stop its commit.
    const stale = store('10.0.0.1:9878', { clock: new ManualClock(Date.now()), timers: new ManualTimers() });
    await stale.start();
    assert.equal(stale.leadership().role, 'leader');
    const next = store('10.0.0.2:9878');
    const nextLeadership = leadershipOf(next);
    await next.start();
    await revokeLeaderLease(cluster.endpoints[0], `/rocketmq/controller/group-${groupCounter}/leader`);
    await nextLeadership.until(isLeader);
    await next.commit([{ key: 'broker-a', value: 'from the new leader' }]);

    assert.equal(stale.leadership().role, 'leader', 'the stale view still claims leadership');
    await assert.rejects(
      stale.commit([{ key: 'broker-a', value: 'from the deposed leader' }]),
      (err: unknown) => err instanceof NotLeaderError && err.leaderAddress === '10.0.0.2:9878',
    );
    assert.deepEqual(stale.leadership(), { role: 'follower', leaderAddress: '10.0.0.2:9878' });
    assert.deepEqual(await next.readAll(), new Map([['broker-a', 'from the new leader']]));
  });

  it('gives leadership up locally once its lease could have expired unconfirmed, before etcd would let another lead', async () => {
    groupCounter++;
    const clock = new ManualClock(Date.now());
    const timers = new ManualTimers();
    const a = store('10.0.0.1:9878', { clock, timers });
    const announced = leadershipOf(a);
    await a.start();
    assert.equal(a.leadership().role, 'leader');
    clock.advance(2000 - 2000 / 6); // the TTL less the margin, with no renewal confirmed
    assert.equal(a.leadership().role, 'follower');
    await assert.rejects(a.commit([{ key: 'k', value: 'v' }]), NotLeaderError);
    timers.fireAll(); // the expiry timer announces it
    assert.deepEqual(announced.history[announced.history.length - 1], { role: 'follower', leaderAddress: null });
    assert.deepEqual(await a.readAll(), new Map());
  });

  it('hands leadership over on close', async () => {
    groupCounter++;
    const a = store('10.0.0.1:9878', { leaseTtlSeconds: 60 });
    const aLeadership = leadershipOf(a);
    await a.start();
    const b = store('10.0.0.2:9878');
    const bLeadership = leadershipOf(b);
    await b.start();
    assert.equal(b.leadership().role, 'follower');
    await a.close();
    assert.deepEqual(aLeadership.current, { role: 'follower', leaderAddress: null });
    // A 60 s lease: B leads this soon only because closing revoked it.
    await bLeadership.until(isLeader);
    await b.commit([{ key: 'k', value: 'v' }]);
  });
});

/** Revokes the lease the leader key carries, as if the leader's lease had expired. */
async function revokeLeaderLease(endpoint: string, leaderKey: string): Promise<void> {
  const range = (await (await fetch(`${endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from(leaderKey).toString('base64') }) })).json()) as {
    kvs: { lease: string }[];
  };
  const response = await fetch(`${endpoint}/v3/lease/revoke`, { method: 'POST', body: JSON.stringify({ ID: range.kvs[0].lease }) });
  assert.equal(response.status, 200);
}
