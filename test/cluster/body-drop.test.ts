import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BodyDrop, dropBody } from '../../src/cluster/body-drop.js';
import { silentLogger } from '../../src/util/logger.js';

function dropped(directory: string, pid: number, seq: number, body: Uint8Array): Promise<string | null> {
  return new Promise((resolve) => dropBody(directory, pid, seq, body, resolve));
}
import { tempDir } from '../support/nameserver-harness.js';

describe('the directory serving processes leave register bodies in', () => {
  let parent: string;
  let tmp: string | undefined;
  beforeEach(() => {
    parent = tempDir('namesrv-body-drop-');
    tmp = process.env.TMPDIR;
    process.env.TMPDIR = parent;
  });
  afterEach(() => {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  });

  it('passes a body from a serving process to the primary, and keeps no file once it is read', async () => {
    const drop = BodyDrop.create(silentLogger())!;
    assert.ok(drop.directory.startsWith(path.join(parent, `rocketmq-namesrv-bodies-${process.pid}-`)));
    const body = Buffer.from('{"topicConfigSerializeWrapper":{}}');
    const name = await dropped(drop.directory, 4242, 7, body);
    assert.equal(name, '4242-7');
    assert.equal(fs.statSync(path.join(drop.directory, name!)).mode & 0o777, 0o600);
    assert.deepEqual(drop.take(name!), body);
    assert.deepEqual(fs.readdirSync(drop.directory), []);
    drop.remove();
    assert.equal(fs.existsSync(drop.directory), false);
  });

  it('reads nothing outside its directory', () => {
    const drop = BodyDrop.create(silentLogger())!;
    fs.writeFileSync(path.join(parent, 'secret'), 'not a body');
    for (const name of ['../secret', '/etc/passwd', '1-2/../../secret', '']) assert.throws(() => drop.take(name), /not a register body's name/, name);
    for (const name of ['../secret', '/etc/passwd', '']) drop.discard(name);
    assert.equal(fs.readFileSync(path.join(parent, 'secret'), 'utf8'), 'not a body', 'neither read nor removed');
    drop.remove();
  });

  it('a serving process that cannot write there says so, and the body goes through the channel', async () => {
    assert.equal(await dropped(path.join(parent, 'missing'), 1, 1, Buffer.from('x')), null);
  });

  it('writes a body of megabytes whole, off the event loop: the loop turns while it is written', async () => {
    const drop = BodyDrop.create(silentLogger())!;
    const body = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    let written: string | null | undefined;
    dropBody(drop.directory, 1, 2, body, (name) => (written = name));
    assert.equal(written, undefined, 'not written within the call');
    const name = await new Promise<string | null>((resolve) => {
      const poll = (): void => (written === undefined ? void setImmediate(poll) : resolve(written));
      poll();
    });
    assert.equal(name, '1-2');
    assert.ok(drop.take(name!).equals(body));
    drop.remove();
  });

  it('removes what a killed primary left behind, not what a running one holds', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const leftBehind = fs.mkdtempSync(path.join(parent, `rocketmq-namesrv-bodies-${gone}-`));
    fs.writeFileSync(path.join(leftBehind, `${gone}-1`), 'a body never read');
    const running = fs.mkdtempSync(path.join(parent, `rocketmq-namesrv-bodies-${process.ppid}-`));
    const unrelated = fs.mkdtempSync(path.join(parent, 'rocketmq-namesrv-bodies-x-'));
    const drop = BodyDrop.create(silentLogger())!;
    assert.equal(fs.existsSync(leftBehind), false, 'a process that is gone: removed');
    assert.equal(fs.existsSync(running), true, 'a running process: kept');
    assert.equal(fs.existsSync(unrelated), true, 'no process id in its name: kept');
    drop.remove();
  });

  it('is null when no directory can be made', () => {
    process.env.TMPDIR = path.join(parent, 'missing');
    assert.equal(BodyDrop.create(silentLogger()), null);
  });
});
