import path from 'node:path';
import { parsePropertyValue, InvalidPropertyError, type PropertyValue } from '../../namesrv/config/property-value.js';
import type { PropertySpec, ValueType } from '../../namesrv/config/property-specs.js';

/**
 * Java's `org.apache.rocketmq.common.ControllerConfig` (RocketMQ 5.3.3), same names and defaults,
 * plus this controller's own settings (the store and the grace period after a leadership change).
 */
export interface ControllerConfig {
  rocketmqHome: string;
  configStorePath: string;
  /** Java's `DLedger` or `jRaft`; both mean "the controller" here: consensus comes from `controllerStore`. */
  controllerType: string;
  scanNotActiveBrokerInterval: number;
  controllerThreadPoolNums: number;
  controllerRequestThreadPoolQueueCapacity: number;
  controllerDLegerGroup: string;
  /** `n0-127.0.0.1:9878;n1-127.0.0.1:9868`: every controller, by id. */
  controllerDLegerPeers: string;
  controllerDLegerSelfId: string;
  mappedFileSize: number;
  /** The folder of the file store (Java: DLedger's store folder); `~/controller` when empty. */
  controllerStorePath: string;
  electMasterMaxRetryCount: number;
  enableElectUncleanMaster: boolean;
  isProcessReadEvent: boolean;
  notifyBrokerRoleChanged: boolean;
  scanInactiveMasterInterval: number;
  metricsExporterType: string;
  metricsGrpcExporterTarget: string;
  metricsGrpcExporterHeader: string;
  metricGrpcExporterTimeOutInMills: number;
  metricGrpcExporterIntervalInMills: number;
  metricLoggingExporterIntervalInMills: number;
  metricsPromExporterPort: number;
  metricsPromExporterHost: string;
  metricsLabel: string;
  metricsInDelta: boolean;
  configBlackList: string;
  // ours
  /** `file` (default: one local JSON file, for a single controller) or `etcd`. */
  controllerStore: string;
  /** `http://host:port` entries separated by `,`. */
  controllerEtcdEndpoints: string;
  controllerEtcdLeaseTtlSeconds: number;
  controllerEtcdPrefix: string;
  /** PEM file of the CA that signed the etcd members' certificates (`https://` endpoints); empty: the system's CAs. */
  controllerEtcdCaFile: string;
  /** PEM files of this controller's client certificate and key, for members started with `--client-cert-auth`. */
  controllerEtcdCertFile: string;
  controllerEtcdKeyFile: string;
  /** An etcd user and its password, when etcd's auth is enabled; empty: none. */
  controllerEtcdUser: string;
  controllerEtcdPassword: string;
  /** After this node becomes leader, inactive masters wait this long before an election (heartbeats must arrive first). */
  controllerLeaderGracePeriodMillis: number;
  /** Heartbeat timeout of a broker that sends none (Java's DEFAULT_BROKER_CHANNEL_EXPIRED_TIME). */
  controllerBrokerHeartbeatTimeoutMillis: number;
}

export function defaultControllerConfig(homeDir: string): ControllerConfig {
  return {
    rocketmqHome: '',
    configStorePath: path.join(homeDir, 'controller', 'controller.properties'),
    controllerType: 'DLedger',
    scanNotActiveBrokerInterval: 5000,
    controllerThreadPoolNums: 16,
    controllerRequestThreadPoolQueueCapacity: 50000,
    controllerDLegerGroup: '',
    controllerDLegerPeers: '',
    controllerDLegerSelfId: '',
    mappedFileSize: 1024 * 1024 * 1024,
    controllerStorePath: '',
    electMasterMaxRetryCount: 3,
    enableElectUncleanMaster: false,
    isProcessReadEvent: false,
    notifyBrokerRoleChanged: true,
    scanInactiveMasterInterval: 5000,
    metricsExporterType: 'DISABLE',
    metricsGrpcExporterTarget: '',
    metricsGrpcExporterHeader: '',
    metricGrpcExporterTimeOutInMills: 3000,
    metricGrpcExporterIntervalInMills: 60000,
    metricLoggingExporterIntervalInMills: 10000,
    metricsPromExporterPort: 5557,
    metricsPromExporterHost: '',
    metricsLabel: '',
    metricsInDelta: false,
    configBlackList: 'configBlackList;configStorePath',
    controllerStore: 'file',
    controllerEtcdEndpoints: '',
    controllerEtcdLeaseTtlSeconds: 10,
    controllerEtcdPrefix: '/rocketmq/controller/',
    controllerEtcdCaFile: '',
    controllerEtcdCertFile: '',
    controllerEtcdKeyFile: '',
    controllerEtcdUser: '',
    controllerEtcdPassword: '',
    controllerLeaderGracePeriodMillis: 10000,
    controllerBrokerHeartbeatTimeoutMillis: 10000,
  };
}

