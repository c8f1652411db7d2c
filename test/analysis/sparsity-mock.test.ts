import { beforeAll, describe, expect, test } from 'vitest';
import { explainSparsity, formatSparsityExplanation, parseBuildLog } from '../../lib/analysis/index.js';
import { createMockBackend } from '../../lib/mock/index.js';
import { buildResNetLikeModel, writeOnnx } from '../../lib/onnx/index.js';
import { resolveBuildOptions } from '../../lib/options.js';
import type { BuildReport } from '../../lib/types/index.js';

describe('explainSparsity on a mock build (report and its verbose log)', () => {
  let report: BuildReport;
  beforeAll(async () => {
    const backend = createMockBackend({ reason: 'no TensorRT in CI' });
    const bytes = writeOnnx(buildResNetLikeModel({ channels: [16, 288], batch: 8, height: 32, width: 24 }));
    report = (await backend.build(bytes, resolveBuildOptions({ fp16: true, sparsity: 'force', recordTactics: true, mockDevice: 'orin-agx-32gb-816mhz' }), {})).report;
  });

  test('every eligible layer is classified from the report, with estimated times labelled', () => {
    const explanation = explainSparsity({ report });
    expect(explanation.estimated).toBe(true);
    expect(explanation.layers.map((entry) => entry.layer).sort()).toEqual([...new Set([...report.sparsity.eligible, ...report.sparsity.picked])].sort());
    for (const entry of explanation.layers) {
      expect(entry.picked).toBe(report.sparsity.picked.includes(entry.layer));
      // The mock times a dense and (when eligible) a sparse candidate for each matrix layer.
      if (entry.picked) expect(entry.reason).toBe('picked');
      else expect(['dense-faster', 'no-sparse-timed']).toContain(entry.reason);
      if (entry.reason === 'dense-faster') expect(entry.sentence).toMatch(/\(estimated\).*beat.*\(estimated\)/);
    }
    if (explanation.savedMs) expect(explanation.savedMs.estimated).toBe(true);
    expect(formatSparsityExplanation(explanation)).toMatch(/ESTIMATED/);
  });

  test('the mock log parses to the same lists and candidates as the report', () => {
    const log = parseBuildLog(report.log.map((line) => line.message));
    expect(log.sparsity).toEqual(report.sparsity);
    for (const record of report.tactics) {
      const parsed = log.tactics.find((entry) => entry.layer === record.layer);
      expect(parsed?.candidates.map((candidate) => [candidate.tactic, candidate.timeMs, candidate.sparse])).toEqual(
        record.candidates.map((candidate) => [candidate.tactic.toLowerCase(), candidate.timeMs, candidate.sparse]),
      );
    }
    const fromLog = explainSparsity({ log });
    expect(fromLog.eligibleNotPicked).toEqual(explainSparsity({ report }).eligibleNotPicked);
  });
});
