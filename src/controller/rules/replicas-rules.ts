import { ControllerResponseCode as Code, FIRST_BROKER_CONTROLLER_ID } from '../../protocol/controller-codes.js';
import {
  encodeBrokerReplicasInfo, encodeElectMasterBody, encodeSyncStateSet, type ReplicaIdentity, type ReplicasInfo,
} from '../../protocol/bodies/controller-bodies.js';
import { masterAddressOf, type BrokerSet } from '../state/broker-set.js';
import type { ControllerEvent } from '../state/events.js';
import type { ReplicasState, Resolution } from '../state/replicas-state.js';
import { electMaster, type Liveness } from './elect-policy.js';

/**
 * The rules of the controller (Java's ReplicasInfoManager), as pure decisions: each reads the
 * state and the brokers' liveness and says what to answer and which events to make durable. No
 * rule changes the state itself.
 */

export type HeaderValues = Record<string, string | number | boolean | null | undefined>;

export interface RoleChange {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly masterBrokerId: number;
  readonly masterAddress: string | null;
  readonly masterEpoch: number;
  readonly syncStateSet: readonly number[];
  readonly syncStateSetEpoch: number;
  /** Every replica of the set, id → address: the live ones are told of the change. */
  readonly members: ReadonlyMap<number, string>;
}

export interface Decision {
  readonly code: number;
  readonly remark?: string;
  readonly header?: HeaderValues;
  readonly body?: Buffer;
  readonly events: readonly ControllerEvent[];
  /** Set when a new master was elected. */
  readonly roleChange?: RoleChange;
}

export interface RuleContext {
  readonly state: ReplicasState;
  readonly liveness: Liveness;
  readonly enableElectUncleanMaster: boolean;
  /** Clusters whose brokers heartbeat on the requesting connection (to tell apart equal broker names). */
  readonly connectionClusters?: readonly string[];
}

function answer(code: number, remark?: string, extra: Partial<Decision> = {}): Decision {
  return remark === undefined ? { code, events: [], ...extra } : { code, remark, events: [], ...extra };
}

function ambiguous(brokerName: string, resolution: Extract<Resolution, { kind: 'ambiguous' }>): Decision {
  return answer(Code.CONTROLLER_INVALID_REQUEST, `broker name ${brokerName} is in clusters ${resolution.clusters.join(', ')}: the request must name clusterName`);
}

function syncStateSetBody(set: BrokerSet): Buffer {
  return encodeSyncStateSet({ syncStateSet: [...set.syncStateSet], syncStateSetEpoch: set.syncStateSetEpoch });
}

export function getNextBrokerId(ctx: RuleContext, clusterName: string, brokerName: string): Decision {
  const set = ctx.state.get(clusterName, brokerName);
  return answer(Code.SUCCESS, undefined, {
    header: { clusterName, brokerName, nextBrokerId: set ? set.nextBrokerId : FIRST_BROKER_CONTROLLER_ID },
  });
}

export function applyBrokerId(
  ctx: RuleContext,
  request: { clusterName: string; brokerName: string; appliedBrokerId: number; registerCheckCode: string },
): Decision {
  const { clusterName, brokerName, appliedBrokerId, registerCheckCode } = request;
  const header = { clusterName, brokerName };
  const address = registerCheckCode.split(';')[0] ?? '';
  const event: ControllerEvent = { type: 'applyBrokerId', clusterName, brokerName, brokerId: appliedBrokerId, address, registerCheckCode };
  const set = ctx.state.get(clusterName, brokerName);
  if (!set) {
    if (appliedBrokerId === FIRST_BROKER_CONTROLLER_ID) return { code: Code.SUCCESS, header, events: [event] };
    return answer(Code.CONTROLLER_BROKER_ID_INVALID, `Broker-set: ${brokerName} hasn't been registered in controller, but broker try to apply brokerId: ${appliedBrokerId}`, { header });
  }
  const owner = set.replicas.get(appliedBrokerId);
  if (!owner) return { code: Code.SUCCESS, header, events: [event] };
  // The same broker applying again (it restarted before saving its id) gets its id back.
  if (owner.registerCheckCode === registerCheckCode) return answer(Code.SUCCESS, undefined, { header });
  return answer(Code.CONTROLLER_BROKER_ID_INVALID, `Fail to apply brokerId: ${appliedBrokerId} in broker-set: ${brokerName}`, { header });
}

