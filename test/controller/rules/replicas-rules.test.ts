import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeElectMasterBody, decodeSyncStateSet } from '../../../src/protocol/bodies/controller-bodies.js';
import { ControllerResponseCode as Code } from '../../../src/protocol/controller-codes.js';
import type { CandidateInfo, Liveness } from '../../../src/controller/rules/elect-policy.js';
import * as rules from '../../../src/controller/rules/replicas-rules.js';
import { ReplicasState } from '../../../src/controller/state/replicas-state.js';

/** Liveness as a test sets it: which replicas are alive, and what they reported. */
class FakeLiveness implements Liveness {
  private readonly alive = new Map<string, CandidateInfo | undefined>();
  set(cluster: string, broker: string, id: number, info?: Partial<CandidateInfo>): void {
    this.alive.set(`${cluster}/${broker}/${id}`, info && { epoch: 0, maxOffset: 0n, electionPriority: 0, ...info });
  }
  kill(cluster: string, broker: string, id: number): void {
    this.alive.delete(`${cluster}/${broker}/${id}`);
  }
  isAlive(cluster: string, broker: string, id: number): boolean {
    return this.alive.has(`${cluster}/${broker}/${id}`);
  }
  candidateInfo(cluster: string, broker: string, id: number): CandidateInfo | undefined {
    return this.alive.get(`${cluster}/${broker}/${id}`);
  }
}

const C = 'DefaultCluster';
const B = 'broker-a';

function setup(unclean = false) {
  const state = new ReplicasState();
  const liveness = new FakeLiveness();
  const ctx = (connectionClusters: string[] = []): rules.RuleContext => ({ state, liveness, enableElectUncleanMaster: unclean, connectionClusters });
  /** Decides and, as the service does once durable, applies. */
  const run = (decision: rules.Decision) => {
    state.apply(decision.events);
    return decision;
  };
  const join = (id: number, cluster = C, broker = B) => {
    const address = `127.0.0.1:${10900 + id}`;
    assert.equal(run(rules.applyBrokerId(ctx(), { clusterName: cluster, brokerName: broker, appliedBrokerId: id, registerCheckCode: `${address};${id}` })).code, Code.SUCCESS);
    liveness.set(cluster, broker, id);
    return address;
  };
  return { state, liveness, ctx, run, join };
}

describe('broker ids', () => {
  it('offers 1 to a new set, then the next free id; an id is applied once, except by its owner', () => {
    const { ctx, run } = setup();
    assert.equal(rules.getNextBrokerId(ctx(), C, B).header?.nextBrokerId, 1);
    assert.equal(run(rules.applyBrokerId(ctx(), { clusterName: C, brokerName: B, appliedBrokerId: 2, registerCheckCode: 'a;1' })).code, Code.CONTROLLER_BROKER_ID_INVALID);
    assert.equal(run(rules.applyBrokerId(ctx(), { clusterName: C, brokerName: B, appliedBrokerId: 1, registerCheckCode: '127.0.0.1:10911;1' })).code, Code.SUCCESS);
    assert.equal(rules.getNextBrokerId(ctx(), C, B).header?.nextBrokerId, 2);
    assert.equal(run(rules.applyBrokerId(ctx(), { clusterName: C, brokerName: B, appliedBrokerId: 1, registerCheckCode: '127.0.0.1:10911;1' })).code, Code.SUCCESS, 'the owner again');
    const taken = run(rules.applyBrokerId(ctx(), { clusterName: C, brokerName: B, appliedBrokerId: 1, registerCheckCode: '127.0.0.1:10912;2' }));
    assert.equal(taken.code, Code.CONTROLLER_BROKER_ID_INVALID);
    assert.match(taken.remark ?? '', /Fail to apply brokerId: 1/);
  });

  it('never offers an id a broker took out of order (Java would offer it again forever)', () => {
    const { ctx, run, join } = setup();
    join(1);
    assert.equal(run(rules.applyBrokerId(ctx(), { clusterName: C, brokerName: B, appliedBrokerId: 5, registerCheckCode: 'x:1;1' })).code, Code.SUCCESS);
    assert.equal(rules.getNextBrokerId(ctx(), C, B).header?.nextBrokerId, 6);
  });
});

