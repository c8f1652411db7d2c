export * from './peaks.js';
export * from './efficiency.js';