export function registerBroker(
  ctx: RuleContext,
  request: { clusterName: string; brokerName: string; brokerId: number; brokerAddress: string },
): Decision {
  const { clusterName, brokerName, brokerId, brokerAddress } = request;
  const header: HeaderValues = { clusterName, brokerName };
  const set = ctx.state.get(clusterName, brokerName);
  if (!set) return answer(Code.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED, `Broker-set: ${brokerName} hasn't been registered in controller`, { header });
  const replica = set.replicas.get(brokerId);
  if (!replica) return answer(Code.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED, `BrokerId: ${brokerId} hasn't been registered in broker-set: ${brokerName}`, { header });
  if (set.masterBrokerId !== null && ctx.liveness.isAlive(clusterName, brokerName, set.masterBrokerId)) {
    Object.assign(header, {
      masterBrokerId: set.masterBrokerId,
      masterAddress: masterAddressOf(set),
      masterEpoch: set.masterEpoch,
      syncStateSetEpoch: set.syncStateSetEpoch,
    });
  }
  const events: ControllerEvent[] =
    replica.address === brokerAddress ? [] : [{ type: 'updateBrokerAddress', clusterName, brokerName, brokerId, address: brokerAddress }];
  return { code: Code.SUCCESS, header, body: syncStateSetBody(set), events };
}

export function getReplicaInfo(ctx: RuleContext, brokerName: string): Decision {
  const resolution = ctx.state.resolve(undefined, brokerName, ctx.connectionClusters);
  if (resolution.kind === 'ambiguous') return ambiguous(brokerName, resolution);
  if (resolution.kind === 'missing') return answer(Code.CONTROLLER_BROKER_METADATA_NOT_EXIST, 'Broker metadata is not existed');
  const set = resolution.set;
  return answer(Code.SUCCESS, undefined, {
    header: { masterBrokerId: set.masterBrokerId, masterAddress: masterAddressOf(set), masterEpoch: set.masterEpoch },
    body: syncStateSetBody(set),
  });
}

export function alterSyncStateSet(
  ctx: RuleContext,
  request: { brokerName: string; masterBrokerId: number; masterEpoch: number; syncStateSet: readonly number[]; syncStateSetEpoch: number },
): Decision {
  const resolution = ctx.state.resolve(undefined, request.brokerName, ctx.connectionClusters);
  if (resolution.kind === 'ambiguous') return ambiguous(request.brokerName, resolution);
  if (resolution.kind === 'missing') return answer(Code.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, 'Broker metadata is not existed');
  const set = resolution.set;
  const wanted = new Set(request.syncStateSet);
  if (wanted.size === set.syncStateSet.size && [...wanted].every((id) => set.syncStateSet.has(id))) {
    return answer(Code.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, 'The newSyncStateSet is equal with oldSyncStateSet, no needed to update syncStateSet');
  }
  if (set.masterBrokerId === null || set.masterBrokerId !== request.masterBrokerId) {
    return answer(Code.CONTROLLER_INVALID_MASTER, `Rejecting alter syncStateSet request because the current leader is:{${set.masterBrokerId}}, not {${request.masterBrokerId}}`);
  }
  if (request.masterEpoch !== set.masterEpoch) {
    return answer(Code.CONTROLLER_FENCED_MASTER_EPOCH, `Rejecting alter syncStateSet request because the current master epoch is:{${set.masterEpoch}}, not {${request.masterEpoch}}`);
  }
  if (request.syncStateSetEpoch !== set.syncStateSetEpoch) {
    return answer(Code.CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH, `Rejecting alter syncStateSet request because the current syncStateSet epoch is:{${set.syncStateSetEpoch}}, not {${request.syncStateSetEpoch}}`);
  }
  for (const id of wanted) {
    if (!set.replicas.has(id)) return answer(Code.CONTROLLER_INVALID_REPLICAS, `Rejecting alter syncStateSet request because the replicas {${id}} don't exist`);
    if (!ctx.liveness.isAlive(set.clusterName, set.brokerName, id)) {
      return answer(Code.CONTROLLER_BROKER_NOT_ALIVE, `Rejecting alter syncStateSet request because the replicas {${id}} don't alive`);
    }
  }
  if (!wanted.has(set.masterBrokerId)) {
    return answer(Code.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, `Rejecting alter syncStateSet request because the newSyncStateSet don't contains origin leader {${set.masterBrokerId}}`);
  }
  const epoch = set.syncStateSetEpoch + 1;
  return {
    code: Code.SUCCESS,
    header: { newSyncStateSetEpoch: epoch },
    body: encodeSyncStateSet({ syncStateSet: [...wanted], syncStateSetEpoch: epoch }),
    events: [{ type: 'alterSyncStateSet', clusterName: set.clusterName, brokerName: set.brokerName, syncStateSet: [...wanted].sort((a, b) => a - b) }],
  };
}