describe('registration', () => {
  it('needs the set and the id, answers the live master, and records a changed address', () => {
    const { ctx, run, join, state } = setup();
    assert.equal(rules.registerBroker(ctx(), { clusterName: C, brokerName: B, brokerId: 1, brokerAddress: 'a:1' }).code, Code.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED);
    join(1);
    assert.equal(rules.registerBroker(ctx(), { clusterName: C, brokerName: B, brokerId: 2, brokerAddress: 'a:1' }).code, Code.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED);
    const before = rules.registerBroker(ctx(), { clusterName: C, brokerName: B, brokerId: 1, brokerAddress: '127.0.0.1:10901' });
    assert.equal(before.code, Code.SUCCESS);
    assert.equal(before.header?.masterBrokerId, undefined, 'no master yet');
    assert.equal(before.events.length, 0);
    run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
    const moved = run(rules.registerBroker(ctx(), { clusterName: C, brokerName: B, brokerId: 1, brokerAddress: '10.0.0.1:10911' }));
    assert.deepEqual(moved.header, { clusterName: C, brokerName: B, masterBrokerId: 1, masterAddress: '127.0.0.1:10901', masterEpoch: 1, syncStateSetEpoch: 1 });
    assert.deepEqual(decodeSyncStateSet(moved.body!), { syncStateSet: [1], syncStateSetEpoch: 1 });
    assert.equal(state.get(C, B)?.replicas.get(1)?.address, '10.0.0.1:10911');
  });
});

