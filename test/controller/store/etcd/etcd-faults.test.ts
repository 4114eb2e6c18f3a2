import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { NotLeaderError, StoreUnavailableError, type ControllerStore, type Leadership, type RecordChange } from '../../../../src/controller/store/controller-store.js';
import { createEtcdStore, type EtcdStoreOptions, type Timers } from '../../../../src/controller/store/etcd/index.js';
import { silentLogger, type Logger } from '../../../../src/util/logger.js';
import { ETCD_MISSING, startEtcdCluster, type EtcdCluster } from '../../../support/etcd-cluster.js';
import { isLeader, leadershipOf, startStoreProcess, type LeadershipLog, type StoreProcess } from '../../../support/etcd-store-process.js';
import { until } from '../../../support/until.js';

const TTL_SECONDS = 2;
const GROUP = 'DefaultControllerGroup';

describe('etcd controller store faults', { skip: ETCD_MISSING }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function cluster(size: 1 | 3): Promise<EtcdCluster> {
    const started = await startEtcdCluster(size);
    cleanups.push(() => started.stop());
    return started;
  }

  function options(etcd: EtcdCluster, selfAddress: string): EtcdStoreOptions {
    return { endpoints: etcd.endpoints, group: GROUP, selfAddress, leaseTtlSeconds: TTL_SECONDS, logger: silentLogger() };
  }

  async function inProcess(opts: EtcdStoreOptions): Promise<{ store: ControllerStore; leadership: LeadershipLog }> {
    const store = createEtcdStore(opts);
    const leadership = leadershipOf(store);
    cleanups.push(() => store.close());
    await store.start();
    return { store, leadership };
  }

  async function child(opts: EtcdStoreOptions): Promise<StoreProcess> {
    const { logger: _logger, ...serializable } = opts;
    const started = await startStoreProcess(serializable);
    cleanups.push(async () => {
      started.child.kill('SIGKILL');
      await started.exited;
    });
    return started;
  }

  it('kill -9 of the leader: another controller leads and every acknowledged commit is there', async (t) => {
    const etcd = await cluster(1);
    const leader = await child(options(etcd, '10.0.0.1:9878'));
    await leader.leadership.until(isLeader);
    const b = await inProcess(options(etcd, '10.0.0.2:9878'));
    const c = await inProcess(options(etcd, '10.0.0.3:9878'));
    assert.deepEqual(b.leadership.current, { role: 'follower', leaderAddress: '10.0.0.1:9878' });

    // Commits keep coming; the kill lands among them, after some were acknowledged.
    const acknowledged = new Map<string, string>();
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const change = { key: `broker-${i}`, value: `{"epoch":${i}}` };
        try {
          await leader.commit([change]);
        } catch {
          return;
        }
        acknowledged.set(change.key, change.value);
      }
    })();
    await until(() => acknowledged.size >= 20);
    const killedAt = performance.now();
    leader.child.kill('SIGKILL');
    await leader.exited;
    writing = false;
    await writer;

    const { one: next, address: nextAddress } = await firstToLead([b, c]);
    t.diagnostic(`failover after kill -9 (lease TTL ${TTL_SECONDS} s): ${Math.round(performance.now() - killedAt)} ms`);
    const records = await next.store.readAll();
    for (const [key, value] of acknowledged) assert.equal(records.get(key), value, `acknowledged ${key} lost`);
    await next.store.commit([{ key: 'after-failover', value: '1' }]);
    const other = next === b ? c : b;
    await other.leadership.until((view) => view.role === 'follower' && view.leaderAddress === nextAddress);
  });

  it('a leader paused past its lease and resumed cannot write; the new leader\'s writes stand', async (t) => {
    const etcd = await cluster(1);
    const paused = await child(options(etcd, '10.0.0.1:9878'));
    await paused.leadership.until(isLeader);
    await paused.commit([{ key: 'broker-a', value: 'epoch 1' }]);
    const b = await inProcess(options(etcd, '10.0.0.2:9878'));

    const pausedAt = performance.now();
    const viewsBeforePause = paused.leadership.history.length;
    paused.child.kill('SIGSTOP');
    await b.leadership.until(isLeader);
    t.diagnostic(`leadership moved ${Math.round(performance.now() - pausedAt)} ms after SIGSTOP (lease TTL ${TTL_SECONDS} s)`);
    assert.deepEqual(await b.store.readAll(), new Map([['broker-a', 'epoch 1']]));
    await b.store.commit([{ key: 'broker-a', value: 'epoch 2' }]);

    // The commit is queued to the paused process and is its first work on waking.
    const refused = paused.commit([{ key: 'broker-a', value: 'stale epoch' }]);
    paused.child.kill('SIGCONT');
    await assert.rejects(refused, (err: Error) => err.name === NotLeaderError.name);
    await paused.leadership.until((view) => view.role === 'follower' && view.leaderAddress === '10.0.0.2:9878');
    assert.ok(!paused.leadership.history.slice(viewsBeforePause).some(isLeader), 'the resumed controller never claimed leadership again');
    assert.deepEqual(await b.store.readAll(), new Map([['broker-a', 'epoch 2']]));
    assert.deepEqual(await paused.readAll(), new Map([['broker-a', 'epoch 2']]));
  });

  it('every controller and every etcd member restarted: the state is intact', async () => {
    const etcd = await cluster(3);
    const first = await child(options(etcd, '10.0.0.1:9878'));
    const second = await child(options(etcd, '10.0.0.2:9878'));
    const { one: leader } = await firstToLead([first, second]);
    const expected = new Map<string, string>();
    for (let i = 0; i < 10; i++) {
      const changes = [
        { key: `cluster/broker-${i}`, value: `{"master":${i}}` },
        { key: `cluster/broker-${i - 1}`, value: i % 3 === 0 ? null : `{"master":${i},"syncStateSet":[1,2]}` },
      ];
      await leader.commit(changes);
      for (const change of changes) {
        if (change.value === null) expected.delete(change.key);
        else expected.set(change.key, change.value);
      }
    }
    for (const process of [first, second]) {
      process.child.kill('SIGKILL');
      await process.exited;
    }
    for (const member of etcd.members) await member.kill();
    await Promise.all(etcd.members.map((member) => member.restart()));

    const again = [await inProcess(options(etcd, '10.0.0.1:9878')), await inProcess(options(etcd, '10.0.0.2:9878'))];
    const { one: next } = await firstToLead(again);
    assert.deepEqual(await next.store.readAll(), expected);
    await next.store.commit([{ key: 'cluster/after-restart', value: '1' }]);
  });

  it('one of three etcd members down (the raft leader): the controllers still serve', async () => {
    const etcd = await cluster(3);
    const a = await inProcess(options(etcd, '10.0.0.1:9878'));
    const b = await inProcess(options(etcd, '10.0.0.2:9878'));
    const both = [a, b];
    await commitOnLeader(etcd, both, [{ key: 'broker-a', value: 'before' }]);

    const raftLeader = await raftLeaderIndex(etcd);
    await etcd.members[raftLeader].kill();
    await commitOnLeader(etcd, both, [{ key: 'broker-b', value: 'after' }]);
    const expected = new Map([
      ['broker-a', 'before'],
      ['broker-b', 'after'],
    ]);
    assert.deepEqual(await a.store.readAll(), expected);
    assert.deepEqual(await b.store.readAll(), expected);
    // One leads, and the other knows whom.
    const { one: leader, address: leaderAddress } = await firstToLead(both);
    const follower = both.find((one) => one !== leader)!;
    assert.notEqual(follower.store.leadership().role, 'leader');
    await follower.leadership.until((view) => view.role === 'follower' && view.leaderAddress === leaderAddress);
  });

  it('one of three etcd members paused (the one the controllers ask first): the controllers still serve', async () => {
    const etcd = await cluster(3);
    const a = await inProcess(options(etcd, '10.0.0.1:9878'));
    const b = await inProcess(options(etcd, '10.0.0.2:9878'));
    await commitOnLeader(etcd, [a, b], [{ key: 'broker-a', value: 'before' }]);

    etcd.members[0].pause();
    await commitOnLeader(etcd, [a, b], [{ key: 'broker-b', value: 'while paused' }]);
    const expected = new Map([
      ['broker-a', 'before'],
      ['broker-b', 'while paused'],
    ]);
    assert.deepEqual(await a.store.readAll(), expected);
    assert.deepEqual(await b.store.readAll(), expected);
    etcd.members[0].resume();
  });

  it('etcd unreachable: unavailable, logged once per change, commits refused; leadership regained when etcd is back', async () => {
    const etcd = await cluster(1);
    const logs: { level: number; msg: string; store: string }[] = [];
    const capture = (name: string): Logger =>
      pino({ level: 'info', base: { store: name } }, { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) });
    const ticks = { count: 0 };
    const a = await inProcess({ ...options(etcd, '10.0.0.1:9878'), logger: capture('a'), timers: countingTimers(ticks) });
    await a.leadership.until(isLeader);
    const b = await inProcess({ ...options(etcd, '10.0.0.2:9878'), logger: capture('b'), timers: countingTimers(ticks) });
    await a.store.commit([{ key: 'broker-a', value: 'kept' }]);

    const viewsBeforeOutage = { a: a.leadership.history.length, b: b.leadership.history.length };
    const linesBeforeOutage = logs.length;
    await etcd.members[0].kill();
    await Promise.all([a.leadership.until(isUnavailable), b.leadership.until(isUnavailable)]);
    await assert.rejects(a.store.commit([{ key: 'broker-a', value: 'lost' }]), StoreUnavailableError);
    await assert.rejects(a.store.readAll(), StoreUnavailableError);
    // Many retries later, still one line each for the change.
    const ticksWhenDown = ticks.count;
    await until(() => ticks.count >= ticksWhenDown + 6);
    const linesOf = (name: string) => logs.slice(linesBeforeOutage).filter((line) => line.store === name && line.level >= 40);
    assert.deepEqual(
      linesOf('a').map((line) => line.msg),
      ['controller store: the leader lease could not be renewed in time; leadership given up', 'controller store: unavailable'],
    );
    assert.deepEqual(
      linesOf('b').map((line) => line.msg),
      ['controller store: unavailable'],
    );
    // The leader may first say it no longer knows who leads (its lease ran out before a renewal
    // failed), then unavailable; either way it never leads again while etcd is down.
    for (const [one, before] of [[a, viewsBeforeOutage.a], [b, viewsBeforeOutage.b]] as const) {
      const roles = one.leadership.history.slice(before).map((view) => view.role);
      assert.equal(roles.filter((role) => role === 'unavailable').length, 1, roles.join());
      assert.ok(!roles.includes('leader'), roles.join());
    }

    await etcd.members[0].restart();
    const { one: next } = await firstToLead([a, b]);
    assert.deepEqual(await next.store.readAll(), new Map([['broker-a', 'kept']]));
    await next.store.commit([{ key: 'broker-a', value: 'after the outage' }]);
  });
});

