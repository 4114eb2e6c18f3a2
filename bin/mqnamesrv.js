#!/usr/bin/env node
import { main } from '../dist/src/cli/mqnamesrv.js';

main(process.argv.slice(2));
