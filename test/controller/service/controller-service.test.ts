import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { encodeBrokerNameList } from '../../../src/protocol/bodies/controller-bodies.js';
import { ControllerResponseCode as Code } from '../../../src/protocol/controller-codes.js';
import {
  NotLeaderError, StoreUnavailableError, type ControllerStore, type Leadership, type RecordChange,
} from '../../../src/controller/store/controller-store.js';
import { until } from '../../support/until.js';
import { Req, request, startTestController, type TestController } from '../controller-harness.js';

/** A store the test steers: leadership, and commits that wait until released or fail. */
class SteeredStore implements ControllerStore {
  records = new Map<string, string>();
  reads = 0;
  private current: Leadership = { role: 'leader', term: 1, leaderAddress: '127.0.0.1:1' };
  private readonly listeners = new Set<(l: Leadership) => void>();
  gate: { promise: Promise<void>; release(): void } | null = null;
  failNext: Error | null = null;

  async start() {}
  async close() {}
  leadership() {
    return this.current;
  }
  onLeadershipChange(listener: (l: Leadership) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(leadership: Leadership) {
    this.current = leadership;
    for (const l of this.listeners) l(leadership);
  }
  async readAll() {
    this.reads++;
    return new Map(this.records);
  }
  hold() {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.gate = { promise, release };
  }
  async commit(changes: ReadonlyArray<RecordChange>) {
    if (this.gate) await this.gate.promise;
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    if (this.current.role !== 'leader') throw new NotLeaderError(null);
    for (const { key, value } of changes) value === null ? this.records.delete(key) : this.records.set(key, value);
  }
}

/**
 * A store that keeps commits in order and takes the next before the last is durable, as the file
 * store does: each commit waits until the test settles it, and once one fails every later one fails
 * too, until the state is read again.
 */
class PipelinedStore extends SteeredStore {
  readonly pipelinesCommits = true;
  parked: { changes: ReadonlyArray<RecordChange>; resolve(): void; reject(error: Error): void }[] = [];
  private failure: Error | null = null;

  override async readAll() {
    this.failure = null;
    return super.readAll();
  }
  override commit(changes: ReadonlyArray<RecordChange>) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => this.parked.push({ changes, resolve, reject }));
  }
  /** Makes the oldest parked commit durable, or fails it and every one parked after it. */
  settleNext(failure?: Error) {
    if (!failure) {
      const next = this.parked.shift()!;
      void super.commit(next.changes).then(next.resolve, next.reject);
      return;
    }
    this.failure = failure;
    for (const parked of this.parked.splice(0)) parked.reject(failure);
  }
}

const APPLY = { clusterName: 'c', brokerName: 'b', appliedBrokerId: 1, registerCheckCode: '127.0.0.1:10911;1' };

