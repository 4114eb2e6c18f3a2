import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseProperties } from '../../src/util/java-properties.js';
import { tempDir, writeFile } from '../config/helpers.js';

// Compiled tests run from dist/test/cli; the launcher stays in the source tree.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin', 'mqnamesrv.js');

function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  delete env.ROCKETMQ_HOME;
  delete env.NAMESRV_LOG_LEVEL;
  return env;
}

function run(args: string[], home = tempDir('namesrv-cli-')) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: cleanEnv(home), encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, home };
}

describe('mqnamesrv command line', () => {
  it('-h prints usage and exits 0', () => {
    const { code, stdout } = run(['-h']);
    assert.equal(code, 0);
    assert.match(stdout, /^usage: mqnamesrv/);
    assert.match(stdout, /-c,--configFile/);
  });

  it('-p prints every effective setting and exits 0', () => {
    const { code, stdout, home } = run(['-p', '--listenPort=12345']);
    assert.equal(code, 0);
    const settings = parseProperties(stdout);
    assert.equal(settings.get('listenPort'), '12345');
    assert.equal(settings.get('serverWorkerThreads'), '8');
    assert.equal(settings.get('kvConfigPath'), path.join(home, 'namesrv', 'kvConfig.json'));
    assert.equal(settings.get('configBlackList'), 'configBlackList;configStorePath;kvConfigPath');
    assert.equal(fs.existsSync(path.join(home, 'namesrv')), false, '-p writes nothing');
  });

  it('-p with -c shows the file settings and the file as configStorePath', () => {
    const file = writeFile(tempDir('namesrv-cli-'), 'ns.properties', 'listenPort=23456\n');
    const { code, stdout } = run(['-c', file, '-p']);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^load config properties file OK, ${file}$`, 'm'));
    const settings = parseProperties(stdout);
    assert.equal(settings.get('listenPort'), '23456');
    assert.equal(settings.get('configStorePath'), file);
  });

  it('a missing -c file is one line on stderr and exit code 1', () => {
    const { code, stdout, stderr } = run(['-c', '/no/such/namesrv.properties']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, 'mqnamesrv: config file not found: /no/such/namesrv.properties\n');
  });

  it('a malformed value in the -c file names the key and the expected type', () => {
    const file = writeFile(tempDir('namesrv-cli-'), 'ns.properties', 'orderMessageEnable=maybe\n');
    const { code, stderr } = run(['-c', file]);
    assert.equal(code, 1);
    assert.match(stderr, /^mqnamesrv: invalid value "maybe" for orderMessageEnable: expected true or false in config file .*\n$/);
  });

  it('an unknown option is a usage error without a stack trace', () => {
    const { code, stderr } = run(['--noSuchOption=1']);
    assert.equal(code, 1);
    assert.match(stderr, /^mqnamesrv: unknown option --noSuchOption \(mqnamesrv -h shows the options\)\n$/);
    assert.doesNotMatch(stderr, /\s+at /);
  });
});

function makeFifo(dir: string, name: string): string {
  const file = path.join(dir, name);
  const made = spawnSync('mkfifo', [file]);
  assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
  return file;
}

/** Starts the server, resolves with the boot line; the child is killed if the test fails first. */
function startServer(args: string[], home: string) {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const line = stdout.split('\n').find((l) => l.startsWith(prefix));
        if (line && stdout.includes(`${line}\n`)) resolve(line);
      };
      child.stdout.on('data', look);
      void exited.then((code) => reject(new Error(`exited with ${code} before printing "${prefix}": ${stderr}`)));
    });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const booted = printed('The Name Server boot success.');
  const httpLine = printed('HTTP ');
  // Tests that expect no boot await `exited` instead.
  booted.catch(() => undefined);
  httpLine.catch(() => undefined);
  return { child, booted, httpLine, exited, stderr: () => stderr, stdout: () => stdout };
}

describe('mqnamesrv server process', () => {
  it('boots on --listenPort=0, prints the bound address, and exits 0 on SIGTERM', async (t) => {
    const home = tempDir('namesrv-cli-');
    const server = startServer(['--listenPort=0', '--bindAddress=127.0.0.1', '--httpPort=0'], home);
    t.after(() => server.child.kill('SIGKILL'));
    const line = await server.booted;
    const match = /^The Name Server boot success\. serializeType=JSON, address 127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(match, line);
    const port = Number(match[1]);
    assert.ok(port > 0);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(resolve)).on('error', reject);
    });
    const httpLine = /^HTTP \(metrics, health, API, address server\) on 127\.0\.0\.1:(\d+)$/m.exec(await server.httpLine);
    assert.ok(httpLine, 'the line after the boot line says where HTTP listens');
    const ready = await fetch(`http://127.0.0.1:${httpLine[1]}/health/ready`);
    assert.equal(ready.status, 200);
    assert.ok(fs.existsSync(path.join(home, 'logs', 'rocketmqlogs', 'namesrv.log')));
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.match(server.stdout(), /SIGTERM received, shutting down/);
    assert.match(server.stdout(), /name server shut down/);
  });

  // A FIFO blocks the server at a known point of its start-up until the test writes to it; the
  // signal is sent once the server has opened it, so the moment is exact, not timed.
  it('a stop while the config file is still being read ends cleanly with exit 0', async (t) => {
    const home = tempDir('namesrv-cli-');
    const fifo = makeFifo(home, 'namesrv.properties');
    const server = startServer(['-c', fifo, '--listenPort=0', '--bindAddress=127.0.0.1', '--httpPort=0'], home);
    t.after(() => server.child.kill('SIGKILL'));
    const writer = await fs.promises.open(fifo, 'w'); // resolves once the server opened it for reading
    server.child.kill('SIGTERM');
    await writer.writeFile('listenPort=0\n');
    await writer.close();
    assert.equal(await server.exited, 0);
    assert.match(server.stdout(), /SIGTERM received, shutting down/);
  });

  it('a stop while the server starts (loading its KV store) shuts it down once started, exit 0', async (t) => {
    const home = tempDir('namesrv-cli-');
    const fifo = makeFifo(home, 'kvConfig.json');
    const server = startServer([`--kvConfigPath=${fifo}`, '--listenPort=0', '--bindAddress=127.0.0.1', '--httpPort=0'], home);
    t.after(() => server.child.kill('SIGKILL'));
    const writer = await fs.promises.open(fifo, 'w');
    server.child.kill('SIGTERM');
    await writer.writeFile('{"configTable":{"NS":{"k":"v"}}}');
    await writer.close();
    assert.equal(await server.exited, 0);
    assert.match(server.stdout(), /SIGTERM received, shutting down[^]*name server shut down/);
    assert.ok(fs.statSync(fifo).isFIFO(), 'nothing written in its place');
  });

  it('reports a port in use in one line and exits 1', async (t) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const port = (blocker.address() as net.AddressInfo).port;
    const server = startServer([`--listenPort=${port}`, '--bindAddress=127.0.0.1', '--httpPort=0'], tempDir('namesrv-cli-'));
    t.after(() => server.child.kill('SIGKILL'));
    assert.equal(await server.exited, 1);
    assert.equal(server.stderr(), `port ${port} is already in use (bindAddress 127.0.0.1)\n`);
  });

  it('reports an HTTP port in use in one line and exits 1', async (t) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const port = (blocker.address() as net.AddressInfo).port;
    const server = startServer(['--listenPort=0', '--bindAddress=127.0.0.1', `--httpPort=${port}`], tempDir('namesrv-cli-'));
    t.after(() => server.child.kill('SIGKILL'));
    assert.equal(await server.exited, 1);
    assert.equal(server.stderr(), `HTTP port ${port} is already in use (httpBindAddress 127.0.0.1)\n`);
  });

  it('an address-server list that does not parse is refused at start', () => {
    const { code, stderr } = run(['--addressServerSubgroups=nsaddr-a:10.0.0.1:9876']);
    assert.equal(code, 1);
    assert.match(stderr, /^mqnamesrv: invalid value "nsaddr-a:10\.0\.0\.1:9876" for addressServerSubgroups: expected name=host:port;host:port entries/);
  });

  it('-p lists the HTTP settings', () => {
    const settings = parseProperties(run(['-p']).stdout);
    assert.equal(settings.get('httpEnable'), 'true');
    assert.equal(settings.get('httpPort'), '9877');
    assert.equal(settings.get('httpBindAddress'), '');
    assert.equal(settings.get('addressServerNamesrvList'), '');
    assert.equal(settings.get('addressServerSubgroups'), '');
  });
});
