export * from './wtp-client.js';
export * from './wtp-error.js';