export interface ElectRequest {
  readonly clusterName?: string;
  readonly brokerName: string;
  /** The broker asking to be master (broker-triggered), or the one an administrator designates; absent when the controller triggers it. */
  readonly brokerId?: number;
  readonly designateElect?: boolean;
}

export function electMasterRule(ctx: RuleContext, request: ElectRequest): Decision {
  const resolution = ctx.state.resolve(request.clusterName || undefined, request.brokerName, ctx.connectionClusters);
  if (resolution.kind === 'ambiguous') return ambiguous(request.brokerName, resolution);
  if (resolution.kind === 'missing') return answer(Code.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED, "Broker hasn't been registered");
  const set = resolution.set;
  const brokerId = request.brokerId === undefined || request.brokerId === -1 ? null : request.brokerId;
  let newMaster: number | null = null;
  // The first election of a set takes the broker that asks, if it is one of the set's replicas.
  if (set.masterEpoch === 0 && brokerId !== null && set.replicas.has(brokerId)) newMaster = brokerId;
  if (newMaster === null) {
    newMaster = electMaster(
      {
        clusterName: set.clusterName,
        brokerName: set.brokerName,
        syncStateSet: set.syncStateSet,
        allReplicas: ctx.enableElectUncleanMaster ? new Set(set.replicas.keys()) : null,
        oldMaster: set.masterBrokerId,
        preferred: request.designateElect ? brokerId : null,
      },
      ctx.liveness,
    );
  }
  if (newMaster !== null && newMaster === set.masterBrokerId) {
    return answer(Code.CONTROLLER_MASTER_STILL_EXIST, `The old master ${set.masterBrokerId} is still alive, not need to elect new master for broker ${set.brokerName}`, {
      header: { masterBrokerId: set.masterBrokerId, masterAddress: masterAddressOf(set), masterEpoch: set.masterEpoch, syncStateSetEpoch: set.syncStateSetEpoch },
      body: encodeElectMasterBody({ brokerMemberGroup: null, syncStateSet: [...set.syncStateSet] }),
    });
  }
  const target = { clusterName: set.clusterName, brokerName: set.brokerName };
  if (newMaster !== null) {
    const members = new Map([...set.replicas.values()].map((r) => [r.id, r.address]));
    const masterAddress = set.replicas.get(newMaster)?.address ?? null;
    const roleChange: RoleChange = {
      ...target,
      masterBrokerId: newMaster,
      masterAddress,
      masterEpoch: set.masterEpoch + 1,
      syncStateSet: [newMaster],
      syncStateSetEpoch: set.syncStateSetEpoch + 1,
      members,
    };
    return {
      code: Code.SUCCESS,
      header: { masterBrokerId: newMaster, masterAddress, masterEpoch: roleChange.masterEpoch, syncStateSetEpoch: roleChange.syncStateSetEpoch },
      body: encodeElectMasterBody({ brokerMemberGroup: { cluster: set.clusterName, brokerName: set.brokerName, brokerAddrs: members }, syncStateSet: [newMaster] }),
      events: [{ type: 'electMaster', ...target, newMasterBrokerId: newMaster }],
      roleChange,
    };
  }
  if (brokerId === null) {
    // The controller found the master gone and nobody to replace it: the set is left without master.
    const events: ControllerEvent[] = set.masterBrokerId === null ? [] : [{ type: 'electMaster', ...target, newMasterBrokerId: null }];
    return answer(Code.CONTROLLER_MASTER_NOT_AVAILABLE, 'Old master has down and failed to elect a new broker master', { events });
  }
  return answer(Code.CONTROLLER_ELECT_MASTER_FAILED, 'Failed to elect a new master');
}

