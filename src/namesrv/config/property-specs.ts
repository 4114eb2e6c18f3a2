import { parseNamesrvList, parseSubgroups } from './address-server-lists.js';
import type { HttpConfig } from './http-config.js';
import type { NamesrvConfig } from './namesrv-config.js';
import type { NettyServerConfig } from './netty-server-config.js';
import { parseTrustedProxies } from '../../remoting/proxy-protocol/trusted-proxies.js';
import type { SecurityConfig } from './security-config.js';
import { FRAME_MAX_LENGTH_PROPERTY, LOG_LEVELS, type ServerExtrasConfig } from './server-extras-config.js';

/** Value types as Java's `MixAll.properties2Object` converts them (int, long, boolean, trimmed String). */
export type ValueType = 'int' | 'long' | 'boolean' | 'string';

export type PropertyGroup = 'namesrv' | 'netty' | 'extras' | 'security' | 'http';

export interface PropertySpec {
  readonly name: string;
  readonly group: PropertyGroup;
  readonly type: ValueType;
  /** Accepted values beyond the type, with how to describe them in an error. */
  readonly check?: { test(value: number | string): boolean; expected: string };
}

const NAMESRV_TYPES: Record<keyof NamesrvConfig, ValueType> = {
  rocketmqHome: 'string',
  kvConfigPath: 'string',
  configStorePath: 'string',
  productEnvName: 'string',
  clusterTest: 'boolean',
  orderMessageEnable: 'boolean',
  returnOrderTopicConfigToBroker: 'boolean',
  clientRequestThreadPoolNums: 'int',
  defaultThreadPoolNums: 'int',
  clientRequestThreadPoolQueueCapacity: 'int',
  defaultThreadPoolQueueCapacity: 'int',
  scanNotActiveBrokerInterval: 'long',
  unRegisterBrokerQueueCapacity: 'int',
  supportActingMaster: 'boolean',
  enableAllTopicList: 'boolean',
  enableTopicList: 'boolean',
  notifyMinBrokerIdChanged: 'boolean',
  enableControllerInNamesrv: 'boolean',
  needWaitForService: 'boolean',
  waitSecondsForService: 'int',
  deleteTopicWithBrokerRegistration: 'boolean',
  configBlackList: 'string',
};

const NETTY_TYPES: Record<keyof NettyServerConfig, ValueType> = {
  bindAddress: 'string',
  listenPort: 'int',
  serverWorkerThreads: 'int',
  serverCallbackExecutorThreads: 'int',
  serverSelectorThreads: 'int',
  serverOnewaySemaphoreValue: 'int',
  serverAsyncSemaphoreValue: 'int',
  serverChannelMaxIdleTimeSeconds: 'int',
  serverSocketSndBufSize: 'int',
  serverSocketRcvBufSize: 'int',
  writeBufferHighWaterMark: 'int',
  writeBufferLowWaterMark: 'int',
  serverSocketBacklog: 'int',
  serverNettyWorkerGroupEnable: 'boolean',
  serverPooledByteBufAllocatorEnable: 'boolean',
  enableShutdownGracefully: 'boolean',
  shutdownWaitTimeSeconds: 'int',
  useEpollNativeSelector: 'boolean',
};

const EXTRAS_TYPES: Record<keyof ServerExtrasConfig, ValueType> = {
  frameMaxLength: 'int',
  inputBufferMaxBytes: 'int',
  awaitingRequestsMaxBytes: 'int',
  logDir: 'string',
  logLevel: 'string',
  logFileMaxSize: 'string',
  logFileMaxCount: 'int',
  registerBodyMaxInflatedSize: 'int',
  registerBodyMaxInflateRatio: 'int',
  servingProcesses: 'int',
  servingAcceptRoundRobin: 'boolean',
};

const SECURITY_TYPES: Record<keyof SecurityConfig, ValueType> = {
  aclEnable: 'boolean',
  aclFile: 'string',
  aclBrokerRequests: 'boolean',
  aclReads: 'boolean',
  aclAdminRequiresTls: 'boolean',
  proxyProtocolTrustedAddresses: 'string',
};