describe('elections', () => {
  it('makes the first broker that asks master, and tells the second that a master exists', () => {
    const { ctx, run, join } = setup();
    join(1);
    join(2);
    const first = run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 2 }));
    assert.equal(first.code, Code.SUCCESS);
    assert.deepEqual(first.header, { masterBrokerId: 2, masterAddress: '127.0.0.1:10902', masterEpoch: 1, syncStateSetEpoch: 1 });
    const body = decodeElectMasterBody(first.body!);
    assert.deepEqual(body.syncStateSet, [2]);
    assert.deepEqual([...body.brokerMemberGroup!.brokerAddrs], [[1, '127.0.0.1:10901'], [2, '127.0.0.1:10902']]);
    assert.equal(first.roleChange?.masterBrokerId, 2);
    const second = run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
    assert.equal(second.code, Code.CONTROLLER_MASTER_STILL_EXIST);
    assert.equal(second.header?.masterBrokerId, 2);
    assert.equal(second.events.length, 0);
  });

  it('replaces a dead master from the sync state set only, unless unclean elections are enabled', () => {
    for (const unclean of [false, true]) {
      const { ctx, run, join, liveness, state } = setup(unclean);
      join(1);
      join(2);
      join(3);
      run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
      run(rules.alterSyncStateSet(ctx(), { brokerName: B, masterBrokerId: 1, masterEpoch: 1, syncStateSet: [1, 2], syncStateSetEpoch: 1 }));
      liveness.kill(C, B, 1);
      const elected = run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B }));
      assert.equal(elected.header?.masterBrokerId, 2, 'the in-sync replica');
      liveness.kill(C, B, 2);
      const last = run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B }));
      if (unclean) {
        assert.equal(last.code, Code.SUCCESS);
        assert.equal(state.get(C, B)?.masterBrokerId, 3);
      } else {
        assert.equal(last.code, Code.CONTROLLER_MASTER_NOT_AVAILABLE);
        assert.equal(state.get(C, B)?.masterBrokerId, null);
        assert.equal(state.get(C, B)?.masterEpoch, 3, 'an election without a winner still bumps the epoch');
        assert.deepEqual([...state.get(C, B)!.syncStateSet], [2], 'the sync state set is kept for when a replica returns');
      }
    }
  });

  it('orders candidates by epoch, then max offset (exact beyond 2^53), then priority, then id, losing no tie', () => {
    const cases: Array<[Array<Partial<CandidateInfo>>, number]> = [
      [[{ epoch: 1, maxOffset: 900n }, { epoch: 2, maxOffset: 10n }, { epoch: 2, maxOffset: 5n }], 2],
      [[{ epoch: 2, maxOffset: 9007199254740993n }, { epoch: 2, maxOffset: 9007199254740992n }, {}], 1],
      [[{ epoch: 2, maxOffset: 2n ** 62n }, { epoch: 2, maxOffset: -(2n ** 62n) }, {}], 1],
      [[{ maxOffset: 7n, electionPriority: 3 }, { maxOffset: 7n, electionPriority: 1 }, { maxOffset: 7n, electionPriority: 2 }], 2],
      [[{ maxOffset: 7n }, { maxOffset: 7n }, { maxOffset: 7n }], 1],
    ];
    for (const [infos, winner] of cases) {
      const { ctx, run, join, liveness } = setup();
      for (const id of [1, 2, 3, 4]) join(id);
      run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 4 }));
      run(rules.alterSyncStateSet(ctx(), { brokerName: B, masterBrokerId: 4, masterEpoch: 1, syncStateSet: [1, 2, 3, 4], syncStateSetEpoch: 1 }));
      infos.forEach((info, i) => liveness.set(C, B, i + 1, { epoch: 0, maxOffset: 0n, electionPriority: 0, ...info }));
      liveness.kill(C, B, 4);
      assert.equal(run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B })).header?.masterBrokerId, winner, JSON.stringify(infos, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    }
  });

  it('elects a designated replica only when it is eligible', () => {
    const { ctx, run, join } = setup();
    join(1);
    join(2);
    join(3);
    run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
    run(rules.alterSyncStateSet(ctx(), { brokerName: B, masterBrokerId: 1, masterEpoch: 1, syncStateSet: [1, 2], syncStateSetEpoch: 1 }));
    assert.equal(run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 3, designateElect: true })).code, Code.CONTROLLER_ELECT_MASTER_FAILED);
    assert.equal(run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1, designateElect: true })).code, Code.CONTROLLER_MASTER_STILL_EXIST);
    const moved = run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 2, designateElect: true }));
    assert.equal(moved.code, Code.SUCCESS);
    assert.equal(moved.header?.masterBrokerId, 2);
    assert.equal(moved.header?.masterEpoch, 2);
  });

  it('refuses an election for a set nobody registered', () => {
    const { ctx } = setup();
    assert.equal(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }).code, Code.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED);
  });

  it('finds the sets whose master is gone while a replica lives', () => {
    const { ctx, run, join, liveness, state } = setup();
    join(1);
    join(2);
    run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
    assert.deepEqual(rules.setsNeedingElection(state, liveness), []);
    liveness.kill(C, B, 1);
    assert.deepEqual(rules.setsNeedingElection(state, liveness).map((s) => s.brokerName), [B]);
    liveness.kill(C, B, 2);
    assert.deepEqual(rules.setsNeedingElection(state, liveness), [], 'nobody alive to elect');
  });
});

