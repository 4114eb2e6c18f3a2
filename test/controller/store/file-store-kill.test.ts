import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { FileControllerStore } from '../../../src/controller/store/file-store.js';
import { tempDir } from '../../support/nameserver-harness.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'support', 'workers', 'file-store-child.js');

describe('file controller store and kill -9', () => {
  const children = new Set<ReturnType<typeof spawn>>();
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('keeps every acknowledged change through kill -9 at any moment of appends and compactions', async () => {
    const file = path.join(tempDir('file-store-kill-'), 'controller', 'controller-state.json');
    // Each lane's last acknowledged commit, by round. Its put must be there, the puts it and the
    // commits before it deleted must be gone; the commit after it may or may not have been written
    // (unacknowledged, its outcome is unknown), so the key that one deletes may be either.
    const lastAcknowledged: { round: number; lane: number; i: number; value: string }[][] = [];
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, [CHILD, JSON.stringify({ file, compactAfterBytes: 4096, round, lanes: 8 })], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.add(child);
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let acknowledged = 0;
      const lanes: (typeof lastAcknowledged)[number] = [];
      lastAcknowledged.push(lanes);
      // Later each round, so that the kill lands at another point of the appends and compactions.
      const killAfter = 150 + round * 97;
      for await (const line of readline.createInterface({ input: child.stdout! })) {
        const said = JSON.parse(line) as { started?: true; lane: number; put: [string, string] };
        if (said.started) continue;
        lanes[said.lane] = { round, lane: said.lane, i: Number(said.put[0].split('-').pop()), value: said.put[1] };
        if (++acknowledged === killAfter) child.kill('SIGKILL');
      }
      await exited;
      children.delete(child);

      const store = new FileControllerStore({ file, selfAddress: 'x:1' });
      await store.start();
      const records = await store.readAll();
      await store.close();
      for (const last of lastAcknowledged.flat()) {
        const key = (i: number) => `r${last.round}-l${last.lane}-${i}`;
        assert.equal(records.get(key(last.i)), last.value, `after round ${round}: acknowledged ${key(last.i)} lost`);
        for (let i = 0; i <= last.i - 2; i++) assert.equal(records.has(key(i)), false, `after round ${round}: ${key(i)} was deleted, acknowledged`);
      }
      assert.ok(acknowledged >= killAfter, `round ${round}: ${acknowledged} commits acknowledged`);
      assert.ok(fs.existsSync(file), 'the journal has been folded into a snapshot');
    }
  });
});