const HTTP_TYPES: Record<keyof HttpConfig, ValueType> = {
  httpEnable: 'boolean',
  httpPort: 'int',
  httpBindAddress: 'string',
  addressServerNamesrvList: 'string',
  addressServerSubgroups: 'string',
  consoleNameServers: 'string',
  consoleCompareAnyAddress: 'boolean',
};

const PORT_CHECK: PropertySpec['check'] = { test: (v) => Number(v) >= 0 && Number(v) <= 65535, expected: 'a port number from 0 to 65535' };

const CHECKS: Record<string, PropertySpec['check']> = {
  listenPort: PORT_CHECK,
  httpPort: PORT_CHECK,
  addressServerNamesrvList: { test: (v) => parseNamesrvList(String(v)) !== null, expected: 'host:port entries separated by ;' },
  consoleNameServers: { test: (v) => parseNamesrvList(String(v)) !== null, expected: 'host:port entries separated by ;' },
  addressServerSubgroups: {
    test: (v) => parseSubgroups(String(v)) !== null,
    expected: 'name=host:port;host:port entries separated by , (names of letters, digits, . _ -)',
  },
  frameMaxLength: { test: (v) => Number(v) > 0, expected: 'a positive integer (bytes)' },
  inputBufferMaxBytes: { test: (v) => Number(v) > 0, expected: 'a positive integer (bytes)' },
  awaitingRequestsMaxBytes: { test: (v) => Number(v) > 0, expected: 'a positive integer (bytes)' },
  logFileMaxSize: { test: (v) => /^[1-9]\d*[BKMG]$/.test(String(v)), expected: 'a size such as 128M (B, K, M or G)' },
  logFileMaxCount: { test: (v) => Number(v) >= 1, expected: 'a positive integer' },
  registerBodyMaxInflatedSize: { test: (v) => Number(v) > 0, expected: 'a positive integer (bytes)' },
  registerBodyMaxInflateRatio: { test: (v) => Number(v) >= 1, expected: 'a positive integer' },
  servingProcesses: { test: (v) => Number(v) >= 0 && Number(v) <= 1024, expected: 'a number of processes from 0 (one per core from 4 cores up) to 1024' },
  proxyProtocolTrustedAddresses: { test: (v) => isTrustedProxyList(String(v)), expected: 'IP addresses or networks (address/prefix) separated by ;' },
  logLevel: { test: (v) => (LOG_LEVELS as readonly string[]).includes(String(v)), expected: `one of ${LOG_LEVELS.join(', ')}` },
};

function isTrustedProxyList(text: string): boolean {
  try {
    parseTrustedProxies(text);
    return true;
  } catch {
    return false;
  }
}

function specsOf(group: PropertyGroup, types: Record<string, ValueType>): PropertySpec[] {
  return Object.entries(types).map(([name, type]) => {
    const check = CHECKS[name];
    return check ? { name, group, type, check } : { name, group, type };
  });
}

export const PROPERTY_SPECS: ReadonlyMap<string, PropertySpec> = new Map(
  [
    ...specsOf('namesrv', NAMESRV_TYPES),
    ...specsOf('netty', NETTY_TYPES),
    ...specsOf('extras', EXTRAS_TYPES),
    ...specsOf('security', SECURITY_TYPES),
    ...specsOf('http', HTTP_TYPES),
  ].map((s) => [s.name, s]),
);

/** Other names accepted for a property, e.g. Java's system-property name of frameMaxLength. */
const ALIASES: ReadonlyMap<string, string> = new Map([[FRAME_MAX_LENGTH_PROPERTY, 'frameMaxLength']]);

export const TLS_PREFIX = 'tls.';

export function isTlsProperty(name: string): boolean {
  return name.startsWith(TLS_PREFIX) && name.length > TLS_PREFIX.length;
}

export function canonicalPropertyName(name: string): string {
  return ALIASES.get(name) ?? name;
}

export function findPropertySpec(name: string): PropertySpec | undefined {
  return PROPERTY_SPECS.get(canonicalPropertyName(name));
}
