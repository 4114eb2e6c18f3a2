import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { NameServerApp } from '../../src/app/nameserver-app.js';
import { HttpListenError } from '../../src/http/http-listen-error.js';
import { Configuration } from '../../src/namesrv/config/configuration.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { silentLogger } from '../../src/util/logger.js';
import { httpGet } from '../support/http.js';
import { tempDir } from '../support/nameserver-harness.js';

function configuration(httpPort = 0): Configuration {
  const home = tempDir('namesrv-app-');
  return new Configuration({
    homeDir: home,
    namesrv: { kvConfigPath: path.join(home, 'kv.json'), configStorePath: path.join(home, 'ns.properties') },
    netty: { listenPort: 0, bindAddress: '127.0.0.1' },
    http: { httpPort },
    tls: { 'tls.config.file': path.join(home, 'no-tls.properties') },
  });
}

describe('the composition root', () => {
  test('remoting listens (and is announced) before HTTP starts; start resolves once HTTP listens too', async () => {
    const app = new NameServerApp({ configuration: configuration(), logger: silentLogger(), env: {} });
    let httpAtAnnouncement: unknown = 'not announced';
    try {
      const address = await app.start({ remotingListening: () => (httpAtAnnouncement = app.httpEndpoint) });
      assert.equal(httpAtAnnouncement, null);
      assert.ok(address.port > 0);
      assert.equal((await httpGet(app.httpEndpoint!.port, '/health/ready')).status, 200);
    } finally {
      await app.shutdown();
    }
  });

  test('an HTTP port in use fails the start and leaves nothing listening', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busy = (holder.address() as net.AddressInfo).port;
    const app = new NameServerApp({ configuration: configuration(busy), logger: silentLogger(), env: {} });
    let remotingPort = 0;
    try {
      await assert.rejects(app.start({ remotingListening: (a) => (remotingPort = a.port) }), (err: unknown) => err instanceof HttpListenError && err.code === 'EADDRINUSE');
      assert.ok(remotingPort > 0);
      await assert.rejects(ClientConnection.connect({ host: '127.0.0.1', port: remotingPort }), 'the remoting port is closed again');
      await app.shutdown(); // as the command line does after a failed start: no second shutdown of the NameServer
    } finally {
      holder.close();
    }
  });

  test('src/namesrv/ imports nothing of src/http/ (HTTP is wired beside it, in src/app/)', () => {
    const root = fileURLToPath(new URL('../../../src/namesrv/', import.meta.url));
    const sources = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(sources.length > 10);
    const offenders = sources.filter((f) => /from '(\.\.\/)+http\/|import\('(\.\.\/)+http\//.test(fs.readFileSync(path.join(root, f), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
