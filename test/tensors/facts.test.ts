import { describe, expect, it } from 'vitest';
import { OnnxDataType } from '../../lib/onnx/model.js';
import {
  bytesPerElement,
  DATA_TYPE_WORDS,
  DATA_TYPES,
  dataTypeFacts,
  dataTypeOfOnnx,
  FORMAT_VECTOR_WIDTH,
  FORMATS,
  formatFromEnumName,
  ioTypeToDataType,
  isFloatOnnxType,
  networkTypeOfOnnx,
  ONNX_TYPES,
  product,
} from '../../lib/tensors/facts.js';
import { isTensorRTError } from '../../lib/errors.js';
import { mockElementBytes, UNKNOWN_TYPE_BYTES } from '../../lib/mock/formats.js';

describe('type facts table', () => {
  it('gives sizes for named types and refuses to guess one for unknown', () => {
    expect(bytesPerElement('float16')).toBe(2);
    expect(bytesPerElement('int64')).toBe(8);
    expect(bytesPerElement('int4')).toBe(0.5);
    expect(dataTypeFacts('unknown')).toBeUndefined();
    expect(dataTypeFacts('constructor')).toBeUndefined();
    let error: unknown;
    try {
      bytesPerElement('unknown');
    } catch (caught) {
      error = caught;
    }
    expect(isTensorRTError(error) && error.code).toBe('ERR_UNSUPPORTED');
  });

  it('keeps each typed array as wide as the element it holds (int4 packs two per byte)', () => {
    for (const [name, facts] of Object.entries(DATA_TYPES)) {
      const width = new facts.typedArray(0).BYTES_PER_ELEMENT;
      expect([name, width]).toEqual([name, name === 'int4' ? 1 : facts.bytes]);
    }
    for (const [elemType, facts] of Object.entries(ONNX_TYPES)) {
      expect([elemType, new facts.storage(0).BYTES_PER_ELEMENT]).toEqual([elemType, facts.bytes]);
    }
  });

  it('maps ONNX, trtexec and TensorRT spellings to one name', () => {
    expect(dataTypeOfOnnx(OnnxDataType.FLOAT16)).toBe('float16');
    expect(dataTypeOfOnnx(OnnxDataType.DOUBLE)).toBe('unknown');
    expect(networkTypeOfOnnx(OnnxDataType.DOUBLE)).toBe('float32');
    expect(dataTypeOfOnnx(OnnxDataType.STRING)).toBe('unknown');
    expect(isFloatOnnxType(OnnxDataType.BFLOAT16)).toBe(true);
    expect(isFloatOnnxType(OnnxDataType.INT8)).toBe(false);
    expect(ioTypeToDataType('bf16')).toBe('bfloat16');
    expect(DATA_TYPE_WORDS.half).toBe('float16');
    expect(DATA_TYPE_WORDS.fp32).toBe('float32');
    expect(DATA_TYPE_WORDS.uint8).toBe('uint8');
  });

  it('describes formats once', () => {
    expect(FORMAT_VECTOR_WIDTH.hwc8).toBe(8);
    expect(Object.keys(FORMAT_VECTOR_WIDTH)).toEqual(Object.keys(FORMATS));
    expect(formatFromEnumName('kCDHW32')).toBe('cdhw32');
    expect(formatFromEnumName('kDLA_LINEAR')).toBeUndefined();
    expect(product([2, 3, 4])).toBe(24);
    expect(product([])).toBe(1);
  });

  it('leaves the choice for unknown types to each caller, stated there: the mock counts 4 bytes', () => {
    expect(UNKNOWN_TYPE_BYTES).toBe(4);
    expect(mockElementBytes('unknown')).toBe(4);
    expect(mockElementBytes('float16')).toBe(2);
    expect(mockElementBytes('int4')).toBe(0.5);
  });
});
