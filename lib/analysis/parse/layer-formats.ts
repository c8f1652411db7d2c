/**
 * Tensor layouts of engine layers, recovered from the verbose build log.
 *
 * TensorRT 10.6's engine inspector (and the log's one-line layer information) gives a tensor's type only —
 * `"Format/Datatype": "Half"` — not its layout, so a layer table built from it reads `unknown` for every format.
 * The log has the rest: the reformat layers the builder added (`… from Float(…) to Half(4147200,1:8,2160,2)`) and,
 * per layer, the format combinations under which the engine's tactic was timed. A tensor is shared by the layer
 * that writes it and the layers that read it, so each fact narrows the combinations of its neighbours; this
 * repeats until nothing changes. Only what the log pins down is filled in: a tensor still ambiguous stays
 * `unknown`, and the warnings say how many.
 */
import type { LayerInfo, LayerTactics, LayerTensor, TacticCandidate } from '../../types/index.js';
import { sameTactic, type ParsedBuildLog } from './build-log.js';
import { dataTypeFromWord, parseStrideTensor, splitTopLevel } from './tensor-format.js';

/** What {@link inferLayerFormats} found. */
export interface LayerFormatInference {
  /** The layers with every tensor whose layout the log pins down filled in (`formatText` = the log's notation). */
  layers: LayerInfo[];
  /** Per layer, the format combination (TensorRT's stride notation) the engine's tactic runs under, when unique. */
  chosenFormats: Record<string, string>;
  /** Tensors whose layout was already known or is now known, and those left unknown. */
  counts: { known: number; unknown: number };
  warnings: string[];
}

interface Combination {
  text: string;
  inputs: string[];
  outputs: string[];
}

function splitCombination(text: string): Combination | undefined {
  const [inputText, outputText, extra] = text.split(' -> ');
  if (outputText === undefined || extra !== undefined) return undefined;
  return { text, inputs: splitTopLevel(inputText), outputs: splitTopLevel(outputText) };
}

