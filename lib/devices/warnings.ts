/**
 * What makes an environment's timings unrepresentative, judged from the plain {@link EnvironmentInfo} a report
 * carries (no file or process access, so the analyses can use it on reports from elsewhere).
 */
import type { EnvironmentInfo } from '../types/index.js';

/**
 * Warnings about an environment that make its timings unrepresentative or incomparable: a Jetson outside MAXN,
 * Jetson or discrete GPU clocks not locked, clock state unknown on a Jetson, and figures that are estimates
 * against a device profile because no GPU was used.
 */
export function environmentWarnings(environment: EnvironmentInfo): string[] {
  const warnings: string[] = [];
  const jetson = environment.jetson;
  if (jetson) {
    const board = jetson.model ?? 'this Jetson';
    if (jetson.nvpmodelMode !== undefined && !/^MAXN/i.test(jetson.nvpmodelMode)) {
      const hint = jetson.notes.find((note) => /MAXN is id/.test(note))?.match(/sudo nvpmodel -m \d+/)?.[0];
      warnings.push(
        `${board} is not in MAXN (nvpmodel mode ${jetson.nvpmodelMode}): the power mode caps GPU and memory clocks, so timings and peaks are lower than the datasheet's. Select MAXN with ${hint ?? 'sudo nvpmodel -m <id> (ids in /etc/nvpmodel.conf)'} when comparing with published figures.`,
      );
    }
    if (jetson.clocksLocked === false) {
      warnings.push(`GPU clocks not locked on ${board}: run sudo jetson_clocks before timing; with DVFS the GPU starts each burst at a low clock and timings come out several times (3–4×) worse and noisy.`);
    } else if (jetson.clocksLocked === undefined) {
      warnings.push(`Could not tell whether the GPU clocks of ${board} are locked: run sudo jetson_clocks before timing.`);
    }
  }
  const clocks = environment.gpu?.clocks;
  if (!jetson && clocks?.locked === false) {
    warnings.push(
      `GPU clocks of ${environment.gpu?.name ?? 'the GPU'} are not locked: boost clocks follow temperature and power, so run-to-run differences of a few percent are noise. Lock them with sudo nvidia-smi -lgc ${clocks.maxSmMHz ?? '<MHz>'} for comparisons.`,
    );
  }
  if (!environment.gpu && environment.deviceProfile) {
    warnings.push(`No GPU was used: figures are estimates against the device profile ${environment.deviceProfile}, not measurements.`);
  }
  return warnings;
}
