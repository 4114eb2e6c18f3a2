import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KvStore } from '../../src/namesrv/kv/kv-store.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { silentLogger } from '../../src/util/logger.js';
import { tempDir } from '../config/helpers.js';
import { call } from '../support/nameserver-harness.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'mqnamesrv.js');

/** Starts a server process; resolves with it and its port once it has booted. */
async function boot(home: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  delete env.ROCKETMQ_HOME;
  const child = spawn(process.execPath, [BIN, '--listenPort=0', '--bindAddress=127.0.0.1', '--httpEnable=false'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /boot success\. .*:(\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error(`exited before booting: ${out}`)));
  });
  return { child, port, exited };
}

describe('KV writes and kill -9', () => {
  it('every acknowledged PUT_KV_CONFIG survives a kill -9 at any moment of the writes that follow it', async () => {
    const home = tempDir('namesrv-kill-');
    const acknowledged = new Map<string, string>();
    for (let round = 0; round < 4; round++) {
      const server = await boot(home);
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: server.port });
      // Many writes in flight; the kill lands while later ones are being written.
      const puts = Array.from({ length: 40 }, (_, i) => {
        const key = `r${round}-k${i}`;
        return call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key, value: `v${i}` } }).then(
          (response) => {
            if (response.code === ResponseCode.SUCCESS) acknowledged.set(key, `v${i}`);
          },
          () => undefined,
        );
      });
      await Promise.race(puts.slice(5 + round * 7)); // after some acknowledgements, before all
      server.child.kill('SIGKILL');
      await server.exited;
      await Promise.allSettled(puts);
      client.close();
      const kv = new KvStore({ path: path.join(home, 'namesrv', 'kvConfig.json'), logger: silentLogger() });
      kv.load();
      for (const [key, value] of acknowledged) assert.equal(kv.get('NS', key), value, `acknowledged ${key} lost after round ${round}`);
    }
    assert.ok(acknowledged.size > 0);
  });
});
