// An etcd controller store in a process of its own, so that a test can kill -9 or SIGSTOP it.
// argv[2]: the store's options as JSON. Commands arrive on stdin, one JSON object a line:
// {"id":1,"op":"commit","changes":[...]}, {"id":2,"op":"readAll"}, {"op":"close"}. Everything it
// has to say goes to stdout, one JSON object a line: leadership changes, and each command's outcome.
import readline from 'node:readline';
import { createEtcdStore, type EtcdStoreOptions } from '../../../src/controller/store/etcd/index.js';
import type { Leadership, RecordChange } from '../../../src/controller/store/controller-store.js';
import { silentLogger } from '../../../src/util/logger.js';

type Command = { id?: number; op: 'commit'; changes: RecordChange[] } | { id?: number; op: 'readAll' } | { id?: number; op: 'close' };

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

// The test runner also loads every file under test/: without options this is not a store process.
if (process.argv[2]) await serve(JSON.parse(process.argv[2]) as Omit<EtcdStoreOptions, 'logger'>);

async function serve(options: Omit<EtcdStoreOptions, 'logger'>): Promise<void> {
  const store = createEtcdStore({ ...options, logger: silentLogger() });
  store.onLeadershipChange((leadership: Leadership) => say({ event: 'leadership', leadership }));

  async function run(command: Command): Promise<void> {
    try {
      if (command.op === 'commit') {
        await store.commit(command.changes);
        say({ id: command.id, ok: true });
      } else if (command.op === 'readAll') {
        say({ id: command.id, ok: true, records: Object.fromEntries(await store.readAll()) });
      } else {
        await store.close();
        say({ id: command.id, ok: true });
        process.exit(0);
      }
    } catch (err) {
      say({ id: command.id, ok: false, error: (err as Error).name, message: (err as Error).message });
    }
  }

  await store.start();
  say({ event: 'started', leadership: store.leadership() });
  readline
    .createInterface({ input: process.stdin })
    .on('line', (line) => void run(JSON.parse(line) as Command))
    // The test that drives it is gone: nothing more will be asked.
    .on('close', () => void run({ op: 'close' }));
}
