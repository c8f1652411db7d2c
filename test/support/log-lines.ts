/**
 * An independent reader of TensorRT's `Tactic Name:` lines for the corpus tests: it walks the lines itself (no
 * library code), remembering the Timing Runner header above each, so the library's reader can be checked against it.
 */
export interface NamedTacticLine {
  layer: string;
  kernel: string;
  tactic: string;
  timeMs: number;
  /** The time as printed. */
  timeText: string;
}

/** Every `Tactic Name:` line with the layer of the Timing Runner header above it. */
export function namedTacticLines(lines: string[]): NamedTacticLine[] {
  const found: NamedTacticLine[] = [];
  let layer = '';
  for (const line of lines) {
    const header = /^-+ Timing Runner: (.*) \(([A-Za-z]+)\[0x[0-9a-f]+\]\)$/.exec(line);
    if (header) layer = header[1];
    if (line.startsWith('Tactic Name: ')) {
      const words = line.split(' ');
      const timeText = words[words.indexOf('Time:') + 1];
      found.push({ layer, kernel: words[2], tactic: words[words.indexOf('Tactic:') + 1], timeMs: Number(timeText), timeText });
    }
  }
  return found;
}
