#!/usr/bin/env node
import { main } from '../dist/src/cli/mqadmin.js';

main(process.argv.slice(2));
