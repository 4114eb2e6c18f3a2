// A register body decoder worker that takes jobs and never answers.
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => undefined);
