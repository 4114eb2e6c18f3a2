import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { rotatingLogFile } from '../../src/util/logger.js';
import { tempDir } from '../config/helpers.js';

describe('namesrv.log rotation', () => {
  it('rolls namesrv.log by size into gzipped files and keeps only the newest ones', async () => {
    const dir = tempDir('namesrv-logs-');
    const stream = rotatingLogFile(dir, { maxSize: '1K', maxFiles: 2 }) as NodeJS.WritableStream & NodeJS.EventEmitter;
    const line = `${JSON.stringify({ level: 30, msg: 'x'.repeat(200) })}\n`;
    let removed = 0;
    stream.on('removed', () => removed++);
    for (let round = 1; round <= 4; round++) {
      const rotated = once(stream, 'rotated');
      for (let i = 0; i < 6; i++) stream.write(line);
      await rotated;
    }
    stream.end();
    await once(stream, 'finish');
    const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.'));
    const rolled = files.filter((f) => /^namesrv\.\d{8}T\d{6}\.\d+\.log\.gz$/.test(f));
    assert.ok(files.includes('namesrv.log'), 'the live file keeps its name');
    assert.equal(rolled.length, 2, `kept: ${files.join(', ')}`);
    assert.ok(removed >= 2, 'older ones were removed');
    const content = gunzipSync(fs.readFileSync(path.join(dir, rolled[0]!))).toString('utf8');
    assert.match(content, /"msg":"x{200}"/);
  });
});
