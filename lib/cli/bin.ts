#!/usr/bin/env node
/** Executable entry of `trtn`; all logic lives in main.ts so tests can drive it in-process. */
import { main } from './main.js';

// `trtn … | head` closes the pipe early: that is the reader saying "enough", not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
