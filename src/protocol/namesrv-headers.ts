import { defineHeader, type HeaderOf } from './custom-header.js';

/** Request headers of the NameServer's request codes, field for field as Java declares them. */

export const PutKvConfigHeader = defineHeader({
  namespace: { type: 'string', required: true },
  key: { type: 'string', required: true },
  value: { type: 'string', required: true },
});

export const GetKvConfigHeader = defineHeader({
  namespace: { type: 'string', required: true },
  key: { type: 'string', required: true },
});

export const DeleteKvConfigHeader = GetKvConfigHeader;

export const GetKvListByNamespaceHeader = defineHeader({
  namespace: { type: 'string', required: true },
});

export const RegisterBrokerHeader = defineHeader({
  brokerName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  clusterName: { type: 'string', required: true },
  haServerAddr: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
  heartbeatTimeoutMillis: { type: 'long' },
  enableActingMaster: { type: 'boolean' },
  compressed: { type: 'boolean' },
  bodyCrc32: { type: 'int' },
  /** Read from extFields directly in Java (MixAll.ZONE_NAME). */
  zoneName: { type: 'string' },
});
export type RegisterBrokerHeader = HeaderOf<typeof RegisterBrokerHeader>;

export const UnregisterBrokerHeader = defineHeader({
  brokerName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  clusterName: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
});
export type UnregisterBrokerHeader = HeaderOf<typeof UnregisterBrokerHeader>;

export const BrokerHeartbeatHeader = defineHeader({
  clusterName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
  brokerId: { type: 'long' },
  epoch: { type: 'int' },
  maxOffset: { type: 'long' },
  confirmOffset: { type: 'long' },
  heartbeatTimeoutMills: { type: 'long' },
  electionPriority: { type: 'int' },
});

export const QueryDataVersionHeader = defineHeader({
  brokerName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  clusterName: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
});

export const GetRouteInfoHeader = defineHeader({
  topic: { type: 'string', required: true },
  acceptStandardJsonOnly: { type: 'boolean' },
  /** Zone routing (Java's ZoneRouteRPCHook reads these from extFields). */
  zoneMode: { type: 'boolean' },
  zoneName: { type: 'string' },
});

export const BrokerNameHeader = defineHeader({
  brokerName: { type: 'string', required: true },
});

export const DeleteTopicFromNamesrvHeader = defineHeader({
  topic: { type: 'string', required: true },
  clusterName: { type: 'string' },
});

export const RegisterTopicHeader = defineHeader({
  topic: { type: 'string', required: true },
});

export const GetTopicsByClusterHeader = defineHeader({
  cluster: { type: 'string', required: true },
});

export const GetBrokerMemberGroupHeader = defineHeader({
  clusterName: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
});
