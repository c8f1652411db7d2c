#!/usr/bin/env node
/** Executable entry of `trtn`; all logic lives in main.ts so tests can drive it in-process. */
import { prefetchNativeLoad } from '../native/loader-core.js';

// A command that may open TensorRT starts opening it (worker threads: the libraries, cuInit) before the rest of the
// package loads, instead of after: on the H200 the import took about 0.2 s and the load 0.26 s, one after the other.
// Only for commands that open it through the asynchronous load (env and calibrate ask backendInfo() synchronously
// first, which would only do the same work beside it), and not for a mock run (--backend mock, TRTN_BACKEND=mock).
const argv = process.argv.slice(2);
const opensTensorRT = ['build', 'bench', 'inspect'].includes(argv[0] ?? '') || (argv[0] === 'explain' && argv.includes('--try'));
const mockOnly = argv.some((arg, index) => arg === '--backend=mock' || (arg === '--backend' && argv[index + 1] === 'mock')) || (process.env.TRTN_BACKEND ?? '').toLowerCase() === 'mock';
if (opensTensorRT && !mockOnly) prefetchNativeLoad();

const { main } = await import('./main.js');

// `trtn … | head` closes the pipe early: that is the reader saying "enough", not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(argv);
