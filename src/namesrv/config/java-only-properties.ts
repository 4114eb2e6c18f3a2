/**
 * Properties a Java NameServer's `-c` file may hold that configure parts this server does not
 * have: the remoting client (NettyClientConfig) and the embedded controller (ControllerConfig,
 * JraftConfig). An operator's existing file must still load, so these are skipped with a warning
 * instead of refused as unknown.
 */
export const JAVA_ONLY_PROPERTIES: ReadonlySet<string> = new Set([
  // NettyClientConfig
  'clientWorkerThreads', 'clientCallbackExecutorThreads', 'clientOnewaySemaphoreValue', 'clientAsyncSemaphoreValue',
  'connectTimeoutMillis', 'channelNotActiveInterval', 'scanAvailableNameSrv', 'isScanAvailableNameSrv',
  'clientChannelMaxIdleTimeSeconds', 'clientSocketSndBufSize', 'clientSocketRcvBufSize', 'clientPooledByteBufAllocatorEnable',
  'clientCloseSocketIfTimeout', 'useTLS', 'socksProxyConfig', 'disableCallbackExecutor', 'disableNettyWorkerGroup',
  'maxReconnectIntervalTimeSeconds', 'enableReconnectForGoAway',
  // ControllerConfig
  'controllerType', 'controllerThreadPoolNums', 'controllerRequestThreadPoolQueueCapacity', 'controllerDLegerGroup',
  'controllerDLegerPeers', 'controllerDLegerSelfId', 'mappedFileSize', 'controllerStorePath', 'electMasterMaxRetryCount',
  'enableElectUncleanMaster', 'processReadEvent', 'isProcessReadEvent', 'notifyBrokerRoleChanged', 'scanInactiveMasterInterval',
  'metricsExporterType', 'metricsGrpcExporterTarget', 'metricsGrpcExporterHeader', 'metricGrpcExporterTimeOutInMills',
  'metricGrpcExporterIntervalInMills', 'metricLoggingExporterIntervalInMills', 'metricsPromExporterPort',
  'metricsPromExporterHost', 'metricsLabel', 'metricsInDelta',
  // JraftConfig
  'jRaftElectionTimeoutMs', 'jRaftScanWaitTimeoutMs', 'jRaftSnapshotIntervalSecs', 'jRaftGroupId', 'jRaftServerId',
  'jRaftInitConf', 'jRaftControllerRPCAddr',
]);
