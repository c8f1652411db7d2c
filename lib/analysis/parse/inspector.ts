/**
 * Normalises TensorRT's engine-inspector JSON (`IEngineInspector::getEngineInformation(kJSON)`, trtexec
 * `--exportLayerInfo`) into {@link LayerInfo}. Handles the 8.x-10.x schema (`Bindings`, one `Format/Datatype`
 * sentence per tensor), the 11.x schema (`I/O Tensors`, separate `Format` and `DataType`), layers given as bare
 * names (engines built without detailed profiling verbosity) and Myelin layers without `TacticValue`.
 */
import { TensorRTError } from '../../errors.js';
import type { DataTypeName, LayerInfo, LayerTensor } from '../../types/index.js';
import { parseFormatText } from './tensor-format.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function inputError(message: string, details: Record<string, unknown> = {}): never {
  throw new TensorRTError('ERR_ANALYSIS_INPUT', message, {
    ...details,
    hint: 'Export it with `trtexec --profilingVerbosity=detailed --exportLayerInfo=layers.json` or Engine.inspect().',
  });
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function flag(value: unknown): boolean {
  return value === 1 || value === true || value === '1' || value === 'true';
}

function constant(value: unknown): { type: string; count: number } | undefined {
  if (!isObject(value) || typeof value.Count !== 'number') return undefined;
  return { type: String(value.Type ?? 'unknown'), count: value.Count };
}

function tensor(value: unknown, where: string): LayerTensor {
  if (!isObject(value)) return inputError(`Engine layer information: ${where} is not a tensor object.`);
  const formatSentence = text(value['Format/Datatype']) ?? text(value.Format) ?? '';
  const dataTypeWord = text(value.DataType) ?? text(value.Datatype);
  const facts = parseFormatText(formatSentence, dataTypeWord);
  return {
    name: text(value.Name) ?? '',
    ...(text(value.Location) ? { location: text(value.Location) } : {}),
    dimensions: numbers(value.Dimensions),
    formatText: formatSentence || (dataTypeWord ?? ''),
    dataType: facts.dataType,
    format: facts.format,
    channelAlignment: facts.channelAlignment,
  };
}

/** ONNX node names from the inspector's `Metadata` (`[ONNX Layer: Conv_1]` records joined by U+001E). */
function onnxNodesOf(name: string, metadata: unknown): string[] {
  if (typeof metadata === 'string' && metadata.trim() !== '') {
    const named = [...metadata.matchAll(/\[ONNX Layer: ([^\]]*)\]/g)].map((match) => match[1]);
    if (named.length > 0) return named;
  }
  if (/^Reformatting CopyNode/.test(name)) return [];
  return name.split(/ \+ | \|\| /).map((part) => part.trim()).filter((part) => part !== '');
}

function precisionOf(tensors: LayerTensor[]): DataTypeName | 'mixed' {
  const types = new Set(tensors.map((item) => item.dataType).filter((type) => type !== 'unknown'));
  if (types.size === 0) return 'unknown';
  if (types.size === 1) return [...types][0];
  return 'mixed';
}

function isReformatName(name: string): boolean {
  return /^Reformatting CopyNode/.test(name);
}

function layerFromObject(raw: Json, index: number): LayerInfo {
  const name = text(raw.Name) ?? text(raw.LayerName);
  if (name === undefined) inputError(`Engine layer information: layer ${index} has no "Name".`, { index });
  const layerType = text(raw.LayerType) ?? 'unknown';
  const parameterType = text(raw.ParameterType);
  const inputs = Array.isArray(raw.Inputs) ? raw.Inputs.map((item, position) => tensor(item, `input ${position} of layer "${name}"`)) : [];
  const outputs = Array.isArray(raw.Outputs) ? raw.Outputs.map((item, position) => tensor(item, `output ${position} of layer "${name}"`)) : [];
  const info: LayerInfo = {
    name,
    layerType,
    ...(parameterType ? { parameterType } : {}),
    onnxNodes: onnxNodesOf(name, raw.Metadata),
    inputs,
    outputs,
    ...(text(raw.TacticName) ? { tacticName: text(raw.TacticName) } : {}),
    ...(text(raw.TacticValue) ? { tacticValue: text(raw.TacticValue)!.toLowerCase() } : {}),
    isReformat: layerType === 'Reformat' || parameterType === 'Reformat' || isReformatName(name),
    precision: precisionOf([...inputs, ...outputs]),
    raw,
  };
  if (parameterType === 'Convolution' || parameterType === 'Deconvolution' || 'OutMaps' in raw) {
    const weights = constant(raw.Weights);
    const bias = constant(raw.Bias);
    info.convolution = {
      kernel: numbers(raw.Kernel),
      stride: numbers(raw.Stride),
      prePadding: numbers(raw.PrePadding),
      postPadding: numbers(raw.PostPadding),
      dilation: numbers(raw.Dilation),
      groups: typeof raw.Groups === 'number' ? raw.Groups : 1,
      outMaps: typeof raw.OutMaps === 'number' ? raw.OutMaps : 0,
      ...(weights ? { weights } : {}),
      ...(bias ? { bias } : {}),
      hasSparseWeights: flag(raw.HasSparseWeights),
      hasResidual: flag(raw.HasResidual),
      ...(text(raw.Activation) ? { activation: text(raw.Activation) } : {}),
    };
  }
  return info;
}

function layerFromName(name: string): LayerInfo {
  return { name, layerType: 'unknown', onnxNodes: onnxNodesOf(name, undefined), inputs: [], outputs: [], isReformat: isReformatName(name), precision: 'unknown' };
}

/**
 * Normalises engine-inspector JSON into layers.
 *
 * @param json - the parsed JSON (or its text): `{"Layers": […]}` from any TensorRT version, an array of layers,
 *   or one layer object from `getLayerInformation`
 * @returns one {@link LayerInfo} per layer; layers given only by name carry the name and nothing else
 * @throws TensorRTError ERR_ANALYSIS_INPUT when the value has no layers in any known shape
 */
export function normalizeInspectorJson(json: unknown): LayerInfo[] {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      inputError(`Engine layer information is not valid JSON (${(error as Error).message}).`);
    }
  }
  let layers: unknown[];
  if (isObject(value) && Array.isArray(value.Layers)) layers = value.Layers;
  else if (Array.isArray(value)) layers = value;
  else if (isObject(value) && typeof value.Name === 'string') layers = [value];
  else {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? `an object with keys ${Object.keys(value as Json).slice(0, 5).join(', ') || '(none)'}` : typeof value;
    return inputError(`Expected engine layer information ({"Layers": [...]} from trtexec --exportLayerInfo or IEngineInspector), got ${got}.`);
  }
  return layers.map((layer, index) => {
    if (typeof layer === 'string') return layerFromName(layer);
    if (isObject(layer)) return layerFromObject(layer, index);
    return inputError(`Engine layer information: layer ${index} is ${layer === null ? 'null' : typeof layer}; expected a name or an object.`, { index });
  });
}

/** Whether the JSON uses TensorRT 11's schema (`I/O Tensors`) rather than 8.x-10.x's (`Bindings`). */
export function inspectorSchemaGeneration(json: unknown): '10.x' | '11.x' | 'unknown' {
  if (!isObject(json)) return 'unknown';
  if (Array.isArray(json['I/O Tensors'])) return '11.x';
  if (Array.isArray(json.Bindings)) return '10.x';
  return 'unknown';
}
