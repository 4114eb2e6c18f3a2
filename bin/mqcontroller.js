#!/usr/bin/env node
// A stop requested while the controller's modules load is kept, and handled as soon as they are.
let earlySignal = null;
const keep = (signal) => (earlySignal ??= signal);
process.on('SIGTERM', keep);
process.on('SIGINT', keep);
const { main } = await import('../dist/src/cli/mqcontroller.js');
process.off('SIGTERM', keep);
process.off('SIGINT', keep);
main(process.argv.slice(2), earlySignal);