const TYPES: Record<keyof ControllerConfig, ValueType> = {
  rocketmqHome: 'string', configStorePath: 'string', controllerType: 'string', scanNotActiveBrokerInterval: 'long',
  controllerThreadPoolNums: 'int', controllerRequestThreadPoolQueueCapacity: 'int', controllerDLegerGroup: 'string',
  controllerDLegerPeers: 'string', controllerDLegerSelfId: 'string', mappedFileSize: 'int', controllerStorePath: 'string',
  electMasterMaxRetryCount: 'int', enableElectUncleanMaster: 'boolean', isProcessReadEvent: 'boolean',
  notifyBrokerRoleChanged: 'boolean', scanInactiveMasterInterval: 'long', metricsExporterType: 'string',
  metricsGrpcExporterTarget: 'string', metricsGrpcExporterHeader: 'string', metricGrpcExporterTimeOutInMills: 'long',
  metricGrpcExporterIntervalInMills: 'long', metricLoggingExporterIntervalInMills: 'long', metricsPromExporterPort: 'int',
  metricsPromExporterHost: 'string', metricsLabel: 'string', metricsInDelta: 'boolean', configBlackList: 'string',
  controllerStore: 'string', controllerEtcdEndpoints: 'string', controllerEtcdLeaseTtlSeconds: 'int',
  controllerEtcdPrefix: 'string', controllerEtcdCaFile: 'string', controllerEtcdCertFile: 'string', controllerEtcdKeyFile: 'string',
  controllerEtcdUser: 'string', controllerEtcdPassword: 'string', controllerLeaderGracePeriodMillis: 'long', controllerBrokerHeartbeatTimeoutMillis: 'long',
};

const POSITIVE = { test: (v: number | string) => Number(v) > 0, expected: 'a positive integer' };
const CHECKS: Partial<Record<keyof ControllerConfig, PropertySpec['check']>> = {
  controllerStore: { test: (v) => v === 'file' || v === 'etcd', expected: 'file or etcd' },
  controllerDLegerPeers: { test: (v) => v === '' || parsePeers(String(v)) !== null, expected: 'id-host:port entries separated by ;' },
  controllerEtcdEndpoints: { test: (v) => v === '' || parseEtcdEndpoints(String(v)) !== null, expected: 'http://host:port entries separated by ,' },
  controllerEtcdLeaseTtlSeconds: POSITIVE,
  scanNotActiveBrokerInterval: POSITIVE,
  scanInactiveMasterInterval: POSITIVE,
  controllerBrokerHeartbeatTimeoutMillis: POSITIVE,
  electMasterMaxRetryCount: POSITIVE,
};

/** Every property name the controller takes. */
export const CONTROLLER_PROPERTY_NAMES: readonly string[] = [...Object.keys(TYPES), 'processReadEvent'];

/** Java's setter-derived alias (`setProcessReadEvent`). */
const ALIASES: ReadonlyMap<string, keyof ControllerConfig> = new Map([['processReadEvent', 'isProcessReadEvent']]);

export function controllerPropertyName(name: string): keyof ControllerConfig | undefined {
  const canonical = ALIASES.get(name) ?? name;
  return Object.hasOwn(TYPES, canonical) ? (canonical as keyof ControllerConfig) : undefined;
}

/** Parses one property for the controller; throws InvalidPropertyError for an unknown name or a bad value. */
export function parseControllerProperty(name: string, raw: string): [keyof ControllerConfig, PropertyValue] {
  const key = controllerPropertyName(name);
  if (!key) throw new InvalidPropertyError('unknown', name, `unknown controller property "${name}"`);
  const check = CHECKS[key];
  const spec: PropertySpec = check ? { name: key, group: 'extras', type: TYPES[key], check } : { name: key, group: 'extras', type: TYPES[key] };
  return [key, parsePropertyValue(spec, raw, name)];
}

