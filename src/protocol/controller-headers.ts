import { defineHeader, type HeaderOf } from './custom-header.js';

/**
 * Request headers of the controller's request codes, as Java 5.3.3 declares them. Java marks few
 * fields @CFNotNull and fails later on a null; here the fields a rule needs are required, so a
 * request without one is refused up front with a remark that names it.
 */

export const BrokerHeartbeatToControllerHeader = defineHeader({
  clusterName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
  epoch: { type: 'int' },
  /** Read as text: offsets are Java longs and are compared as BigInt. */
  maxOffset: { type: 'string' },
  confirmOffset: { type: 'string' },
  /** Java's spelling. */
  heartbeatTimeoutMills: { type: 'long' },
  electionPriority: { type: 'int' },
});
export type BrokerHeartbeatToControllerHeader = HeaderOf<typeof BrokerHeartbeatToControllerHeader>;

export const AlterSyncStateSetHeader = defineHeader({
  brokerName: { type: 'string', required: true },
  masterBrokerId: { type: 'long', required: true },
  masterEpoch: { type: 'int', required: true },
  invokeTime: { type: 'long' },
});
export type AlterSyncStateSetHeader = HeaderOf<typeof AlterSyncStateSetHeader>;

export const ElectMasterHeader = defineHeader({
  clusterName: { type: 'string' },
  brokerName: { type: 'string', required: true },
  brokerId: { type: 'long' },
  designateElect: { type: 'boolean' },
  invokeTime: { type: 'long' },
});
export type ElectMasterHeader = HeaderOf<typeof ElectMasterHeader>;

export const GetReplicaInfoHeader = defineHeader({
  brokerName: { type: 'string', required: true },
});

export const CleanBrokerDataHeader = defineHeader({
  clusterName: { type: 'string' },
  brokerName: { type: 'string', required: true },
  brokerControllerIdsToClean: { type: 'string' },
  isCleanLivingBroker: { type: 'boolean' },
  invokeTime: { type: 'long' },
});
export type CleanBrokerDataHeader = HeaderOf<typeof CleanBrokerDataHeader>;

export const GetNextBrokerIdHeader = defineHeader({
  clusterName: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
});

export const ApplyBrokerIdHeader = defineHeader({
  clusterName: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
  appliedBrokerId: { type: 'long', required: true },
  registerCheckCode: { type: 'string', required: true },
});
export type ApplyBrokerIdHeader = HeaderOf<typeof ApplyBrokerIdHeader>;

export const RegisterBrokerToControllerHeader = defineHeader({
  clusterName: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
  brokerAddress: { type: 'string', required: true },
  invokeTime: { type: 'long' },
});
export type RegisterBrokerToControllerHeader = HeaderOf<typeof RegisterBrokerToControllerHeader>;

/** Response headers, field names as Java's classes (their extFields keys). */
export interface ElectMasterResponseHeader {
  masterBrokerId?: number | null;
  masterAddress?: string | null;
  masterEpoch?: number | null;
  syncStateSetEpoch?: number | null;
}

export interface GetMetaDataResponseHeader {
  group: string | null;
  controllerLeaderId: string | null;
  controllerLeaderAddress: string | null;
  isLeader: boolean;
  peers: string | null;
}
