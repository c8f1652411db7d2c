/**
 * Build progress for the CLI: a bar on a TTY (cli-progress), plain throttled lines otherwise (CI logs), nothing
 * when disabled. The callback never throws and never blocks the build.
 */
import cliProgress from 'cli-progress';
import type { BuildProgress } from '../types/index.js';

/** A progress sink with an idempotent stop(). */
export interface ProgressReporter {
  update: (progress: BuildProgress) => void;
  stop: () => void;
}

/** Creates the reporter for the current terminal. */
export function createProgressReporter(options: { enabled: boolean; stream?: NodeJS.WriteStream }): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{phase} [{bar}] {value}/{total}', stream, clearOnComplete: true, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let stopped = false;
    return {
      update: (progress) => {
        if (stopped || progress.depth !== 0) return;
        if (!started) {
          bar.start(progress.steps, progress.step, { phase: progress.phase });
          started = true;
        }
        bar.setTotal(progress.steps);
        bar.update(progress.step, { phase: progress.phase });
      },
      stop: () => {
        if (started && !stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let lastPhase = '';
  let lastPercent = -1;
  return {
    update: (progress) => {
      if (progress.depth !== 0) return;
      const percent = progress.steps > 0 ? Math.floor((100 * progress.step) / progress.steps / 25) * 25 : 0;
      if (progress.phase === lastPhase && percent === lastPercent) return;
      lastPhase = progress.phase;
      lastPercent = percent;
      stream.write(`progress: ${progress.phase} ${progress.step}/${progress.steps}\n`);
    },
    stop: () => undefined,
  };
}