describe('sync state set', () => {
  function elected() {
    const s = setup();
    s.join(1);
    s.join(2);
    s.join(3);
    s.run(rules.electMasterRule(s.ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
    return s;
  }
  const alter = (over: Partial<Parameters<typeof rules.alterSyncStateSet>[1]> = {}) => ({
    brokerName: B, masterBrokerId: 1, masterEpoch: 1, syncStateSet: [1, 2], syncStateSetEpoch: 1, ...over,
  });

  it('grows with a new epoch', () => {
    const { ctx, run, state } = elected();
    const done = run(rules.alterSyncStateSet(ctx(), alter()));
    assert.equal(done.code, Code.SUCCESS);
    assert.deepEqual(done.header, { newSyncStateSetEpoch: 2 });
    assert.deepEqual(decodeSyncStateSet(done.body!), { syncStateSet: [1, 2], syncStateSetEpoch: 2 });
    assert.deepEqual([...state.get(C, B)!.syncStateSet], [1, 2]);
  });

  it('fences stale masters and epochs, and refuses unknown, dead or masterless sets', () => {
    const { ctx, liveness } = elected();
    const code = (over: Parameters<typeof alter>[0]) => rules.alterSyncStateSet(ctx(), alter(over)).code;
    assert.equal(code({ syncStateSet: [1] }), Code.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, 'unchanged');
    assert.equal(code({ masterBrokerId: 2 }), Code.CONTROLLER_INVALID_MASTER);
    assert.equal(code({ masterEpoch: 0 }), Code.CONTROLLER_FENCED_MASTER_EPOCH);
    assert.equal(code({ syncStateSetEpoch: 0 }), Code.CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH);
    assert.equal(code({ syncStateSet: [1, 9] }), Code.CONTROLLER_INVALID_REPLICAS);
    liveness.kill(C, B, 2);
    assert.equal(code({ syncStateSet: [1, 2] }), Code.CONTROLLER_BROKER_NOT_ALIVE);
    assert.equal(code({ syncStateSet: [3] }), Code.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, 'without the master');
    assert.equal(code({ brokerName: 'other' }), Code.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED);
  });
});

describe('cleaning broker data', () => {
  it('refuses while the set has a master or the replicas live, unless told to clean living brokers', () => {
    const { ctx, run, join, state, liveness } = setup();
    join(1);
    join(2);
    run(rules.electMasterRule(ctx(), { clusterName: C, brokerName: B, brokerId: 1 }));
    assert.equal(rules.cleanBrokerData(ctx(), { brokerName: B }).code, Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA);
    assert.equal(rules.cleanBrokerData(ctx(), { brokerName: B, brokerControllerIdsToClean: '2' }).code, Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA);
    assert.equal(rules.cleanBrokerData(ctx(), { brokerName: B, brokerControllerIdsToClean: '2;x' }).code, Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA);
    liveness.kill(C, B, 2);
    assert.equal(run(rules.cleanBrokerData(ctx(), { brokerName: B, brokerControllerIdsToClean: '2' })).code, Code.SUCCESS);
    assert.deepEqual([...state.get(C, B)!.replicas.keys()], [1]);
    assert.equal(run(rules.cleanBrokerData(ctx(), { brokerName: B, isCleanLivingBroker: true })).code, Code.SUCCESS);
    assert.equal(state.get(C, B), undefined);
    assert.equal(rules.cleanBrokerData(ctx(), { brokerName: B, isCleanLivingBroker: true }).code, Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA, 'gone');
  });
});

describe('one broker name in two clusters', () => {
  it('keeps two independent sets; a request naming only the broker name is served where unambiguous', () => {
    const { ctx, run, join, state } = setup();
    join(1, 'c1');
    join(1, 'c2');
    join(2, 'c2');
    run(rules.electMasterRule(ctx(), { clusterName: 'c1', brokerName: B, brokerId: 1 }));
    run(rules.electMasterRule(ctx(), { clusterName: 'c2', brokerName: B, brokerId: 2 }));
    assert.equal(state.get('c1', B)?.masterBrokerId, 1);
    assert.equal(state.get('c2', B)?.masterBrokerId, 2);
    assert.equal(rules.getNextBrokerId(ctx(), 'c1', B).header?.nextBrokerId, 2);
    assert.equal(rules.getNextBrokerId(ctx(), 'c2', B).header?.nextBrokerId, 3);
    const ambiguous = rules.getReplicaInfo(ctx(), B);
    assert.equal(ambiguous.code, Code.CONTROLLER_INVALID_REQUEST);
    assert.match(ambiguous.remark ?? '', /c1, c2/);
    assert.equal(rules.getReplicaInfo(ctx(['c2']), B).header?.masterBrokerId, 2, 'the cluster heartbeating on the connection');
    assert.equal(run(rules.alterSyncStateSet(ctx(['c2']), { brokerName: B, masterBrokerId: 2, masterEpoch: 1, syncStateSet: [1, 2], syncStateSetEpoch: 1 })).code, Code.SUCCESS);
    assert.deepEqual([...state.get('c1', B)!.syncStateSet], [1]);
  });
});
