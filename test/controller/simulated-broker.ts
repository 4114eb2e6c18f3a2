import assert from 'node:assert/strict';
import { decodeElectMasterBody, decodeSyncStateSet, encodeSyncStateSet } from '../../src/protocol/bodies/controller-bodies.js';
import { ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { Req, request, type BrokerListener } from './controller-harness.js';

export interface SimulatedBrokerOptions {
  clusterName?: string;
  brokerName?: string;
  /** What the broker asks the controller to wait without a heartbeat before thinking it dead. */
  heartbeatTimeoutMillis?: number;
}

/**
 * A 5.3.3 broker in controller mode, as its ReplicasManager talks to the controller: metadata,
 * next id, apply id, register, elect (or learn the master), alter sync state set, heartbeat.
 */
export class SimulatedBroker {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly heartbeatTimeoutMillis: number;
  brokerId = -1;
  masterBrokerId: number | null = null;
  masterEpoch = 0;
  syncStateSetEpoch = 0;
  maxOffset = 0n;

  /** Replaced when the broker reconnects (Java's remoting client opens a new channel on the next call). */
  constructor(public connection: ClientConnection, readonly listener: BrokerListener, options: SimulatedBrokerOptions = {}) {
    this.clusterName = options.clusterName ?? 'DefaultCluster';
    this.brokerName = options.brokerName ?? 'broker-a';
    this.heartbeatTimeoutMillis = options.heartbeatTimeoutMillis ?? 10_000;
  }

  get address(): string {
    return this.listener.address;
  }

  async call(code: number, ext: Record<string, string | number | boolean> = {}, body: Buffer | null = null) {
    return this.connection.invoke(request(code, ext, body), 60_000);
  }

  async startUp(): Promise<void> {
    const names = { clusterName: this.clusterName, brokerName: this.brokerName };
    const meta = await this.call(Req.CONTROLLER_GET_METADATA_INFO);
    assert.equal(meta.code, Code.SUCCESS);
    assert.ok(meta.extFields?.controllerLeaderAddress, 'a leader to talk to');
    const next = await this.call(Req.CONTROLLER_GET_NEXT_BROKER_ID, names);
    assert.equal(next.code, Code.SUCCESS);
    this.brokerId = Number(next.extFields?.nextBrokerId);
    const applied = await this.call(Req.CONTROLLER_APPLY_BROKER_ID, {
      ...names, appliedBrokerId: this.brokerId, registerCheckCode: `${this.address};1800000000000`,
    });
    assert.equal(applied.code, Code.SUCCESS, applied.remark ?? '');
    const registered = await this.call(Req.CONTROLLER_REGISTER_BROKER, { ...names, brokerId: this.brokerId, brokerAddress: this.address, invokeTime: 1 });
    assert.equal(registered.code, Code.SUCCESS, registered.remark ?? '');
    decodeSyncStateSet(registered.body);
    this.heartbeat();
    if (registered.extFields?.masterBrokerId) {
      this.learn(registered.extFields);
      return;
    }
    const elected = await this.call(Req.CONTROLLER_ELECT_MASTER, { ...names, brokerId: this.brokerId, designateElect: false, invokeTime: 1 });
    assert.ok(elected.code === Code.SUCCESS || elected.code === Code.CONTROLLER_MASTER_STILL_EXIST, `elect answered ${elected.code} ${elected.remark}`);
    decodeElectMasterBody(elected.body!);
    this.learn(elected.extFields!);
  }

  learn(ext: Record<string, string>): void {
    this.masterBrokerId = Number(ext.masterBrokerId);
    this.masterEpoch = Number(ext.masterEpoch);
    this.syncStateSetEpoch = Number(ext.syncStateSetEpoch);
  }

  heartbeat(): void {
    this.connection.invokeOneway(request(Req.BROKER_HEARTBEAT, {
      clusterName: this.clusterName, brokerAddr: this.address, brokerName: this.brokerName, brokerId: this.brokerId,
      epoch: this.masterEpoch, maxOffset: String(this.maxOffset), confirmOffset: String(this.maxOffset),
      heartbeatTimeoutMills: this.heartbeatTimeoutMillis, electionPriority: 0,
    }));
  }

  /** A round trip on this connection: everything sent before it has been handled. */
  async barrier(): Promise<void> {
    await this.call(Req.CONTROLLER_GET_METADATA_INFO);
  }

  async alterSyncStateSet(ids: number[]) {
    const answer = await this.call(
      Req.CONTROLLER_ALTER_SYNC_STATE_SET,
      { brokerName: this.brokerName, masterBrokerId: this.brokerId, masterEpoch: this.masterEpoch, invokeTime: 1 },
      encodeSyncStateSet({ syncStateSet: ids, syncStateSetEpoch: this.syncStateSetEpoch }),
    );
    if (answer.code === Code.SUCCESS) this.syncStateSetEpoch = decodeSyncStateSet(answer.body).syncStateSetEpoch;
    return answer;
  }
}
