import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ControllerRequestCode as Req, ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { tempDir } from '../config/helpers.js';
import { request } from '../controller/controller-harness.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'mqnamesrv.js');

function run(home: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  delete env.ROCKETMQ_HOME;
  const child = spawn(process.execPath, [BIN, '--listenPort=0', '--bindAddress=127.0.0.1', '--httpEnable=false', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out, errors: () => err };
}

describe('mqnamesrv with enableControllerInNamesrv=true', () => {
  it('runs the controller from the same -c file, at its peer entry rather than the NameServer port', async () => {
    const home = tempDir('namesrv-controller-');
    const file = path.join(home, 'namesrv.properties');
    writeFileSync(file, 'enableControllerInNamesrv=true\ncontrollerDLegerGroup=group1\ncontrollerDLegerPeers=n0-127.0.0.1:0\ncontrollerDLegerSelfId=n0\nenableElectUncleanMaster=false\nnotifyBrokerRoleChanged=true\nscanNotActiveBrokerInterval=5000\nclientWorkerThreads=4\n');
    const server = run(home, ['-c', file]);
    const ports = await new Promise<[number, number]>((resolve, reject) => {
      server.child.stdout.on('data', () => {
        const namesrv = /The Name Server boot success\. .*:(\d+)\n/.exec(server.output());
        const controller = /The Controller Server boot success\. .*:(\d+)\n/.exec(server.output());
        if (namesrv && controller) resolve([Number(namesrv[1]), Number(controller[1])]);
      });
      void server.exited.then(() => reject(new Error(`exited: ${server.output()} ${server.errors()}`)));
    });
    assert.notEqual(ports[0], ports[1]);
    const controller = await ClientConnection.connect({ host: '127.0.0.1', port: ports[1] });
    const meta = await controller.invoke(request(Req.CONTROLLER_GET_METADATA_INFO), 60_000);
    assert.equal(meta.code, Code.SUCCESS);
    assert.equal(meta.extFields?.group, 'group1');
    assert.equal(meta.extFields?.isLeader, 'true');
    const namesrv = await ClientConnection.connect({ host: '127.0.0.1', port: ports[0] });
    assert.equal((await namesrv.invoke(request(RequestCode.GET_BROKER_CLUSTER_INFO), 60_000)).code, 0);
    controller.close();
    namesrv.close();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('refuses to start, in one line, with a file store and several peers', async () => {
    const home = tempDir('namesrv-controller-');
    const server = run(home, ['--enableControllerInNamesrv=true', '--controllerDLegerPeers=n0-127.0.0.1:9878;n1-127.0.0.1:9868', '--controllerDLegerSelfId=n0']);
    assert.equal(await server.exited, 1);
    assert.match(server.errors(), /^mqnamesrv: controllerStore=file keeps state for one controller only[^\n]*\n$/);
    assert.doesNotMatch(server.output(), /boot success/);
  });
});