describe('controller service', () => {
  const running: TestController[] = [];
  after(async () => {
    for (const c of running) await c.stop();
  });
  async function start(store: SteeredStore, overrides = {}) {
    const controller = await startTestController(
      { controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379', ...overrides },
      { createStore: () => store },
    );
    running.push(controller);
    return { controller, client: await controller.connect() };
  }

  it('refuses malformed requests with CONTROLLER_INVALID_REQUEST naming the field, and keeps serving', async () => {
    const { client } = await start(new SteeredStore());
    const missing = await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: 'c', brokerName: 'b', appliedBrokerId: 1 }));
    assert.equal(missing.code, Code.CONTROLLER_INVALID_REQUEST);
    assert.match(missing.remark ?? '', /registerCheckCode/);
    const notNumber = await client.invoke(request(Req.CONTROLLER_ALTER_SYNC_STATE_SET, { brokerName: 'b', masterBrokerId: 'one', masterEpoch: 1 }));
    assert.equal(notNumber.code, Code.CONTROLLER_INVALID_REQUEST);
    assert.match(notNumber.remark ?? '', /masterBrokerId/);
    const badBody = await client.invoke(request(Req.CONTROLLER_ALTER_SYNC_STATE_SET, { brokerName: 'b', masterBrokerId: 1, masterEpoch: 1 }, '{"syncStateSet":[1,'));
    assert.equal(badBody.code, Code.CONTROLLER_INVALID_REQUEST);
    assert.match(badBody.remark ?? '', /SyncStateSet/);
    const noBody = await client.invoke(request(Req.CONTROLLER_ALTER_SYNC_STATE_SET, { brokerName: 'b', masterBrokerId: 1, masterEpoch: 1 }));
    assert.match(noBody.remark ?? '', /syncStateSet/);
    const badOffset = await client.invoke(request(Req.BROKER_HEARTBEAT, { clusterName: 'c', brokerName: 'b', brokerAddr: 'a:1', brokerId: 1, maxOffset: '12x' }));
    assert.equal(badOffset.code, Code.CONTROLLER_INVALID_REQUEST);
    assert.match(badOffset.remark ?? '', /maxOffset/);
    const names = await client.invoke(request(Req.CONTROLLER_GET_SYNC_STATE_DATA, {}, '{"not":"a list"}'));
    assert.equal(names.code, Code.CONTROLLER_INVALID_REQUEST);
    const unknown = await client.invoke(request(1099));
    assert.equal(unknown.code, Code.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal((await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY))).code, Code.SUCCESS);
  });

  it('takes heartbeats at once, even while a change waits for the store; answers them only when asked', async () => {
    const store = new SteeredStore();
    const { controller, client } = await start(store);
    store.hold();
    const pending = client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY));
    const beat = { clusterName: 'c', brokerName: 'b', brokerAddr: '127.0.0.1:10911', brokerId: 1, maxOffset: '7', heartbeatTimeoutMills: 10000 };
    const answered = await client.invoke(request(Req.BROKER_HEARTBEAT, beat));
    assert.deepEqual([answered.code, answered.remark], [Code.SUCCESS, 'Heart beat success']);
    assert.equal(controller.service.heartbeats.candidateInfo('c', 'b', 1)?.maxOffset, 7n);

    const oneway = request(Req.BROKER_HEARTBEAT, { ...beat, brokerId: 2, maxOffset: '9' });
    assert.equal(controller.service.handle({ ...oneway, flag: 2 }, 1), null, 'a oneway heartbeat builds no answer');
    assert.equal(controller.service.heartbeats.candidateInfo('c', 'b', 2)?.maxOffset, 9n);
    assert.equal(controller.service.handle({ ...request(Req.BROKER_HEARTBEAT, { ...beat, brokerId: 3, maxOffset: 'x' }), flag: 2 }, 1), null);
    assert.equal(controller.service.heartbeats.candidateInfo('c', 'b', 3), undefined, 'a malformed one is not taken');
    assert.equal(controller.service.counters.heartbeats, 2);
    store.gate!.release();
    assert.equal((await pending).code, Code.SUCCESS);
  });

  it('answers a change only once the store made it durable', async () => {
    const store = new SteeredStore();
    const { controller, client } = await start(store);
    store.hold();
    let answered = false;
    const pending = client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY)).then((r) => {
      answered = true;
      return r;
    });
    await client.invoke(request(Req.CONTROLLER_GET_METADATA_INFO)); // the apply reached the store
    assert.equal(answered, false);
    assert.equal(store.records.size, 0);
    assert.equal(controller.service.replicas.size, 0, 'not applied before it is durable');
    store.gate!.release();
    store.gate = null;
    assert.equal((await pending).code, Code.SUCCESS);
    assert.equal(store.records.size, 1);
    assert.equal(controller.service.replicas.size, 1);
  });

  it('answers CONTROLLER_NOT_LEADER as a follower, and metadata from any node', async () => {
    const store = new SteeredStore();
    const { controller, client } = await start(store);
    store.set({ role: 'follower', leaderAddress: '127.0.0.1:9868' });
    const refused = await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY));
    assert.equal(refused.code, Code.CONTROLLER_NOT_LEADER);
    assert.match(refused.remark ?? '', /127\.0\.0\.1:9868/);
    assert.equal((await client.invoke(request(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: 'b' }))).code, Code.CONTROLLER_NOT_LEADER);
    const meta = await client.invoke(request(Req.CONTROLLER_GET_METADATA_INFO));
    assert.equal(meta.code, Code.SUCCESS);
    assert.deepEqual(meta.extFields, {
      group: 'group1', controllerLeaderId: 'n1', controllerLeaderAddress: '127.0.0.1:9868', isLeader: 'false',
      peers: `n0:127.0.0.1:${controller.port};n1:127.0.0.1:9868;`,
    });
    store.set({ role: 'unavailable', reason: 'etcd unreachable' });
    const down = await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY));
    assert.equal(down.code, Code.CONTROLLER_NOT_LEADER);
    assert.match(down.remark ?? '', /etcd unreachable/);
    assert.equal((await client.invoke(request(Req.CONTROLLER_GET_METADATA_INFO))).extFields?.controllerLeaderAddress, undefined);
  });

  it('reads the durable state again before deciding as a new leader', async () => {
    const store = new SteeredStore();
    const { controller, client } = await start(store);
    assert.equal((await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY))).code, Code.SUCCESS);
    store.set({ role: 'follower', leaderAddress: '127.0.0.1:9868' });
    // Meanwhile another leader gave id 2 to a second broker.
    const other = new Map(store.records);
    const key = [...other.keys()][0]!;
    const record = JSON.parse(other.get(key)!);
    record.replicas.push({ id: 2, address: '127.0.0.1:10912', registerCheckCode: 'x' });
    record.nextBrokerId = 3;
    store.records.set(key, JSON.stringify(record));
    const readsBefore = store.reads;
    store.set({ role: 'leader', term: 2, leaderAddress: `127.0.0.1:${controller.port}` });
    await controller.service.whenIdle();
    assert.equal(store.reads, readsBefore + 1);
    const next = await client.invoke(request(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: 'c', brokerName: 'b' }));
    assert.equal(next.extFields?.nextBrokerId, '3');
  });

  it('answers SYSTEM_ERROR when the store cannot confirm, and NOT_LEADER when deposed mid-commit, applying neither', async () => {
    const store = new SteeredStore();
    const { controller, client } = await start(store);
    store.failNext = new StoreUnavailableError('etcd timed out');
    const unknown = await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY));
    assert.equal(unknown.code, Code.SYSTEM_ERROR);
    assert.match(unknown.remark ?? '', /etcd timed out/);
    assert.equal(controller.service.replicas.size, 0);
    store.failNext = new NotLeaderError('127.0.0.1:9868');
    const deposed = await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY));
    assert.equal(deposed.code, Code.CONTROLLER_NOT_LEADER);
    assert.equal(controller.service.replicas.size, 0);
  });

  it('serves the sync state data body as Java writes it', async () => {
    const { client, controller } = await start(new SteeredStore());
    await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, APPLY));
    client.invokeOneway(request(Req.BROKER_HEARTBEAT, { clusterName: 'c', brokerName: 'b', brokerAddr: '127.0.0.1:10911', brokerId: 1, heartbeatTimeoutMills: 10000 }));
    await client.invoke(request(Req.CONTROLLER_ELECT_MASTER, { clusterName: 'c', brokerName: 'b', brokerId: 1 }));
    const data = await client.invoke(request(Req.CONTROLLER_GET_SYNC_STATE_DATA, {}, encodeBrokerNameList(['b', 'nope'])));
    assert.equal(data.code, Code.SUCCESS);
    assert.equal(
      data.body?.toString(),
      '{"replicasInfoTable":{"b":{"inSyncReplicas":[{"alive":true,"brokerAddress":"127.0.0.1:10911","brokerId":1,"brokerName":"b"}],"masterAddress":"127.0.0.1:10911","masterBrokerId":1,"masterEpoch":1,"notInSyncReplicas":[],"syncStateSetEpoch":1}}}',
    );
    controller.clock.advance(10_001);
    const later = await client.invoke(request(Req.CONTROLLER_GET_SYNC_STATE_DATA, {}, encodeBrokerNameList(['b'])));
    assert.match(later.body!.toString(), /"alive":false/);
  });

  it('shows and updates its settings, refusing blacklisted ones', async () => {
    const { client, controller } = await start(new SteeredStore());
    const shown = await client.invoke(request(Req.GET_CONTROLLER_CONFIG));
    assert.match(shown.body!.toString(), /^enableElectUncleanMaster=false$/m);
    const updated = await client.invoke(request(Req.UPDATE_CONTROLLER_CONFIG, {}, 'enableElectUncleanMaster=true\nnoSuchThing=1\n'));
    assert.equal(updated.code, Code.SUCCESS);
    assert.equal(controller.config.enableElectUncleanMaster, true);
    assert.match(readFileSync(controller.config.configStorePath, 'utf8'), /^enableElectUncleanMaster=true$/m, 'saved as Java saves it');
    const black = await client.invoke(request(Req.UPDATE_CONTROLLER_CONFIG, {}, 'controllerStorePath=/tmp/x\n'));
    assert.equal(black.code, Code.NO_PERMISSION);
    const bad = await client.invoke(request(Req.UPDATE_CONTROLLER_CONFIG, {}, 'electMasterMaxRetryCount=many\n'));
    assert.equal(bad.code, Code.SYSTEM_ERROR);
    assert.match(bad.remark ?? '', /electMasterMaxRetryCount/);
  });
});

