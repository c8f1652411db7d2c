/**
 * ONNX protobuf reader and writer. The schema below is written for this package: message and field numbers
 * are facts of the ONNX wire format (onnx.proto, proto2). Only what the in-memory model holds is read; training
 * info, functions and sparse initializers are dropped on read.
 */
import { readFile, writeFile } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { TensorRTError } from '../errors.js';
import { onnxTypeFacts, product } from '../tensors/facts.js';
import {
  OnnxDataType,
  type OnnxAttributeValue,
  type OnnxDim,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './model.js';

const SCHEMA = `
syntax = "proto2";
package trtn_onnx;

message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }

message TensorSegment { optional int64 begin = 1; optional int64 end = 2; }
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional TensorSegment segment = 3;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
  optional string doc_string = 12;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}

message ShapeDimension { optional int64 dim_value = 1; optional string dim_param = 2; optional string denotation = 3; }
message TensorShapeProto { repeated ShapeDimension dim = 1; }
message TypeTensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
message TypeProto { optional TypeTensor tensor_type = 1; optional string denotation = 6; }
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }

message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  optional string doc_string = 13;
  optional int32 type = 20;
  optional string ref_attr_name = 21;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

/** AttributeProto.AttributeType values (facts of the format). */
const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const ModelProto = root.lookupType('trtn_onnx.ModelProto');
// protobufjs generates each message type's decoder and encoder on its first use, a few ms in all; done here, at import,
// it is not an event-loop stall in the middle of a service's first build (bench/vs-trtexec.mjs measures that lag).
for (const type of ModelProto.parent!.nestedArray) if (type instanceof protobuf.Type) type.setup();

/** Protobuf messages are loosely typed here; presence matters, so fields are checked with {@link has}. */
type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function has(message: Message, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}

/** protobufjs returns int64 as `Long` (when the `long` package is present), as number, or as string. */
function longToBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  const long = value as { low: number; high: number; unsigned?: boolean };
  const bits = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return long.unsigned ? bits : BigInt.asIntN(64, bits);
}

/**
 * int64 scalars (dims, int attributes) as numbers. Values beyond 2^53 are clamped: INT64_MAX is a legal
 * "until the end" in Slice-like attributes, and clamping keeps that meaning while staying a safe integer.
 */
function longToNumber(value: unknown): number {
  const big = longToBigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(big);
}

function bigIntToLong(value: bigint): { low: number; high: number; unsigned: boolean } {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

function numberToLong(value: number): { low: number; high: number; unsigned: boolean } | number {
  return Number.isSafeInteger(value) && Math.abs(value) < 2 ** 31 ? value : bigIntToLong(BigInt(Math.trunc(value)));
}

function parseError(message: string, cause?: unknown): TensorRTError {
  return new TensorRTError(
    'ERR_ONNX_PARSE',
    `${message}. Check that the file is a complete .onnx model (re-export it with torch.onnx.export or ` +
      `re-download it; a partial copy or a different file type gives this error).`,
    {},
    cause === undefined ? undefined : { cause },
  );
}

function unsupported(message: string): TensorRTError {
  return new TensorRTError('ERR_ONNX_UNSUPPORTED', message);
}

type TensorData = OnnxTensor['data'];

/** Allocates the typed array model.ts documents for `dataType`. */
export function allocateTensorData(dataType: number, count: number): TensorData {
  const facts = onnxTypeFacts(dataType);
  if (!facts) {
    throw unsupported(
      `tensor element type ${dataType} (${dataTypeName(dataType)}) is not supported; only numeric tensors ` +
        `(float, float16, bfloat16, double, int8..int64, uint8..uint64, bool) can be read`,
    );
  }
  return new facts.storage(count);
}

function dataTypeName(dataType: number): string {
  const entry = Object.entries(OnnxDataType).find(([, value]) => value === dataType);
  return entry ? entry[0] : 'unknown';
}

function decodeTensor(message: Message): OnnxTensor {
  const name: string = message.name ?? '';
  const dataType: number = message.data_type ?? 0;
  const dims = (message.dims ?? []).map((dim: unknown) => longToNumber(dim));
  if (message.data_location === 1 || (message.external_data?.length ?? 0) > 0) {
    throw unsupported(
      `initializer '${name}' stores its data in an external file; external data is not supported. ` +
        `Save the model with all tensors inside the .onnx file (onnx.save_model(model, path, ` +
        `save_as_external_data=False)); this only works for models below 2 GiB`,
    );
  }
  if (dims.some((dim: number) => dim < 0)) throw parseError(`tensor '${name}' has a negative dimension`);
  const count = product(dims);
  const data = allocateTensorData(dataType, count);
  const valueBytes = onnxTypeFacts(dataType)!.bytes;
  const raw: Uint8Array | undefined = has(message, 'raw_data') ? message.raw_data : undefined;
  if (raw !== undefined && (raw.length > 0 || count === 0)) {
    const expected = count * valueBytes;
    if (raw.length !== expected) {
      throw parseError(`tensor '${name}' has ${raw.length} bytes of raw_data, expected ${expected} for dims [${dims}]`);
    }
    // Copy: raw_data is an unaligned view into the file buffer, and the wire format is little-endian.
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    bytes.set(raw);
    if (!littleEndianHost) swapBytes(bytes, valueBytes);
    return withDoc<OnnxTensor>({ name, dataType, dims, data }, message);
  }
  let source: ArrayLike<unknown> = [];
  let kind: 'number' | 'long' | 'fp16' = 'number';
  switch (dataType) {
    case OnnxDataType.FLOAT:
      source = message.float_data ?? [];
      break;
    case OnnxDataType.DOUBLE:
      source = message.double_data ?? [];
      break;
    case OnnxDataType.INT64:
      source = message.int64_data ?? [];
      kind = 'long';
      break;
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      source = message.uint64_data ?? [];
      kind = 'long';
      break;
    default:
      // FLOAT16/BFLOAT16 bits, INT32, INT16, INT8, UINT8, UINT16, BOOL all travel in int32_data.
      source = message.int32_data ?? [];
  }
  if (source.length !== count) {
    throw parseError(`tensor '${name}' has ${source.length} values, expected ${count} for dims [${dims}]`);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let index = 0; index < count; index++) {
      const value = longToBigInt(source[index]);
      data[index] = data instanceof BigUint64Array ? BigInt.asUintN(64, value) : value;
    }
  } else if (kind === 'long') {
    for (let index = 0; index < count; index++) (data as Uint32Array)[index] = Number(longToBigInt(source[index]));
  } else {
    for (let index = 0; index < count; index++) (data as Float32Array)[index] = source[index] as number;
  }
  return withDoc<OnnxTensor>({ name, dataType, dims, data }, message);
}

function withDoc<T extends { docString?: string }>(target: T, message: Message): T {
  if (has(message, 'doc_string')) target.docString = message.doc_string;
  return target;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let offset = 0; offset < bytes.length; offset += width) bytes.subarray(offset, offset + width).reverse();
}

function encodeTensor(tensor: OnnxTensor): Message {
  const expected = product(tensor.dims);
  if (tensor.data.length !== expected) {
    throw new TensorRTError(
      'ERR_INVALID_ARGUMENT',
      `tensor '${tensor.name}' has ${tensor.data.length} values but dims [${tensor.dims}] need ${expected}; fix the data or dims before writing`,
    );
  }
  const bytes = new Uint8Array(tensor.data.byteLength);
  bytes.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  if (!littleEndianHost) swapBytes(bytes, tensor.data.BYTES_PER_ELEMENT);
  const message: Message = {
    dims: tensor.dims.map(numberToLong),
    data_type: tensor.dataType,
    name: tensor.name,
    raw_data: bytes,
  };
  if (tensor.docString !== undefined) message.doc_string = tensor.docString;
  return message;
}

function decodeValueInfo(message: Message): OnnxValueInfo {
  const info: OnnxValueInfo = { name: message.name ?? '', elemType: 0 };
  const tensorType = message.type?.tensor_type;
  if (tensorType) {
    info.elemType = tensorType.elem_type ?? 0;
    if (has(tensorType, 'shape')) {
      info.shape = (tensorType.shape.dim ?? []).map((dim: Message): OnnxDim => {
        if (has(dim, 'dim_value')) return longToNumber(dim.dim_value);
        if (has(dim, 'dim_param')) return dim.dim_param as string;
        return undefined;
      });
    }
  }
  return withDoc(info, message);
}

function encodeValueInfo(info: OnnxValueInfo): Message {
  const tensorType: Message = { elem_type: info.elemType };
  if (info.shape) {
    tensorType.shape = {
      dim: info.shape.map((dim) =>
        typeof dim === 'number' ? { dim_value: numberToLong(dim) } : typeof dim === 'string' ? { dim_param: dim } : {},
      ),
    };
  }
  const message: Message = { name: info.name, type: { tensor_type: tensorType } };
  if (info.docString !== undefined) message.doc_string = info.docString;
  return message;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

function decodeAttribute(message: Message, nodeName: string): [string, OnnxAttributeValue] {
  const name: string = message.name ?? '';
  const where = `attribute '${name}' of node '${nodeName}'`;
  if (has(message, 'ref_attr_name')) {
    throw unsupported(`${where} refers to a function attribute; ONNX functions are not supported`);
  }
  let type: number | undefined = has(message, 'type') ? message.type : undefined;
  if (type === undefined) {
    // Very old exporters omitted `type`; infer it from the populated field.
    if (has(message, 'f')) type = AttributeType.FLOAT;
    else if (has(message, 'i')) type = AttributeType.INT;
    else if (has(message, 's')) type = AttributeType.STRING;
    else if (has(message, 't')) type = AttributeType.TENSOR;
    else if (has(message, 'g')) type = AttributeType.GRAPH;
    else if (message.floats?.length) type = AttributeType.FLOATS;
    else if (message.ints?.length) type = AttributeType.INTS;
    else if (message.strings?.length) type = AttributeType.STRINGS;
    else throw parseError(`${where} has no type and no value`);
  }
  switch (type) {
    case AttributeType.FLOAT:
      return [name, { type: 'float', value: message.f ?? 0 }];
    case AttributeType.INT:
      return [name, { type: 'int', value: longToNumber(message.i ?? 0) }];
    case AttributeType.STRING:
      return [name, { type: 'string', value: utf8Decoder.decode(message.s ?? new Uint8Array()) }];
    case AttributeType.TENSOR:
      if (!message.t) throw parseError(`${where} is a tensor attribute without a tensor`);
      return [name, { type: 'tensor', value: decodeTensor(message.t) }];
    case AttributeType.GRAPH:
      if (!message.g) throw parseError(`${where} is a graph attribute without a graph`);
      return [name, { type: 'graph', value: decodeGraph(message.g) }];
    case AttributeType.FLOATS:
      return [name, { type: 'floats', value: Array.from(message.floats ?? [], Number) }];
    case AttributeType.INTS:
      return [name, { type: 'ints', value: (message.ints ?? []).map((value: unknown) => longToNumber(value)) }];
    case AttributeType.STRINGS:
      return [name, { type: 'strings', value: (message.strings ?? []).map((value: Uint8Array) => utf8Decoder.decode(value)) }];
    default:
      throw unsupported(
        `${where} has attribute type ${type} (tensors, graphs, sparse tensors or type protos), which is not supported`,
      );
  }
}

function encodeAttribute(name: string, attribute: OnnxAttributeValue): Message {
  switch (attribute.type) {
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attribute.value };
    case 'int':
      return { name, type: AttributeType.INT, i: numberToLong(attribute.value) };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8Encoder.encode(attribute.value) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: encodeTensor(attribute.value) };
    case 'graph':
      return { name, type: AttributeType.GRAPH, g: encodeGraph(attribute.value) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: attribute.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: attribute.value.map(numberToLong) };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: attribute.value.map((value) => utf8Encoder.encode(value)) };
  }
}

function decodeNode(message: Message): OnnxNode {
  const node: OnnxNode = {
    name: message.name ?? '',
    opType: message.op_type ?? '',
    domain: message.domain ?? '',
    inputs: [...(message.input ?? [])],
    outputs: [...(message.output ?? [])],
    attributes: {},
  };
  if (node.domain === 'ai.onnx') node.domain = '';
  for (const attribute of message.attribute ?? []) {
    const [name, value] = decodeAttribute(attribute, node.name || node.opType);
    node.attributes[name] = value;
  }
  return withDoc(node, message);
}

function encodeNode(node: OnnxNode): Message {
  const message: Message = {
    input: node.inputs,
    output: node.outputs,
    name: node.name,
    op_type: node.opType,
    attribute: Object.entries(node.attributes).map(([name, value]) => encodeAttribute(name, value)),
  };
  if (node.domain) message.domain = node.domain;
  if (node.docString !== undefined) message.doc_string = node.docString;
  return message;
}

function decodeGraph(message: Message): OnnxGraph {
  const graph: OnnxGraph = {
    name: message.name ?? '',
    nodes: (message.node ?? []).map(decodeNode),
    initializers: (message.initializer ?? []).map(decodeTensor),
    inputs: (message.input ?? []).map(decodeValueInfo),
    outputs: (message.output ?? []).map(decodeValueInfo),
    valueInfo: (message.value_info ?? []).map(decodeValueInfo),
  };
  return withDoc(graph, message);
}

function encodeGraph(graph: OnnxGraph): Message {
  const message: Message = {
    node: graph.nodes.map(encodeNode),
    name: graph.name,
    initializer: graph.initializers.map(encodeTensor),
    input: graph.inputs.map(encodeValueInfo),
    output: graph.outputs.map(encodeValueInfo),
    value_info: graph.valueInfo.map(encodeValueInfo),
  };
  if (graph.docString !== undefined) message.doc_string = graph.docString;
  return message;
}

/**
 * Decodes ONNX protobuf bytes into an {@link OnnxModel}.
 *
 * @param bytes - the contents of a `.onnx` file
 * @returns the decoded model; initializer data is copied out of `bytes`
 * @throws TensorRTError `ERR_ONNX_PARSE` when the bytes are empty, truncated, not protobuf, or have no graph;
 *   `ERR_ONNX_UNSUPPORTED` for external data, string tensors and function attributes
 */
export function readOnnx(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', `expected a Uint8Array for \`bytes\`, got ${typeof bytes}`);
  }
  if (bytes.length === 0) throw parseError('the ONNX data is empty (0 bytes)');
  let message: Message;
  try {
    message = ModelProto.decode(bytes) as unknown as Message;
  } catch (error) {
    throw parseError(`the data is not a valid ONNX protobuf (${(error as Error).message}); it may be truncated`, error);
  }
  if (!has(message, 'graph')) throw parseError('the data decodes as protobuf but has no ONNX graph');
  if (!has(message, 'ir_version') || longToNumber(message.ir_version) <= 0) {
    throw parseError('the data has no ONNX ir_version, so it is not an ONNX model');
  }
  try {
    const model: OnnxModel = {
      irVersion: longToNumber(message.ir_version),
      opsetImports: (message.opset_import ?? []).map((entry: Message) => ({
        domain: entry.domain === 'ai.onnx' ? '' : (entry.domain ?? ''),
        version: longToNumber(entry.version ?? 0),
      })),
      producerName: message.producer_name ?? '',
      producerVersion: message.producer_version ?? '',
      graph: decodeGraph(message.graph),
      metadataProps: (message.metadata_props ?? []).map((entry: Message) => ({ key: entry.key ?? '', value: entry.value ?? '' })),
    };
    if (has(message, 'domain')) model.domain = message.domain;
    if (has(message, 'model_version')) model.modelVersion = longToNumber(message.model_version);
    if (has(message, 'doc_string')) model.docString = message.doc_string;
    return model;
  } catch (error) {
    if (error instanceof TensorRTError) throw error;
    throw parseError(`the ONNX data is malformed (${(error as Error).message})`, error);
  }
}

