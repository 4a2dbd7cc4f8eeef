export * from './settings.js';
export * from './identity.js';
export * from './fraud.js';
export * from './code.js';
