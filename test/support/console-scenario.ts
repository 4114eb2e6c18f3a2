import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { FakeBroker, topic, type FakeBrokerOptions } from './fake-broker.js';
import { startNameServer, type RunningNameServer } from './nameserver-harness.js';

/**
 * Two NameServers and simulated brokers, made to disagree: the second never heard of broker-c
 * (cluster OrderCluster), and holds an older registration of broker-b with fewer Payments queues.
 * The first one's console lists the second in consoleNameServers.
 */
export interface ConsoleScenario {
  primary: RunningNameServer;
  secondary: RunningNameServer;
  /** The console of the first NameServer, `http://127.0.0.1:port/`. */
  url: string;
  primaryAddress: string;
  secondaryAddress: string;
  /** Registers another broker with the first NameServer over a connection of its own. */
  addBroker(options: FakeBrokerOptions): Promise<FakeBroker>;
  stop(): Promise<void>;
}

const ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

function brokers(paymentsWriteQueues: number): FakeBrokerOptions[] {
  const common = [topic('TopicTest'), topic('Payments', { readQueueNums: paymentsWriteQueues, writeQueueNums: paymentsWriteQueues }), topic('Notifications', { perm: 4 })];
  return [
    { brokerName: 'broker-a', brokerId: 0, brokerAddr: '10.10.0.11:10911', haServerAddr: '10.10.0.11:10912', zoneName: 'zone-east', topics: common },
    { brokerName: 'broker-a', brokerId: 1, brokerAddr: '10.10.0.12:10911', haServerAddr: '10.10.0.12:10912', zoneName: 'zone-east', topics: common },
    { brokerName: 'broker-b', brokerId: 0, brokerAddr: '10.10.0.21:10911', haServerAddr: '10.10.0.21:10912', zoneName: 'zone-west', enableActingMaster: true, topics: common },
  ];
}

const BROKER_C: FakeBrokerOptions = {
  clusterName: 'OrderCluster',
  brokerName: 'broker-c',
  brokerAddr: '10.10.1.11:10911',
  haServerAddr: '10.10.1.11:10912',
  zoneName: 'zone-east',
  topics: [topic('OrderEvents', { order: true }), topic('TopicTest')],
};

async function register(ns: RunningNameServer, options: FakeBrokerOptions, counter = 1): Promise<FakeBroker> {
  const broker = new FakeBroker(await ns.connect(), options);
  broker.dataVersion = { ...broker.dataVersion, counter };
  const response = await broker.register();
  if (response.code !== 0) throw new Error(`registering ${options.brokerName} failed: ${response.remark}`);
  return broker;
}

export async function startConsoleScenario(): Promise<ConsoleScenario> {
  const secondary = await startNameServer();
  const secondaryAddress = `127.0.0.1:${secondary.port}`;
  const primary = await startNameServer({ http: { consoleNameServers: secondaryAddress }, namesrv: { orderMessageEnable: true } });
  const primaryAddress = `127.0.0.1:${primary.port}`;
  try {
    await register(primary, BROKER_C, 2);
    // broker-c's last heartbeat is then older than the others': over half its timeout.
    primary.clock.advance(70_000);
    for (const options of brokers(16)) await register(primary, options, 4);
    for (const options of brokers(8)) await register(secondary, options, options.brokerName === 'broker-b' ? 3 : 4);
    const client = new NameServerClient({ nameServers: [primaryAddress, secondaryAddress] });
    try {
      await client.putKvConfig(ORDER_TOPIC_CONFIG, 'OrderEvents', 'broker-c:8');
    } finally {
      await client.close();
    }
  } catch (err) {
    await Promise.all([primary.stop(), secondary.stop()]);
    throw err;
  }
  return {
    primary,
    secondary,
    url: `http://127.0.0.1:${primary.httpPort}/`,
    primaryAddress,
    secondaryAddress,
    async addBroker(options) {
      return register(primary, options);
    },
    async stop() {
      await Promise.all([primary.stop(), secondary.stop()]);
    },
  };
}