/**
 * Encodes an {@link OnnxModel} as ONNX protobuf bytes. Tensor data is always written as `raw_data`
 * (little-endian), which every ONNX consumer accepts.
 *
 * @param model - the model to encode
 * @returns the bytes of a `.onnx` file
 * @throws TensorRTError `ERR_INVALID_ARGUMENT` when a tensor's data length does not match its dims
 */
export function writeOnnx(model: OnnxModel): Uint8Array {
  const message: Message = {
    ir_version: numberToLong(model.irVersion),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    graph: encodeGraph(model.graph),
    opset_import: model.opsetImports.map((entry) => ({ domain: entry.domain, version: numberToLong(entry.version) })),
    metadata_props: model.metadataProps.map((entry) => ({ key: entry.key, value: entry.value })),
  };
  if (model.domain !== undefined) message.domain = model.domain;
  if (model.modelVersion !== undefined) message.model_version = numberToLong(model.modelVersion);
  if (model.docString !== undefined) message.doc_string = model.docString;
  return ModelProto.encode(message).finish();
}

/**
 * Reads and decodes a `.onnx` file.
 *
 * @param path - file path
 * @throws TensorRTError `ERR_IO` when the file cannot be read; the codes of {@link readOnnx} otherwise
 */
export async function loadOnnxFile(path: string): Promise<OnnxModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TensorRTError(
      'ERR_IO',
      `cannot read ONNX file '${path}': ${(error as Error).message}. Check the path and its permissions`,
      { path },
      { cause: error },
    );
  }
  return readOnnx(bytes);
}

/**
 * Encodes a model and writes it to `path`.
 *
 * @param path - file path; overwritten if it exists
 * @param model - the model
 * @throws TensorRTError `ERR_IO` when the file cannot be written
 */
export async function saveOnnxFile(path: string, model: OnnxModel): Promise<void> {
  const bytes = writeOnnx(model);
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw new TensorRTError(
      'ERR_IO',
      `cannot write ONNX file '${path}': ${(error as Error).message}. Check that the folder exists and is writable`,
      { path },
      { cause: error },
    );
  }
}
