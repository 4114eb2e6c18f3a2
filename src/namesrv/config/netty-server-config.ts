/**
 * Java's `org.apache.rocketmq.remoting.netty.NettyServerConfig` (RocketMQ 5.3.3): same names and defaults,
 * except `listenPort`, which the NameServer's start-up sets to 9876. Most fields tune Netty and are kept
 * so that Java config files load and GET_NAMESRV_CONFIG lists them.
 */
export interface NettyServerConfig {
  bindAddress: string;
  listenPort: number;
  serverWorkerThreads: number;
  serverCallbackExecutorThreads: number;
  serverSelectorThreads: number;
  serverOnewaySemaphoreValue: number;
  serverAsyncSemaphoreValue: number;
  serverChannelMaxIdleTimeSeconds: number;
  serverSocketSndBufSize: number;
  serverSocketRcvBufSize: number;
  writeBufferHighWaterMark: number;
  writeBufferLowWaterMark: number;
  serverSocketBacklog: number;
  serverNettyWorkerGroupEnable: boolean;
  serverPooledByteBufAllocatorEnable: boolean;
  enableShutdownGracefully: boolean;
  shutdownWaitTimeSeconds: number;
  useEpollNativeSelector: boolean;
}

export const DEFAULT_LISTEN_PORT = 9876;

export function defaultNettyServerConfig(): NettyServerConfig {
  return {
    bindAddress: '0.0.0.0',
    listenPort: DEFAULT_LISTEN_PORT,
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverChannelMaxIdleTimeSeconds: 120,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
    serverSocketBacklog: 1024,
    serverNettyWorkerGroupEnable: true,
    serverPooledByteBufAllocatorEnable: true,
    enableShutdownGracefully: false,
    shutdownWaitTimeSeconds: 30,
    useEpollNativeSelector: false,
  };
}
