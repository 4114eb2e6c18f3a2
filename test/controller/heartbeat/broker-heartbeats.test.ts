import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerHeartbeats } from '../../../src/controller/heartbeat/broker-heartbeats.js';
import { ManualClock } from '../../../src/util/clock.js';

const beat = { clusterName: 'c', brokerName: 'b', brokerAddr: '127.0.0.1:10911', connectionId: 7 };

describe('broker heartbeats', () => {
  it('keeps a broker alive for its own timeout, or the default, and expires it after', () => {
    const clock = new ManualClock(0);
    const beats = new BrokerHeartbeats(clock, () => 10_000);
    beats.onHeartbeat({ ...beat, brokerId: 1, timeoutMillis: 3000 });
    beats.onHeartbeat({ ...beat, brokerId: 2 });
    clock.advance(3000);
    assert.equal(beats.isAlive('c', 'b', 1), true, 'at exactly its timeout');
    assert.deepEqual(beats.expire(), []);
    clock.advance(1);
    assert.equal(beats.isAlive('c', 'b', 1), false);
    assert.deepEqual(beats.expire(), [{ clusterName: 'c', brokerName: 'b', brokerId: 1, connectionId: 7 }], 'with the connection it beat on');
    assert.equal(beats.isAlive('c', 'b', 2), true);
    clock.advance(7000);
    assert.deepEqual(beats.expire().map((b) => b.brokerId), [2]);
    assert.equal(beats.size, 0);
  });

  it('moves a replica\'s log position only forward, exactly beyond 2^53', () => {
    const beats = new BrokerHeartbeats(new ManualClock(0), () => 10_000);
    beats.onHeartbeat({ ...beat, brokerId: 1, epoch: 2, maxOffset: 9007199254740993n, electionPriority: 5 });
    beats.onHeartbeat({ ...beat, brokerId: 1, epoch: 2, maxOffset: 9007199254740992n, electionPriority: 1 });
    assert.deepEqual(beats.candidateInfo('c', 'b', 1), { epoch: 2, maxOffset: 9007199254740993n, electionPriority: 1 });
    beats.onHeartbeat({ ...beat, brokerId: 1, epoch: 3, maxOffset: 5n });
    assert.equal(beats.candidateInfo('c', 'b', 1)?.maxOffset, 5n, 'a new epoch starts over');
  });

  it('forgets the brokers of a closed connection and tells which clusters use a connection', () => {
    const beats = new BrokerHeartbeats(new ManualClock(0), () => 10_000);
    beats.onHeartbeat({ ...beat, brokerId: 1 });
    beats.onHeartbeat({ ...beat, clusterName: 'other', brokerId: 1, connectionId: 8 });
    assert.deepEqual(beats.clustersOnConnection(7, 'b'), ['c']);
    assert.deepEqual(beats.onConnectionClosed(7), [{ clusterName: 'c', brokerName: 'b', brokerId: 1 }]);
    assert.equal(beats.isAlive('other', 'b', 1), true);
  });
  it('tells brokers apart that beat on one connection, and takes back a forgotten one that beats again', () => {
    const clock = new ManualClock(0);
    const beats = new BrokerHeartbeats(clock, () => 10_000);
    // A broker container: several brokers on one connection, in turn.
    beats.onHeartbeat({ ...beat, brokerId: 1 });
    beats.onHeartbeat({ ...beat, brokerId: 2 });
    beats.onHeartbeat({ ...beat, brokerName: 'other', brokerId: 1 });
    beats.onHeartbeat({ ...beat, clusterName: 'c2', brokerId: 1 });
    beats.onHeartbeat({ ...beat, brokerId: 1, epoch: 3, maxOffset: 5n });
    assert.equal(beats.size, 4);
    assert.deepEqual(beats.candidateInfo('c', 'b', 1), { epoch: 3, maxOffset: 5n, electionPriority: 2147483647 });
    assert.deepEqual(beats.candidateInfo('c', 'other', 1), { epoch: -1, maxOffset: -1n, electionPriority: 2147483647 });

    clock.advance(10_001);
    assert.equal(beats.expire().length, 4);
    beats.onHeartbeat({ ...beat, brokerId: 1 });
    assert.equal(beats.size, 1);
    assert.equal(beats.isAlive('c', 'b', 1), true, 'beating again after it was forgotten');
    assert.deepEqual(beats.onConnectionClosed(7), [{ clusterName: 'c', brokerName: 'b', brokerId: 1 }]);
    beats.onHeartbeat({ ...beat, brokerId: 1 });
    assert.equal(beats.isAlive('c', 'b', 1), true, 'and after its connection closed');
  });
});