describe('controller service settings with an etcd password', () => {
  it('never shows the password, nor lets it be changed live', async () => {
    const controller = await startTestController(
      { controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'https://127.0.0.1:2379', controllerEtcdUser: 'controller', controllerEtcdPassword: 'secret' },
      { createStore: () => new SteeredStore() },
    );
    try {
      const client = await controller.connect();
      const shown = (await client.invoke(request(Req.GET_CONTROLLER_CONFIG))).body!.toString();
      assert.match(shown, /^controllerEtcdPassword=\*{6}$/m);
      assert.match(shown, /^controllerEtcdUser=controller$/m);
      assert.doesNotMatch(shown, /secret/);
      const refused = await client.invoke(request(Req.UPDATE_CONTROLLER_CONFIG, {}, 'controllerEtcdPassword=other\n'));
      assert.equal(refused.code, Code.NO_PERMISSION);
    } finally {
      await controller.stop();
    }
  });
});

describe('controller service with a corrupt record', () => {
  it('decides nothing and says why', async () => {
    const store = new SteeredStore();
    store.records.set('brokerSet/c/b', '{"clusterName":"c"}');
    const controller = await startTestController(
      { controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379' },
      { createStore: () => store },
    );
    try {
      const client = await controller.connect();
      const refused = await client.invoke(request(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: 'c', brokerName: 'b' }));
      assert.equal(refused.code, Code.CONTROLLER_NOT_LEADER);
      assert.match(refused.remark ?? '', /cannot read the durable state \(controller record brokerSet\/c\/b does not describe a broker set\)/);
      assert.equal(controller.service.isLeading, false);
    } finally {
      await controller.stop();
    }
  });
});

