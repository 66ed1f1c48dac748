/** Packages Ink imports that the terminal UI replaces (see tui-aliases.mjs). */
export declare const TUI_ALIASES: Record<string, string>;
