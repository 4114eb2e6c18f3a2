import { RequestCode } from '../../src/protocol/request-code.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { FakeBroker, topic } from './fake-broker.js';
import { call, type RunningNameServer } from './nameserver-harness.js';

/** Opens connections with `open` until every serving process holds at least one, as the workers report when asked. */
export async function openedOnEveryProcess<T>(ns: RunningNameServer, open: () => Promise<T>): Promise<T[]> {
  const opened: T[] = [];
  const cluster = ns.server.servingCluster!;
  for (;;) {
    opened.push(await open());
    await cluster.collectReports();
    if ([...cluster.connectionsByProcess().values()].every((n) => n > 0)) return opened;
  }
}

/** Client connections, each past a first request, until every serving process holds at least one. */
export function oneOnEveryProcess(ns: RunningNameServer): Promise<ClientConnection[]> {
  return openedOnEveryProcess(ns, async () => {
    const client = await ns.connect();
    await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'none', key: 'none' } });
    return client;
  });
}

/**
 * A broker group whose master (127.0.0.1:4001) is gone and whose slave (id 1, 127.0.0.1:4002)
 * remains, both with enableActingMaster, serving ActTopic and A2: with supportActingMaster the
 * slave is offered as acting master.
 */
export async function groupWithoutMaster(ns: RunningNameServer): Promise<void> {
  const topics = [topic('ActTopic'), topic('A2')];
  const masterConnection = await ns.connect();
  await new FakeBroker(masterConnection, { brokerAddr: '127.0.0.1:4001', enableActingMaster: true, topics }).register();
  await new FakeBroker(await ns.connect(), { brokerId: 1, brokerAddr: '127.0.0.1:4002', enableActingMaster: true, topics }).register();
  await ns.disconnect(masterConnection);
}
