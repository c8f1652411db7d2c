import { describe, expect, it } from 'vitest';
import { TensorRTError, isTensorRTError, withCallerStack } from '../lib/errors.js';

describe('TensorRTError', () => {
  it('carries a code, details and a JSON form', () => {
    const error = new TensorRTError('ERR_ONNX_PARSE', 'bad model', { hint: 'export again' });
    expect(error).toBeInstanceOf(Error);
    expect(isTensorRTError(error, 'ERR_ONNX_PARSE')).toBe(true);
    expect(isTensorRTError(error, 'ERR_IO')).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'ERR_ONNX_PARSE', details: { hint: 'export again' } });
  });

  it('never prints a doubled full stop, but keeps ellipses and relative paths', () => {
    expect(new TensorRTError('ERR_IO', 'Could not write x: disk full.. Check it..').message).toBe('Could not write x: disk full. Check it.');
    expect(new TensorRTError('ERR_IO', 'Could not read ../model.onnx ... or ./a/..').message).toBe('Could not read ../model.onnx ... or ./a/..');
  });

  it('points async failures at the caller', async () => {
    async function callerFunctionName(): Promise<void> {
      await withCallerStack(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new TensorRTError('ERR_INTERNAL', 'boom');
      });
    }
    const error = (await callerFunctionName().then(() => undefined, (caught: unknown) => caught)) as Error | undefined;
    expect(error?.stack).toContain('callerFunctionName');
  });
});
