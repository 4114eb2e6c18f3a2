import path from 'node:path';

/** Java's `org.apache.rocketmq.common.namesrv.NamesrvConfig` (RocketMQ 5.3.3): same names, same defaults. */
export interface NamesrvConfig {
  /** Java reads it from `-Drocketmq.home.dir` or `ROCKETMQ_HOME` and refuses to start without it; we allow it to be empty. */
  rocketmqHome: string;
  kvConfigPath: string;
  configStorePath: string;
  productEnvName: string;
  clusterTest: boolean;
  orderMessageEnable: boolean;
  returnOrderTopicConfigToBroker: boolean;
  clientRequestThreadPoolNums: number;
  defaultThreadPoolNums: number;
  clientRequestThreadPoolQueueCapacity: number;
  defaultThreadPoolQueueCapacity: number;
  /** Milliseconds between scans for brokers whose registration expired. */
  scanNotActiveBrokerInterval: number;
  unRegisterBrokerQueueCapacity: number;
  supportActingMaster: boolean;
  enableAllTopicList: boolean;
  enableTopicList: boolean;
  notifyMinBrokerIdChanged: boolean;
  enableControllerInNamesrv: boolean;
  needWaitForService: boolean;
  waitSecondsForService: number;
  deleteTopicWithBrokerRegistration: boolean;
  /** `;`-separated property names that UPDATE_NAMESRV_CONFIG may not change. */
  configBlackList: string;
}

/** Defaults as Java computes them, with `homeDir` standing for Java's `user.home`. */
export function defaultNamesrvConfig(homeDir: string): NamesrvConfig {
  return {
    rocketmqHome: '',
    kvConfigPath: path.join(homeDir, 'namesrv', 'kvConfig.json'),
    configStorePath: path.join(homeDir, 'namesrv', 'namesrv.properties'),
    productEnvName: 'center',
    clusterTest: false,
    orderMessageEnable: false,
    returnOrderTopicConfigToBroker: true,
    clientRequestThreadPoolNums: 8,
    defaultThreadPoolNums: 16,
    clientRequestThreadPoolQueueCapacity: 50000,
    defaultThreadPoolQueueCapacity: 10000,
    scanNotActiveBrokerInterval: 5000,
    unRegisterBrokerQueueCapacity: 3000,
    supportActingMaster: false,
    enableAllTopicList: true,
    enableTopicList: true,
    notifyMinBrokerIdChanged: false,
    enableControllerInNamesrv: false,
    needWaitForService: false,
    waitSecondsForService: 45,
    deleteTopicWithBrokerRegistration: false,
    configBlackList: 'configBlackList;configStorePath;kvConfigPath',
  };
}
