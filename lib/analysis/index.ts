export * from './peaks.js';
export * from './efficiency.js';
export * from './compare.js';
