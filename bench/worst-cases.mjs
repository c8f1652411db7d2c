#!/usr/bin/env node
// The case behind each ratio of bench/vs-trtexec.mjs result files, old ones included, with the 95% bootstrap
// interval of that case's runs (bench/lib.mjs worstCases): whether the issue's bound lies within what the runs resolve.
//   node bench/worst-cases.mjs bench/results/vs-trtexec-*.json
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { worstCases } from './lib.mjs';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node bench/worst-cases.mjs <vs-trtexec result JSON>...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`worst-cases: cannot read ${file}: ${error.message}`);
    failed = true;
    continue;
  }
  if (!Array.isArray(parsed.models)) {
    console.error(`worst-cases: ${file} has no models (not a vs-trtexec result file)`);
    failed = true;
    continue;
  }
  console.log(`${basename(file)} (${parsed.gpu ?? '?'}, TensorRT ${parsed.tensorrt ?? '?'})`);
  for (const [key, entry] of Object.entries(worstCases(parsed))) {
    if (!entry) continue;
    const interval = entry.interval95 ? `${entry.interval95[0].toFixed(3)}-${entry.interval95[1].toFixed(3)}` : 'n/a';
    const verdict = entry.within === null ? entry.noVerdict : entry.within ? `holds ${entry.bound}` : `clear of ${entry.bound}`;
    console.log(`  ${key.padEnd(20)} ${entry.ratio.toFixed(3)}  95% ${interval}  ${verdict}  (${entry.model}${entry.mode ? ` ${entry.mode}` : ''}, runs ${entry.runs.join('/')})`);
  }
}
process.exit(failed ? 1 : 0);
