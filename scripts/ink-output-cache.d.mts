import type { Plugin } from 'esbuild';

/** The build's changes to Ink that keep its text caches across frames (see ink-output-cache.mjs). */
export declare const inkOutputCaches: Plugin;