describe('controller service with a store that keeps commits in order', () => {
  const running: TestController[] = [];
  after(async () => {
    for (const c of running) await c.stop();
  });
  async function start(store: PipelinedStore) {
    const controller = await startTestController(
      { controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379' },
      { createStore: () => store },
    );
    running.push(controller);
    return { controller, client: await controller.connect() };
  }
  const apply = (brokerName: string) => request(Req.CONTROLLER_APPLY_BROKER_ID, { ...APPLY, brokerName });

  it('decides the next change while earlier ones are made durable; reads see only what is durable; an answer waits for every change decided before it', async () => {
    const store = new PipelinedStore();
    const { controller, client } = await start(store);
    const answered: string[] = [];
    const send = (name: string, command: ReturnType<typeof request>) =>
      client.invoke(command).then((response) => {
        answered.push(name);
        return response;
      });
    const first = send('b1', apply('b1'));
    const second = send('b2', apply('b2'));
    await until(() => store.parked.length === 2);
    // b1 again with the same check code: nothing to change, but the answer rests on b1's change.
    const again = send('b1 again', apply('b1'));
    const next = await client.invoke(request(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: 'c', brokerName: 'b1' }));
    assert.equal(next.extFields?.nextBrokerId, '1', 'a read sees the durable state only');
    assert.deepEqual(answered, []);
    assert.equal(controller.service.replicas.size, 0);

    store.settleNext();
    assert.equal((await first).code, Code.SUCCESS);
    assert.equal(controller.service.replicas.size, 1);
    // Still b2's change to wait for: it was decided before "b1 again".
    await client.invoke(request(Req.CONTROLLER_GET_METADATA_INFO));
    assert.deepEqual(answered, ['b1']);
    store.settleNext();
    assert.equal((await second).code, Code.SUCCESS);
    assert.equal((await again).code, Code.SUCCESS);
    assert.deepEqual(answered, ['b1', 'b2', 'b1 again']);
    assert.equal(controller.service.replicas.size, 2);
    assert.equal(store.records.size, 2);
  });

  it('a commit that fails fails those decided after it; nothing of them is applied, and the state is read again before the next decision', async () => {
    const store = new PipelinedStore();
    const { controller, client } = await start(store);
    const kept = client.invoke(apply('b0'));
    await until(() => store.parked.length === 1);
    store.settleNext();
    assert.equal((await kept).code, Code.SUCCESS);

    const first = client.invoke(apply('b1'));
    const second = client.invoke(apply('b2'));
    await until(() => store.parked.length === 2);
    const readsBefore = store.reads;
    store.settleNext(new StoreUnavailableError('disk full'));
    for (const refused of await Promise.all([first, second])) {
      assert.equal(refused.code, Code.SYSTEM_ERROR);
      assert.match(refused.remark ?? '', /disk full/);
    }
    assert.equal(controller.service.replicas.size, 1);
    // Decided on the state read again: nothing to change, nothing to wait for.
    assert.equal((await client.invoke(apply('b0'))).code, Code.SUCCESS);
    assert.equal(store.reads, readsBefore + 1);
    const retried = client.invoke(apply('b2'));
    await until(() => store.parked.length === 1);
    store.settleNext();
    assert.equal((await retried).code, Code.SUCCESS);
    assert.deepEqual([...store.records.keys()], ['brokerSet/c/b0', 'brokerSet/c/b2']);
  });

  it('an answer resting on a change refused because this node no longer leads is NOT_LEADER too', async () => {
    const store = new PipelinedStore();
    const { client } = await start(store);
    const kept = client.invoke(apply('b0'));
    await until(() => store.parked.length === 1);
    store.settleNext();
    assert.equal((await kept).code, Code.SUCCESS);

    const first = client.invoke(apply('b1'));
    await until(() => store.parked.length === 1);
    // b0 again: nothing to change, but decided on the state b1's change left.
    const again = client.invoke(apply('b0'));
    await client.invoke(request(Req.CONTROLLER_GET_METADATA_INFO)); // answered after "b0 again" was decided
    store.settleNext(new NotLeaderError('127.0.0.1:9868'));
    assert.equal((await first).code, Code.CONTROLLER_NOT_LEADER);
    const answer = await again;
    assert.equal(answer.code, Code.CONTROLLER_NOT_LEADER, answer.remark ?? undefined);
    assert.match(answer.remark ?? '', /not in leader state/);
  });
});
