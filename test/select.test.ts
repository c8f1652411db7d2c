// Backend selection has one cache: resetBackends() forgets the loader's load result too, so a changed
// environment (here TRTN_BACKEND) is seen on the next call (issue 11).
import { afterEach, describe, expect, it } from 'vitest';
import { backendInfo, getBackend, resetBackends } from '../lib/select.js';
import { loadNativeBackend } from '../lib/native/loader.js';

const saved = process.env.TRTN_BACKEND;

afterEach(() => {
  if (saved === undefined) delete process.env.TRTN_BACKEND;
  else process.env.TRTN_BACKEND = saved;
  resetBackends();
});

describe('resetBackends', () => {
  it('forgets the loader cache as well as the selection', () => {
    process.env.TRTN_BACKEND = 'mock';
    resetBackends();
    const first = loadNativeBackend();
    expect(backendInfo().reasons.map((reason) => reason.code)).toEqual(['DISABLED']);
    const mock = getBackend('mock');
    expect(getBackend('mock')).toBe(mock);

    delete process.env.TRTN_BACKEND;
    resetBackends();
    expect(loadNativeBackend()).not.toBe(first);
    expect(backendInfo().reasons.map((reason) => reason.code)).not.toContain('DISABLED');
    expect(getBackend('mock')).not.toBe(mock);
  });

  it('keeps one answer between resets', () => {
    resetBackends();
    expect(loadNativeBackend()).toBe(loadNativeBackend());
    expect(getBackend('mock')).toBe(getBackend('mock'));
  });
});
