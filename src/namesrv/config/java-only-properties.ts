/**
 * Properties a Java NameServer's `-c` file may hold that configure parts this server does not
 * have: the remoting client (NettyClientConfig) and JRaft (JraftConfig: our controller's consensus
 * is its store). An operator's existing file must still load, so these are skipped with a warning
 * instead of refused as unknown. The controller's own properties (ControllerConfig) go to the
 * embedded controller: src/controller/config/.
 */
export const JAVA_ONLY_PROPERTIES: ReadonlySet<string> = new Set([
  // NettyClientConfig
  'clientWorkerThreads', 'clientCallbackExecutorThreads', 'clientOnewaySemaphoreValue', 'clientAsyncSemaphoreValue',
  'connectTimeoutMillis', 'channelNotActiveInterval', 'scanAvailableNameSrv', 'isScanAvailableNameSrv',
  'clientChannelMaxIdleTimeSeconds', 'clientSocketSndBufSize', 'clientSocketRcvBufSize', 'clientPooledByteBufAllocatorEnable',
  'clientCloseSocketIfTimeout', 'useTLS', 'socksProxyConfig', 'disableCallbackExecutor', 'disableNettyWorkerGroup',
  'maxReconnectIntervalTimeSeconds', 'enableReconnectForGoAway',
  // JraftConfig
  'jRaftElectionTimeoutMs', 'jRaftScanWaitTimeoutMs', 'jRaftSnapshotIntervalSecs', 'jRaftGroupId', 'jRaftServerId',
  'jRaftInitConf', 'jRaftControllerRPCAddr',
]);
