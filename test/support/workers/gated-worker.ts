// A register body decoder worker that holds its jobs until the test opens the gate (GATE_OPEN on the
// GATE_CHANNEL broadcast channel), then decodes them as the real worker does. It says GATE_LISTENING
// on that channel once it hears it: a worker is 'online' before its module has run, and a message
// broadcast before then would be lost.
import { BroadcastChannel, parentPort } from 'node:worker_threads';
import { answerJob, type DecodeJob } from '../../../src/namesrv/processors/register-body-job.js';

export const GATE_CHANNEL = 'register-body-decoder-gate';
export const GATE_LISTENING = 'listening';
export const GATE_OPEN = 'open';

let open = false;
const held: DecodeJob[] = [];

function decode(job: DecodeJob): void {
  const { reply, transfer } = answerJob(job);
  parentPort!.postMessage(reply, transfer);
}

if (parentPort) {
  const gate = new BroadcastChannel(GATE_CHANNEL);
  gate.unref();
  gate.onmessage = (event) => {
    if ((event as MessageEvent).data !== GATE_OPEN) return;
    open = true;
    for (const job of held.splice(0)) decode(job);
  };
  gate.postMessage(GATE_LISTENING);
  parentPort.on('message', (job: DecodeJob) => (open ? decode(job) : held.push(job)));
}
