import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isAtomicTempFile, writeFileAtomicSync } from '../../src/util/atomic-file.js';
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