export function getSyncStateData(ctx: RuleContext, brokerNames: readonly string[]): Decision {
  const table = new Map<string, ReplicasInfo>();
  for (const brokerName of brokerNames) {
    // The body is keyed by broker name only: with the name in several clusters, the first cluster (by name) is shown.
    const set = [...ctx.state.all()].filter((s) => s.brokerName === brokerName).sort((a, b) => (a.clusterName < b.clusterName ? -1 : 1))[0];
    if (!set) continue;
    const inSync: ReplicaIdentity[] = [];
    const notInSync: ReplicaIdentity[] = [];
    for (const replica of [...set.replicas.values()].sort((a, b) => a.id - b.id)) {
      const identity = { brokerName, brokerId: replica.id, brokerAddress: replica.address, alive: ctx.liveness.isAlive(set.clusterName, brokerName, replica.id) };
      (set.syncStateSet.has(replica.id) ? inSync : notInSync).push(identity);
    }
    table.set(brokerName, {
      masterBrokerId: set.masterBrokerId,
      masterAddress: masterAddressOf(set),
      masterEpoch: set.masterEpoch,
      syncStateSetEpoch: set.syncStateSetEpoch,
      inSyncReplicas: inSync,
      notInSyncReplicas: notInSync,
    });
  }
  return answer(Code.SUCCESS, undefined, { body: encodeBrokerReplicasInfo(table) });
}

export function cleanBrokerData(
  ctx: RuleContext,
  request: { clusterName?: string; brokerName: string; brokerControllerIdsToClean?: string; isCleanLivingBroker?: boolean },
): Decision {
  const { brokerName } = request;
  const resolution = ctx.state.resolve(request.clusterName || undefined, brokerName, ctx.connectionClusters);
  if (resolution.kind === 'ambiguous') return ambiguous(brokerName, resolution);
  const set = resolution.kind === 'found' ? resolution.set : undefined;
  const idsText = request.brokerControllerIdsToClean?.trim() ?? '';
  let ids: number[] | null = null;
  if (idsText !== '') {
    const parts = idsText.split(';');
    if (!parts.every((p) => /^-?\d{1,15}$/.test(p.trim()))) {
      return answer(Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA, `Please set the option <brokerControllerIdsToClean> according to the format (ids separated by ;), found: ${idsText}`);
    }
    ids = [...new Set(parts.map((p) => Number(p.trim())))];
  }
  if (!request.isCleanLivingBroker) {
    if (ids === null && set && set.masterBrokerId !== null) {
      return answer(Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA, `Broker ${brokerName} is still alive, clean up failure`);
    }
    for (const id of ids ?? []) {
      if (set && ctx.liveness.isAlive(set.clusterName, brokerName, id)) {
        return answer(Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA, `Broker [${brokerName},  ${id}] is still alive, clean up failure`);
      }
    }
  }
  if (!set) return answer(Code.CONTROLLER_INVALID_CLEAN_BROKER_METADATA, `Broker ${brokerName} is not existed,clean broker data failure.`);
  return { code: Code.SUCCESS, events: [{ type: 'cleanBrokerData', clusterName: set.clusterName, brokerName: set.brokerName, brokerIds: ids }] };
}

/**
 * Broker sets whose master is not alive while some replica is: each needs an election
 * (Java's scanNeedReelectBrokerSets).
 */
export function setsNeedingElection(state: ReplicasState, liveness: Liveness): BrokerSet[] {
  const result: BrokerSet[] = [];
  for (const set of state.all()) {
    if (set.masterBrokerId === null || liveness.isAlive(set.clusterName, set.brokerName, set.masterBrokerId)) continue;
    if ([...set.replicas.keys()].some((id) => liveness.isAlive(set.clusterName, set.brokerName, id))) result.push(set);
  }
  return result;
}
