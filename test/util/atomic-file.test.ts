import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isAtomicTempFile, removeStaleTempFiles, writeFileAtomic, writeFileAtomicSync } from '../../src/util/atomic-file.js';
import { tempDir } from '../config/helpers.js';

describe('writeFileAtomicSync', () => {
  it('creates missing folders and writes the content', () => {
    const file = path.join(tempDir('namesrv-atomic-'), 'a', 'b', 'f.txt');
    writeFileAtomicSync(file, 'hello');
    assert.equal(fs.readFileSync(file, 'utf8'), 'hello');
    assert.equal(fs.existsSync(`${file}.bak`), false);
  });

  it('keeps the previous content as .bak only when asked', () => {
    const file = path.join(tempDir('namesrv-atomic-'), 'f.txt');
    writeFileAtomicSync(file, 'one', { keepBackup: true });
    assert.equal(fs.existsSync(`${file}.bak`), false, 'nothing to back up yet');
    writeFileAtomicSync(file, 'two', { keepBackup: true });
    writeFileAtomicSync(file, 'three');
    assert.equal(fs.readFileSync(file, 'utf8'), 'three');
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), 'one');
  });

  it('goes through a temporary file in the same folder and leaves none behind', () => {
    const dir = tempDir('namesrv-atomic-');
    const file = path.join(dir, 'f.txt');
    writeFileAtomicSync(file, 'x', { keepBackup: true });
    writeFileAtomicSync(file, 'y', { keepBackup: true });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['f.txt', 'f.txt.bak']);
    assert.equal(isAtomicTempFile('.f.txt.123.4.tmp', file), true);
    assert.equal(isAtomicTempFile('f.txt.bak', file), false);
  });

  it('leaves the target untouched and removes its temporary file when the rename fails', () => {
    const dir = tempDir('namesrv-atomic-');
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'keep');
    assert.throws(() => writeFileAtomicSync(target, 'data'));
    assert.equal(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'keep');
    assert.deepEqual(fs.readdirSync(dir), ['occupied']);
  });
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

for (const [name, write] of [
  ['writeFileAtomicSync', async (file: string, data: string, keepBackup = true) => writeFileAtomicSync(file, data, { keepBackup })],
  ['writeFileAtomic', (file: string, data: string, keepBackup = true) => writeFileAtomic(file, data, { keepBackup })],
] as const) {
  describe(`${name}: permissions and symlinks`, () => {
    it('keeps the mode of the file it replaces, and gives the .bak no wider one', async () => {
      const dir = tempDir('namesrv-atomic-');
      const file = path.join(dir, 'secret.properties');
      fs.writeFileSync(file, 'key=1');
      fs.chmodSync(file, 0o600);
      fs.writeFileSync(`${file}.bak`, 'older');
      fs.chmodSync(`${file}.bak`, 0o644);
      await write(file, 'key=2');
      assert.equal(fs.readFileSync(file, 'utf8'), 'key=2');
      assert.equal(modeOf(file), 0o600);
      assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), 'key=1');
      assert.equal(modeOf(`${file}.bak`), 0o600, 'the backup holds the same secrets: no wider than the original');
      fs.chmodSync(file, 0o640);
      await write(file, 'key=3');
      assert.equal(modeOf(file), 0o640);
    });

    it('gives a new file the default mode whatever the umask', async () => {
      const file = path.join(tempDir('namesrv-atomic-'), 'new.json');
      const previous = process.umask(0o077);
      try {
        await write(file, '{}', false);
      } finally {
        process.umask(previous);
      }
      assert.equal(modeOf(file), 0o644);
    });

    it('writes through a symlink: the link stays, its target gets the content and keeps its mode', async () => {
      const dir = tempDir('namesrv-atomic-');
      const real = path.join(dir, 'real', 'namesrv.properties');
      fs.mkdirSync(path.dirname(real));
      fs.writeFileSync(real, 'a=1');
      fs.chmodSync(real, 0o600);
      const link = path.join(dir, 'namesrv.properties');
      fs.symlinkSync(path.relative(dir, real), link);
      await write(link, 'a=2');
      assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
      assert.equal(fs.readFileSync(real, 'utf8'), 'a=2');
      assert.equal(modeOf(real), 0o600);
      assert.equal(fs.readFileSync(`${real}.bak`, 'utf8'), 'a=1', 'the backup sits beside the real file');
      fs.writeFileSync(real, 'a=3');
      assert.equal(fs.readFileSync(link, 'utf8'), 'a=3', 'later edits of the target are what the link shows');
    });

    it('creates the target of a dangling symlink', async () => {
      const dir = tempDir('namesrv-atomic-');
      const link = path.join(dir, 'kv.json');
      fs.symlinkSync(path.join(dir, 'data', 'kv.json'), link);
      await write(link, '{}');
      assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
      assert.equal(fs.readFileSync(path.join(dir, 'data', 'kv.json'), 'utf8'), '{}');
    });

    it('keeps the owner of the file it replaces (as root)', async (t) => {
      if (process.getuid?.() !== 0) return t.skip('only root can give a file away');
      const file = path.join(tempDir('namesrv-atomic-'), 'owned');
      fs.writeFileSync(file, 'x');
      fs.chownSync(file, 4321, 4322);
      await write(file, 'y');
      const stat = fs.statSync(file);
      assert.deepEqual([stat.uid, stat.gid], [4321, 4322]);
      assert.deepEqual([fs.statSync(`${file}.bak`).uid, fs.statSync(`${file}.bak`).gid], [4321, 4322]);
    });
  });
}

describe('removeStaleTempFiles', () => {
  it('removes the temporary files of dead writers and its own, keeps a running writer\'s and other files', async () => {
    const dir = tempDir('namesrv-atomic-');
    const file = path.join(dir, 'kvConfig.json');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const dead = spawn(process.execPath, ['-e', '']);
    const [deadCode] = await once(dead, 'exit');
    assert.equal(deadCode, 0);
    try {
      const names = {
        dead: `.kvConfig.json.${dead.pid}.3.tmp`,
        own: `.kvConfig.json.${process.pid}.1.tmp`,
        running: `.kvConfig.json.${child.pid}.7.tmp`,
        otherFile: `.other.json.${dead.pid}.1.tmp`,
      };
      for (const name of [...Object.values(names), 'kvConfig.json']) fs.writeFileSync(path.join(dir, name), 'x');
      const removed = removeStaleTempFiles(file).map((p) => path.basename(p)).sort();
      assert.deepEqual(removed, [names.dead, names.own].sort());
      assert.deepEqual(fs.readdirSync(dir).sort(), ['kvConfig.json', names.otherFile, names.running].sort());
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is a no-op for a folder that does not exist yet', () => {
    assert.deepEqual(removeStaleTempFiles(path.join(tempDir('namesrv-atomic-'), 'missing', 'f.json')), []);
  });
});
