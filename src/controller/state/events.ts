import { FIRST_BROKER_CONTROLLER_ID } from '../../protocol/controller-codes.js';
import type { BrokerSet } from './broker-set.js';

/**
 * What a decision changes, as typed events. Applying one to a broker set is a pure function: the
 * controller decides, makes the result durable, then applies the same events to its memory.
 */
export type ControllerEvent =
  | { type: 'applyBrokerId'; clusterName: string; brokerName: string; brokerId: number; address: string; registerCheckCode: string }
  | { type: 'updateBrokerAddress'; clusterName: string; brokerName: string; brokerId: number; address: string }
  /** `newMasterBrokerId` null: the master is gone and nobody could replace it. */
  | { type: 'electMaster'; clusterName: string; brokerName: string; newMasterBrokerId: number | null }
  | { type: 'alterSyncStateSet'; clusterName: string; brokerName: string; syncStateSet: readonly number[] }
  /** `brokerIds` null: the whole set goes. */
  | { type: 'cleanBrokerData'; clusterName: string; brokerName: string; brokerIds: readonly number[] | null };

/** The broker set after `event`, or null when the event removes it. */
export function applyEvent(current: BrokerSet | undefined, event: ControllerEvent): BrokerSet | null {
  switch (event.type) {
    case 'applyBrokerId': {
      const base: BrokerSet = current ?? {
        clusterName: event.clusterName,
        brokerName: event.brokerName,
        nextBrokerId: FIRST_BROKER_CONTROLLER_ID,
        replicas: new Map(),
        masterBrokerId: null,
        masterEpoch: 0,
        syncStateSet: new Set(),
        syncStateSetEpoch: 0,
      };
      if (base.replicas.has(event.brokerId)) return base;
      const replicas = new Map(base.replicas);
      replicas.set(event.brokerId, { id: event.brokerId, address: event.address, registerCheckCode: event.registerCheckCode });
      // Never offer an id already given out, whatever id the broker chose.
      return { ...base, replicas, nextBrokerId: Math.max(base.nextBrokerId + 1, event.brokerId + 1) };
    }
    case 'updateBrokerAddress': {
      const replica = current?.replicas.get(event.brokerId);
      if (!current || !replica) return current ?? null;
      const replicas = new Map(current.replicas);
      replicas.set(event.brokerId, { ...replica, address: event.address });
      return { ...current, replicas };
    }
    case 'electMaster': {
      if (!current) return null;
      if (event.newMasterBrokerId === null) return { ...current, masterBrokerId: null, masterEpoch: current.masterEpoch + 1 };
      return {
        ...current,
        masterBrokerId: event.newMasterBrokerId,
        masterEpoch: current.masterEpoch + 1,
        syncStateSet: new Set([event.newMasterBrokerId]),
        syncStateSetEpoch: current.syncStateSetEpoch + 1,
      };
    }
    case 'alterSyncStateSet': {
      if (!current) return null;
      return { ...current, syncStateSet: new Set(event.syncStateSet), syncStateSetEpoch: current.syncStateSetEpoch + 1 };
    }
    case 'cleanBrokerData': {
      if (!current || event.brokerIds === null || event.brokerIds.length === 0) return null;
      const replicas = new Map(current.replicas);
      const syncStateSet = new Set(current.syncStateSet);
      for (const id of event.brokerIds) {
        replicas.delete(id);
        syncStateSet.delete(id);
      }
      // As Java: a set left without replicas, or whose in-sync replicas were all cleaned, is forgotten.
      if (replicas.size === 0 || (current.syncStateSet.size > 0 && syncStateSet.size === 0)) return null;
      const masterBrokerId = current.masterBrokerId !== null && replicas.has(current.masterBrokerId) ? current.masterBrokerId : null;
      return { ...current, replicas, syncStateSet, masterBrokerId };
    }
  }
}
