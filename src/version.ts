import pkg from '../package.json' with { type: 'json' };

/** The package version, shown by `wtp --version`, the API and the host protocol hello. */
export const VERSION: string = pkg.version;
