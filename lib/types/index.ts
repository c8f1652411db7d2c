/**
 * Plain-data types shared by the public API, both backends, the analysis code and the CLI.
 *
 * Everything in here is JSON-serialisable so that a report written on one machine (a Jetson, a CI runner)
 * can be analysed on another.
 */
export type * from './build.js';
export type * from './layers.js';
export type * from './tensors.js';
export type * from './timing.js';
export type * from './environment.js';
