export * from './policy.js';
export * from './period.js';
export * from './qualify.js';
