#!/usr/bin/env node
/** Executable entry of `trtn`; all logic lives in main.ts so tests can drive it in-process. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
