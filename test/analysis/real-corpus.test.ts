/**
 * Readers against real TensorRT 10.6 output (test/fixtures/real, made on an H200 by scripts/device/corpus.sh).
 * The expected values are read from TensorRT's own lines here, independently of the reader under test.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseBuildLog } from '../../lib/analysis/parse/build-log.js';

const corpus = join(import.meta.dirname, '..', 'fixtures', 'real', 'trt10.6-h200');
const cases = readdirSync(corpus).filter((name) => name !== 'models');

function tensorrtLog(name: string): string[] {
  const report = JSON.parse(gunzipSync(readFileSync(join(corpus, name, 'trtn-report.json.gz'))).toString('utf8'));
  return (report.log as { message: string }[]).map((line) => line.message);
}

/** TensorRT's own count and list from the engine-level (not foreignNode) line starting with `prefix`. */
function ownList(lines: string[], prefix: RegExp): { count: number; names: string[] } | undefined {
  const line = lines.map((text) => text.trim()).find((text) => prefix.test(text));
  if (!line) return undefined;
  const count = Number(/(\d+) layer\(s\)/.exec(line)?.[1]);
  const list = line.slice(line.indexOf('tactics:') + 'tactics:'.length).trim();
  return { count, names: list === '' ? [] : list.split(', ') };
}

describe('real TensorRT 10.6 build logs', () => {
  it('has the four corpus builds', () => {
    expect(cases.sort()).toEqual(['resnet-like-2of4', 'resnet18-2of4', 'seed003-default', 'seed003-hwc8']);
  });

  for (const name of cases) {
    it(`${name}: sparsity lists equal TensorRT's own (Sparsity) lines, foreignNode lines left out`, () => {
      const lines = tensorrtLog(name);
      const parsed = parseBuildLog(lines);
      const eligible = ownList(lines, /^\(Sparsity\) Found \d+ layer\(s\) eligible/);
      const picked = ownList(lines, /^\(Sparsity\) Chose \d+ layer\(s\)/);
      if (!eligible) {
        // Builds without --sparsity print no engine-level list.
        expect(parsed.sparsity.eligible).toEqual([]);
        return;
      }
      expect(parsed.sparsity.eligible).toHaveLength(eligible.count);
      expect(parsed.sparsity.eligible).toEqual(eligible.names);
      expect(parsed.sparsity.picked).toHaveLength(picked?.count ?? 0);
      expect(parsed.sparsity.picked).toEqual(picked?.names ?? []);
      for (const layer of parsed.sparsity.picked) expect(parsed.sparsity.eligible).toContain(layer);
    });
  }

  it('resnet18 2:4: 19 eligible, 1 chosen, as TensorRT printed on the H200', () => {
    const parsed = parseBuildLog(tensorrtLog('resnet18-2of4'));
    expect(parsed.sparsity.eligible.length).toBe(19);
    expect(parsed.sparsity.picked).toEqual(['/layer1/layer1.0/conv2/Conv + /layer1/layer1.0/Add + /layer1/layer1.0/relu_1/Relu']);
  });
});
