import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { StoreUnavailableError } from '../../../../src/controller/store/controller-store.js';
import type { Logger } from '../../../../src/util/logger.js';
import { ETCD_MISSING } from '../../../support/etcd-cluster.js';
import { isLeader } from '../../../support/etcd-store-process.js';
import { until } from '../../../support/until.js';
import { commitOnLeader, countingTimers, faultKit, firstToLead, isUnavailable, raftLeaderIndex } from './fault-kit.js';

describe('etcd controller store faults: restarts, etcd members lost, etcd unreachable', { skip: ETCD_MISSING }, () => {
  const { cluster, options, inProcess, child } = faultKit();

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

  // A paused member accepts connections and never answers: every call to it must end at its
  // timeout and go to another member, however busy the test process's heap is.
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
