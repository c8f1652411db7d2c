/** Types for pack.mjs, for tests that import it. */
export declare const MAX_PART_SIZE: number;
/** Parses `60M`, `64K`, `1G` or a byte count (binary units). */
export declare function parseSize(text: string): number;
/** An anchored RegExp for a glob (`*`, `**`, `?`) over bundle paths. */
export declare function globToRegExp(glob: string): RegExp;
/** The runtime node_modules closure of `roots` (`@prod` = package.json dependencies), outermost folders only. */
export declare function nodeModulesClosure(roots: string[], repoRoot: string): Array<{ dir: string; package: string }>;
/** Packs as the command line would; returns the manifest (or undefined for --help). */
export declare function pack(argv: string[]): Promise<Record<string, unknown> | undefined>;
