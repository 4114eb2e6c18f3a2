import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { createResponse, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import { silentLogger } from '../../src/util/logger.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { startNameServer } from '../support/nameserver-harness.js';

describe('NOTIFY_MIN_BROKER_ID_CHANGE', () => {
  it('tells the remaining brokers of a group, over their own port, when the master goes away', async () => {
    const received: RemotingCommand[] = [];
    let notifierGone!: () => void;
    // The NameServer connects to the slave, sends its notice and closes: once that connection is
    // closed, everything it sent has arrived.
    const notifierClosed = new Promise<void>((resolve) => (notifierGone = resolve));
    const slavePort = new RemotingServer({
      port: 0,
      host: '127.0.0.1',
      serverVersion: 479,
      logger: silentLogger(),
      listener: { onClose: () => notifierGone() },
      handler: (request) => {
        received.push(request);
        return createResponse(request, { code: 0 }, 479);
      },
    });
    const { port } = await slavePort.listen();
    const ns = await startNameServer({ namesrv: { notifyMinBrokerIdChanged: true } });
    try {
      const topics = [topic('T1'), topic('T2')];
      const masterConnection = await ns.connect();
      await new FakeBroker(masterConnection, { brokerAddr: '127.0.0.1:1', enableActingMaster: true, topics }).register();
      await new FakeBroker(await ns.connect(), { brokerId: 1, brokerAddr: `127.0.0.1:${port}`, enableActingMaster: true, topics }).register();
      await ns.disconnect(masterConnection); // the master is unregistered: the notice is on its way
      await notifierClosed;
      assert.equal(received.length, 1, 'one notice');
      const notice = received[0]!;
      assert.equal(notice.code, RequestCode.NOTIFY_MIN_BROKER_ID_CHANGE);
      assert.equal(notice.flag & 2, 2, 'oneway');
      assert.equal(notice.extFields?.minBrokerId, '1');
      assert.equal(notice.extFields?.minBrokerAddr, `127.0.0.1:${port}`);
      assert.equal(notice.extFields?.offlineBrokerAddr, '127.0.0.1:1');
    } finally {
      await ns.stop();
      await slavePort.close();
    }
  });
});
