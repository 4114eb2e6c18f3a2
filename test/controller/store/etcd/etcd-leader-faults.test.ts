import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotLeaderError } from '../../../../src/controller/store/controller-store.js';
import { ETCD_MISSING } from '../../../support/etcd-cluster.js';
import { isLeader } from '../../../support/etcd-store-process.js';
import { until } from '../../../support/until.js';
import { faultKit, firstToLead, TTL_SECONDS } from './fault-kit.js';

describe('etcd controller store faults: the leader killed or paused', { skip: ETCD_MISSING }, () => {
  const { cluster, options, inProcess, child } = faultKit();

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
    let writerDone = false;
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
    })().finally(() => {
      writerDone = true;
    });
    await until(() => acknowledged.size >= 20 || writerDone);
    assert.ok(!writerDone, 'the leader stopped taking commits before it was killed');
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

});
