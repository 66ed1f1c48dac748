export * from './wtp-client.js';
export * from '../protocol/app-error.js';
