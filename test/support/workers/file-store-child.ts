// A file controller store in a process of its own, committing without pause, so that a test can
// kill -9 it at any moment of a write or a compaction. argv[2]: {"file", "compactAfterBytes",
// "round", "lanes"}. Each lane commits one change after another: a put of its next key, and the
// delete of the key it put two commits before. Every acknowledged commit is said on stdout, one
// JSON object a line: {"lane", "put": [key, value], "deleted": key | null}.
import { FileControllerStore } from '../../../src/controller/store/file-store.js';

// The test runner also loads every file under test/: without options this is not a store process.
if (process.argv[2]) await run(JSON.parse(process.argv[2]) as { file: string; compactAfterBytes: number; round: number; lanes: number });

async function run(options: { file: string; compactAfterBytes: number; round: number; lanes: number }): Promise<void> {
  const store = new FileControllerStore({ file: options.file, selfAddress: 'x:1', compactAfterBytes: options.compactAfterBytes });
  await store.start();
  process.stdout.write(`${JSON.stringify({ started: true })}\n`);
  const key = (lane: number, i: number) => `r${options.round}-l${lane}-${i}`;
  await Promise.all(
    Array.from({ length: options.lanes }, async (_, lane) => {
      for (let i = 0; ; i++) {
        const put: [string, string] = [key(lane, i), `{"round":${options.round},"lane":${lane},"i":${i}}`];
        const deleted = i >= 2 ? key(lane, i - 2) : null;
        await store.commit([{ key: put[0], value: put[1] }, ...(deleted ? [{ key: deleted, value: null }] : [])]);
        process.stdout.write(`${JSON.stringify({ lane, put, deleted })}\n`);
      }
    }),
  );
}