export function applyControllerProperty(config: ControllerConfig, name: string, raw: string): void {
  const [key, value] = parseControllerProperty(name, raw);
  (config as unknown as Record<string, PropertyValue>)[key] = value;
}

/** `key=value` lines, sorted by name, as GET_CONTROLLER_CONFIG and `-p` show them. */
/** Every setting as `name=value` text, sorted; `forDisplay` hides the etcd password (what GET_CONTROLLER_CONFIG shows). */
export function controllerConfigEntries(config: ControllerConfig, forDisplay = false): Array<[string, string]> {
  return Object.entries(config)
    .map(([k, v]): [string, string] => [k, forDisplay && k === 'controllerEtcdPassword' && v !== '' ? '******' : String(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface Peer {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`, where this controller listens and brokers reach it. */
  readonly address: string;
}

/** `n0-127.0.0.1:9878;n1-127.0.0.1:9868` → peers, or null when malformed. */
export function parsePeers(text: string): Peer[] | null {
  const peers: Peer[] = [];
  for (const entry of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const dash = entry.indexOf('-');
    const colon = entry.lastIndexOf(':');
    if (dash <= 0 || colon <= dash + 1) return null;
    const id = entry.slice(0, dash);
    const host = entry.slice(dash + 1, colon);
    const portText = entry.slice(colon + 1);
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) return null; // 0: a free port (the boot line tells which)
    if (peers.some((p) => p.id === id)) return null;
    peers.push({ id, host, port, address: `${host}:${port}` });
  }
  return peers.length > 0 ? peers : null;
}

export function parseEtcdEndpoints(text: string): string[] | null {
  const endpoints = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (endpoints.length === 0) return null;
  for (const e of endpoints) {
    let url: URL;
    try {
      url = new URL(e);
    } catch {
      return null;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.port) return null;
  }
  return endpoints;
}

/** A controller configuration that cannot run; the message is one line for the operator. */
export class ControllerConfigError extends Error {
  override readonly name = 'ControllerConfigError';
}

export interface ControllerTopology {
  readonly self: Peer;
  readonly peers: readonly Peer[];
  readonly group: string;
}

/**
 * Checks what start-up needs: peers, this node among them, and a store fit for them (a file store
 * serves one controller only: two nodes each with its own file would both lead).
 */
export function resolveTopology(config: ControllerConfig): ControllerTopology {
  if (config.controllerDLegerPeers.trim() === '') throw new ControllerConfigError('controllerDLegerPeers is empty: set it to this controller\'s id-host:port (e.g. n0-127.0.0.1:9878)');
  const peers = parsePeers(config.controllerDLegerPeers);
  if (!peers) throw new ControllerConfigError(`controllerDLegerPeers "${config.controllerDLegerPeers}" is not id-host:port entries separated by ;`);
  const selfId = config.controllerDLegerSelfId.trim();
  if (selfId === '') throw new ControllerConfigError('controllerDLegerSelfId is empty: set it to this controller\'s id in controllerDLegerPeers');
  const self = peers.find((p) => p.id === selfId);
  if (!self) throw new ControllerConfigError(`controllerDLegerSelfId "${selfId}" is not an id in controllerDLegerPeers (${peers.map((p) => p.id).join(', ')})`);
  if (config.controllerStore === 'file' && peers.length > 1) {
    throw new ControllerConfigError(`controllerStore=file keeps state for one controller only, but controllerDLegerPeers lists ${peers.length}: set controllerStore=etcd (with controllerEtcdEndpoints) or list only this node`);
  }
  if (config.controllerStore === 'etcd') {
    if (parseEtcdEndpoints(config.controllerEtcdEndpoints) === null) {
      throw new ControllerConfigError('controllerStore=etcd needs controllerEtcdEndpoints (http://host:port entries separated by ,)');
    }
    const group = config.controllerDLegerGroup.trim();
    if (group === '' || group.includes('/')) {
      throw new ControllerConfigError('controllerStore=etcd needs controllerDLegerGroup, a name without /: the controllers of one group share one state');
    }
  }
  return { self, peers, group: config.controllerDLegerGroup };
}

export function controllerStoreFolder(config: ControllerConfig, homeDir: string): string {
  return config.controllerStorePath.trim() !== '' ? config.controllerStorePath : path.join(homeDir, 'controller');
}
