import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_STEPS_CHANNEL, buildEngine, type BuildStepMessage } from '../../lib/index.js';
import { buildSeed003Model, writeOnnx } from '../../lib/onnx/index.js';

describe('build steps on the diagnostics channel', () => {
  it('publishes each step of a build once, in order, with rising times', async () => {
    const messages: BuildStepMessage[] = [];
    const listener = (message: unknown) => messages.push(message as BuildStepMessage);
    subscribe(BUILD_STEPS_CHANNEL, listener);
    const started = performance.now();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'trtn-steps-'));
      const { engine } = await buildEngine(writeOnnx(buildSeed003Model({ channels: 4, height: 8, width: 8, layers: 1 })), { backend: 'mock', timingCache: join(dir, 'cache.bin') });
      engine.dispose();
    } finally {
      unsubscribe(BUILD_STEPS_CHANNEL, listener);
    }
    expect(messages.map((message) => message.step)).toEqual(['model read', 'backend loaded', 'backend build starts', 'timing cache written', 'engine deserialized', 'engine ready']);
    for (let index = 0; index < messages.length; index++) {
      expect(messages[index].atMs).toBeGreaterThanOrEqual(index === 0 ? started : messages[index - 1].atMs);
    }
  });

  it('publishes nothing once unsubscribed', async () => {
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    subscribe(BUILD_STEPS_CHANNEL, listener);
    unsubscribe(BUILD_STEPS_CHANNEL, listener);
    const { engine } = await buildEngine(writeOnnx(buildSeed003Model({ channels: 4, height: 8, width: 8, layers: 1 })), { backend: 'mock' });
    engine.dispose();
    expect(messages).toEqual([]);
  });
});