function isUnavailable(view: Leadership): boolean {
  return view.role === 'unavailable';
}

/** The first of these to lead, and its address as it announced it. */
function firstToLead<T extends { leadership: LeadershipLog }>(candidates: T[]): Promise<{ one: T; address: string }> {
  return Promise.race(candidates.map((one) => one.leadership.until(isLeader).then((view) => ({ one, address: (view as { leaderAddress: string }).leaderAddress }))));
}

/** Real timers that count how many callbacks have run: the store's retries, observable. */
function countingTimers(ticks: { count: number }): Timers {
  return {
    setTimeout(callback, ms) {
      return setTimeout(() => {
        ticks.count++;
        callback();
      }, ms);
    },
    clearTimeout(handle) {
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
}

/**
 * Commits on whichever controller leads. A commit refused because leadership moved, or whose
 * outcome etcd could not confirm (a member died under it), is retried once etcd is healthy and a
 * leader is known, as the controller does after reading again: these changes are idempotent.
 */
async function commitOnLeader(etcd: EtcdCluster, stores: { store: ControllerStore; leadership: LeadershipLog }[], changes: RecordChange[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { one: leader } = await firstToLead(stores);
    try {
      await leader.store.commit(changes);
      return;
    } catch (err) {
      if (attempt >= 5 || !(err instanceof StoreUnavailableError || err instanceof NotLeaderError)) throw err;
      await etcd.healthy();
    }
  }
}

/** Which member currently leads etcd's own raft group. */
async function raftLeaderIndex(etcd: EtcdCluster): Promise<number> {
  const statuses = await Promise.all(
    etcd.endpoints.map(async (endpoint) => (await (await fetch(`${endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}' })).json()) as { header: { member_id: string }; leader: string }),
  );
  const index = statuses.findIndex((status) => status.header.member_id === status.leader);
  assert.ok(index >= 0, 'etcd has a leader');
  return index;
}

