// warmBuildLogReader(): the reader's patterns compiled ahead of time, in several turns of the event loop, without
// changing what the reader reads (a real TensorRT 10.6 log from the H200).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';

const report = JSON.parse(gunzipSync(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'real', 'trt10.6-h200', 'resnet-like-2of4', 'trtn-report.json.gz'))).toString('utf8'));
const log: string[] = report.log.map((line: { message: string }) => line.message);

describe('warmBuildLogReader', () => {
  it('takes several turns of the event loop, returns one promise, and leaves the reading unchanged', async () => {
    vi.resetModules();
    const reader = await import('../../lib/analysis/parse/build-log.js');
    const before = reader.readBuildLog(log);
    let turns = 0;
    let done = false;
    const counting = (async () => {
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
    })();
    const warming = reader.warmBuildLogReader();
    expect(reader.warmBuildLogReader()).toBe(warming);
    await warming;
    done = true;
    await counting;
    expect(turns).toBeGreaterThan(2);
    const after = reader.readBuildLog(log);
    expect(after).toEqual(before);
    expect(after.result.sparsity.eligible.length).toBeGreaterThan(0);
  });
});
