/** The package's own version, read from package.json so it never drifts. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** tensorrt-node's version. */
export const packageVersion: string = (require('../package.json') as { version: string }).version;
