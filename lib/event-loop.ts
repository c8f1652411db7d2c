/**
 * The event loop during long work: yielding to it between steps, and buildEngine()'s steps published on a
 * diagnostics channel, so that a service (or the bench) can see what its event loop spent time on, with no cost
 * when nobody subscribes.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe(BUILD_STEPS_CHANNEL, (message) => console.log(message)); // { step: 'native build done', atMs: 13220.4 }
 * ```
 */
import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

/**
 * Lets the event loop run (timers, I/O, other callbacks) before the caller goes on. Awaiting promises that are
 * already resolved never does: a chain of such steps runs as one task, however long. Long main-thread work (a
 * build's result turned into a report: a first, cold run took 12 ms on the H200) yields between its steps with it.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The channel's name: each message is a {@link BuildStepMessage}. */
export const BUILD_STEPS_CHANNEL = 'tensorrt-node:build-steps';

/** One step of buildEngine(), published when it ends. */
export interface BuildStepMessage {
  /** What just ended, e.g. 'native build done', 'log read', 'engine deserialized'. */
  step: string;
  /** performance.now() when it ended. */
  atMs: number;
}

const buildSteps = channel(BUILD_STEPS_CHANNEL);

/** Publishes the end of one build step (nothing happens without a subscriber). */
export function publishBuildStep(step: string): void {
  if (buildSteps.hasSubscribers) buildSteps.publish({ step, atMs: performance.now() } satisfies BuildStepMessage);
}