function typeWord(descriptor: string): string {
  return /^([A-Za-z0-9]+)\(/.exec(descriptor)?.[1] ?? '';
}

function layoutKnown(tensor: LayerTensor): boolean {
  return tensor.format !== 'unknown' || tensor.channelAlignment > 1;
}

/**
 * Fills in the layout of each engine layer's tensors from a verbose build log of the same build.
 *
 * @param layers - engine layers (inspector JSON, normalised); not modified
 * @param log - the parsed verbose log of the build that produced them
 */
export function inferLayerFormats(layers: LayerInfo[], log: ParsedBuildLog): LayerFormatInference {
  const known = new Map<string, string>();
  const conflicts = new Set<string>();
  const learn = (tensor: string, descriptor: string): boolean => {
    const previous = known.get(tensor);
    if (previous === undefined) {
      known.set(tensor, descriptor);
      return true;
    }
    if (previous !== descriptor) conflicts.add(tensor);
    return false;
  };
  for (const reformat of log.addedReformats) {
    // Input copies read the network tensor and write `Reformatted Input Tensor i to L`; output copies the reverse.
    if (reformat.name.startsWith('Reformatted Input')) {
      learn(reformat.tensor, reformat.from);
      learn(reformat.name, reformat.to);
    } else {
      learn(reformat.name, reformat.from);
      learn(reformat.tensor, reformat.to);
    }
  }

  // Candidate combinations per layer: those under which its engine tactic was timed, matching its tensor types.
  const options = new Map<string, Combination[]>();
  for (const layer of layers) {
    if (!layer.tacticValue) continue;
    const texts = new Set<string>();
    for (const record of log.tactics) {
      if (record.layer !== layer.name) continue;
      for (const candidate of record.candidates) if (candidate.formats && sameTactic(candidate.tactic, layer.tacticValue)) texts.add(candidate.formats);
    }
    const combinations = [...texts]
      .map(splitCombination)
      .filter((combination): combination is Combination => combination !== undefined)
      .filter((combination) => combination.inputs.length === layer.inputs.length && combination.outputs.length === layer.outputs.length)
      .filter((combination) =>
        [...combination.inputs.map((descriptor, index) => [descriptor, layer.inputs[index]] as const), ...combination.outputs.map((descriptor, index) => [descriptor, layer.outputs[index]] as const)].every(
          ([descriptor, tensor]) => tensor.dataType === 'unknown' || dataTypeFromWord(typeWord(descriptor)) === tensor.dataType,
        ),
      );
    if (combinations.length > 0) options.set(layer.name, combinations);
  }

  const consistent = (layer: LayerInfo, combination: Combination) =>
    combination.inputs.every((descriptor, index) => (known.get(layer.inputs[index].name) ?? descriptor) === descriptor) &&
    combination.outputs.every((descriptor, index) => (known.get(layer.outputs[index].name) ?? descriptor) === descriptor);

  for (let changed = true; changed; ) {
    changed = false;
    for (const layer of layers) {
      const combinations = options.get(layer.name);
      if (!combinations) continue;
      const remaining = combinations.filter((combination) => consistent(layer, combination));
      if (remaining.length === 0) continue;
      if (remaining.length < combinations.length) options.set(layer.name, remaining);
      const agreed = (side: 'inputs' | 'outputs', index: number) => {
        const values = new Set(remaining.map((combination) => combination[side][index]));
        return values.size === 1 ? [...values][0] : undefined;
      };
      layer.inputs.forEach((tensor, index) => {
        const value = agreed('inputs', index);
        if (value !== undefined && learn(tensor.name, value)) changed = true;
      });
      layer.outputs.forEach((tensor, index) => {
        const value = agreed('outputs', index);
        if (value !== undefined && learn(tensor.name, value)) changed = true;
      });
    }
  }

  const chosenFormats: Record<string, string> = {};
  for (const layer of layers) {
    const remaining = options.get(layer.name)?.filter((combination) => consistent(layer, combination));
    if (remaining?.length === 1) chosenFormats[layer.name] = remaining[0].text;
  }

  let knownCount = 0;
  let unknownCount = 0;
  const fill = (tensor: LayerTensor): LayerTensor => {
    if (layoutKnown(tensor)) {
      knownCount += 1;
      return tensor;
    }
    const descriptor = conflicts.has(tensor.name) ? undefined : known.get(tensor.name);
    const facts = descriptor ? parseStrideTensor(descriptor) : undefined;
    if (!descriptor || !facts || (facts.format === 'unknown' && facts.channelAlignment <= 1)) {
      unknownCount += 1;
      return tensor;
    }
    knownCount += 1;
    return { ...tensor, formatText: descriptor, format: facts.format, channelAlignment: facts.channelAlignment, dataType: tensor.dataType === 'unknown' ? facts.dataType : tensor.dataType };
  };
  const filled = layers.map((layer) => ({ ...layer, inputs: layer.inputs.map(fill), outputs: layer.outputs.map(fill) }));

  const warnings: string[] = [];
  if (conflicts.size > 0) warnings.push(`The log gives two layouts for ${conflicts.size} tensor(s) (${[...conflicts].slice(0, 3).join(', ')}); their format stays unknown.`);
  if (unknownCount > 0 && layers.length > 0) {
    warnings.push(`${unknownCount} tensor(s) keep an unknown layout: the inspector gives only their type and the log does not pin down one format combination for them.`);
  }
  return { layers: filled, chosenFormats, counts: { known: knownCount, unknown: unknownCount }, warnings };
}

/**
 * Builder timings of the engine's reformat layers. TensorRT 10.x times each reformat as `Optimizer Reformat(…)`
 * under `Autotuning Reformat: <from> -> <to>` and never under the engine layer's own name; with the layouts known
 * (see {@link inferLayerFormats}) each `Reformatting CopyNode …` layer gets the time its tactic was timed with for
 * that pair (or the pair's fastest, when its tactic is not among them). Layers without a timed pair are left out.
 *
 * @param layers - engine layers with layouts filled in (`formatText` in stride notation)
 * @param log - the parsed verbose log of the same build
 */
export function reformatTimings(layers: LayerInfo[], log: ParsedBuildLog): LayerTactics[] {
  const timed = new Map<string, TacticCandidate[]>();
  const add = (candidate: TacticCandidate) => {
    if (!candidate.formats || typeof candidate.timeMs !== 'number' || !/Reformat/.test(candidate.implementation ?? '')) return;
    timed.set(candidate.formats, [...(timed.get(candidate.formats) ?? []), candidate]);
  };
  for (const record of log.tactics) record.candidates.forEach(add);
  for (const entry of log.fastest) add({ tactic: entry.tactic, implementation: entry.implementation, timeMs: entry.timeMs, ...(entry.formats ? { formats: entry.formats } : {}) });
  const records: LayerTactics[] = [];
  for (const layer of layers) {
    if (!layer.isReformat || layer.inputs.length !== 1 || layer.outputs.length !== 1) continue;
    const pair = `${layer.inputs[0].formatText} -> ${layer.outputs[0].formatText}`;
    const candidates = timed.get(pair);
    if (!candidates) continue;
    const own = layer.tacticValue ? candidates.filter((candidate) => sameTactic(candidate.tactic, layer.tacticValue)) : [];
    const pool = own.length > 0 ? own : candidates;
    const best = pool.reduce((a, b) => ((b.timeMs as number) < (a.timeMs as number) ? b : a));
    records.push({ layer: layer.name, candidates: [], chosen: { ...best, formats: pair }, source: 'verbose-log' });
  }
  return records;
}

/**
 * Engine layers as the log's layer information gives them (TensorRT 10.x `Layers:` dump, trtexec
 * `--dumpLayerInfo`, 8.x `Layer(…)` lines), in the shape the inspector JSON is normalised to, for inputs that
 * have a log and no separate layer information.
 */
export function layersFromLog(log: ParsedBuildLog): LayerInfo[] {
  return log.engineLayers.map((line) => {
    const tensors = [...line.inputs, ...line.outputs];
    const types = new Set(tensors.map((tensor) => tensor.dataType).filter((type) => type !== 'unknown'));
    const isReformat = line.layerType === 'Reformat' || line.parameterType === 'Reformat' || /^Reformatting CopyNode/.test(line.name);
    return {
      name: line.name,
      layerType: line.layerType,
      ...(line.parameterType ? { parameterType: line.parameterType } : {}),
      onnxNodes: isReformat ? [] : line.name.split(/ \+ | \|\| /).map((part) => part.trim()).filter((part) => part !== ''),
      inputs: line.inputs,
      outputs: line.outputs,
      ...(line.kernelName ? { tacticName: line.kernelName } : {}),
      ...(line.tactic ? { tacticValue: line.tactic } : {}),
      isReformat,
      precision: types.size === 0 ? 'unknown' : types.size === 1 ? [...types][0] : 'mixed',
      ...(line.convolution ? { convolution: line.convolution } : {}),
    };
  });
}

/**
 * Fills layouts still unknown from the other end of the same tensor: a tensor written by one layer and read by
 * another is one buffer in one format, so where the inspector prints only a type word on one side (Myelin's
 * `Half`) and a format sentence on the other, the sentence holds for both. Only tensors of equal dimensions are
 * matched (Myelin reshapes under the same name).
 */
export function shareTensorFormats(layers: LayerInfo[]): { layers: LayerInfo[]; filled: number } {
  const byName = new Map<string, LayerTensor>();
  for (const layer of layers) {
    for (const tensor of [...layer.inputs, ...layer.outputs]) {
      if (tensor.format === 'unknown' || byName.has(tensor.name)) continue;
      byName.set(tensor.name, tensor);
    }
  }
  let filled = 0;
  const fill = (tensor: LayerTensor): LayerTensor => {
    if (tensor.format !== 'unknown' || tensor.channelAlignment > 1) return tensor;
    const known = byName.get(tensor.name);
    if (!known || known.dimensions.join(',') !== tensor.dimensions.join(',')) return tensor;
    filled += 1;
    return { ...tensor, format: known.format, channelAlignment: known.channelAlignment, formatText: known.formatText, dataType: tensor.dataType === 'unknown' ? known.dataType : tensor.dataType };
  };
  return { layers: layers.map((layer) => ({ ...layer, inputs: layer.inputs.map(fill), outputs: layer.outputs.map(fill) })), filled };
}
