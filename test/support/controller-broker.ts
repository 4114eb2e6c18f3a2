/**
 * A 5.3.3 broker in controller mode as the controller sees one, without assertions so that both
 * the process-level fault tests and the controller bench can drive many of them: metadata, next
 * id, apply id, register, elect (or learn the master), alter the sync state set, heartbeat (904,
 * oneway, as BrokerOuterAPI sends it).
 */
import { decodeSyncStateSet, encodeSyncStateSet } from '../../src/protocol/bodies/controller-bodies.js';
import { ControllerRequestCode as Req, ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { SERVER_VERSION } from '../../src/protocol/mq-version.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest, type ExtFields, type RemotingCommand } from '../../src/remoting/remoting-command.js';

export interface ControllerBrokerIdentity {
  clusterName: string;
  brokerName: string;
  /** host:port the controller sends NOTIFY_BROKER_ROLE_CHANGED to. */
  address: string;
  heartbeatTimeoutMillis: number;
}

export function controllerRequest(code: number, fields: Record<string, string | number | boolean> = {}, body: Buffer | null = null): RemotingCommand {
  const extFields: ExtFields = {};
  for (const [k, v] of Object.entries(fields)) extFields[k] = String(v);
  return createRequest({ code, extFields, body, version: SERVER_VERSION });
}

/** A controller answer other than the one expected. */
export class ControllerAnswerError extends Error {
  constructor(readonly what: string, readonly code: number, remark: string | null) {
    super(`${what} answered ${code}: ${remark ?? ''}`);
  }
}

export class ControllerBroker {
  brokerId = -1;
  masterBrokerId: number | null = null;
  masterAddress: string | null = null;
  masterEpoch = 0;
  syncStateSetEpoch = 0;
  maxOffset = 0n;

  constructor(public connection: ClientConnection, readonly identity: ControllerBrokerIdentity, private readonly timeoutMs = 30_000) {}

  get isMaster(): boolean {
    return this.masterBrokerId === this.brokerId;
  }

  async call(code: number, fields: Record<string, string | number | boolean> = {}, body: Buffer | null = null): Promise<RemotingCommand> {
    return this.connection.invoke(controllerRequest(code, fields, body), this.timeoutMs);
  }

  private async expect(what: string, code: number, fields: Record<string, string | number | boolean>, ok: number[] = [Code.SUCCESS]): Promise<RemotingCommand> {
    const answer = await this.call(code, fields);
    if (!ok.includes(answer.code)) throw new ControllerAnswerError(what, answer.code, answer.remark ?? null);
    return answer;
  }

  /** The start-up of ReplicasManager: an id, registration, then the master (elected or learnt). */
  async startUp(): Promise<void> {
    const { clusterName, brokerName, address } = this.identity;
    await this.expect('GET_METADATA_INFO', Req.CONTROLLER_GET_METADATA_INFO, {});
    const next = await this.expect('GET_NEXT_BROKER_ID', Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName, brokerName });
    this.brokerId = Number(next.extFields?.nextBrokerId);
    await this.expect('APPLY_BROKER_ID', Req.CONTROLLER_APPLY_BROKER_ID, {
      clusterName, brokerName, appliedBrokerId: this.brokerId, registerCheckCode: `${address};1800000000000`,
    });
    const registered = await this.expect('REGISTER_BROKER', Req.CONTROLLER_REGISTER_BROKER, {
      clusterName, brokerName, brokerId: this.brokerId, brokerAddress: address, invokeTime: 1,
    });
    this.heartbeat();
    if (registered.extFields?.masterBrokerId) {
      this.learn(registered.extFields);
      return;
    }
    const elected = await this.expect(
      'ELECT_MASTER', Req.CONTROLLER_ELECT_MASTER,
      { clusterName, brokerName, brokerId: this.brokerId, designateElect: false, invokeTime: 1 },
      [Code.SUCCESS, Code.CONTROLLER_MASTER_STILL_EXIST],
    );
    this.learn(elected.extFields ?? {});
  }

  /** Takes the master from an answer or a NOTIFY_BROKER_ROLE_CHANGED header. */
  learn(ext: Record<string, string>): void {
    this.masterBrokerId = Number(ext.masterBrokerId);
    this.masterAddress = ext.masterAddress ?? null;
    this.masterEpoch = Number(ext.masterEpoch);
    if (ext.syncStateSetEpoch !== undefined) this.syncStateSetEpoch = Number(ext.syncStateSetEpoch);
  }

  heartbeat(): void {
    const { clusterName, brokerName, address, heartbeatTimeoutMillis } = this.identity;
    this.connection.invokeOneway(controllerRequest(Req.BROKER_HEARTBEAT, {
      clusterName, brokerAddr: address, brokerName, brokerId: this.brokerId,
      epoch: this.masterEpoch, maxOffset: String(this.maxOffset), confirmOffset: String(this.maxOffset),
      heartbeatTimeoutMills: heartbeatTimeoutMillis, electionPriority: 0,
    }));
  }

  /** As the master: asks for this sync state set; keeps the new epoch on success. */
  async alterSyncStateSet(ids: number[]): Promise<RemotingCommand> {
    const answer = await this.call(
      Req.CONTROLLER_ALTER_SYNC_STATE_SET,
      { brokerName: this.identity.brokerName, masterBrokerId: this.brokerId, masterEpoch: this.masterEpoch, invokeTime: 1 },
      encodeSyncStateSet({ syncStateSet: ids, syncStateSetEpoch: this.syncStateSetEpoch }),
    );
    if (answer.code === Code.SUCCESS) this.syncStateSetEpoch = decodeSyncStateSet(answer.body).syncStateSetEpoch;
    return answer;
  }
}

/**
 * A master and a slave of one broker set: both start up, then the master puts the slave into its
 * sync state set (so that the slave is a clean candidate when the master is lost).
 */
export async function startBrokerSet(master: ControllerBroker, slave: ControllerBroker): Promise<void> {
  await master.startUp();
  await slave.startUp();
  if (!master.isMaster) throw new Error(`${master.identity.brokerName}: the first broker of the set was not elected master`);
  const grown = await master.alterSyncStateSet([master.brokerId, slave.brokerId]);
  if (grown.code !== Code.SUCCESS) throw new ControllerAnswerError('ALTER_SYNC_STATE_SET', grown.code, grown.remark ?? null);
}
