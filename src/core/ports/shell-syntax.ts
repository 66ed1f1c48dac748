/**
 * What the approval rules need from outside: a real shell parser, and the file system's
 * view of a path (symbolic links). The parser is an adapter (src/adapters/shell-syntax/, tree-sitter
 * with its bash grammar in WebAssembly) that translates a command line into this neutral structure
 * and decides nothing; what is resolved, what a wrapper runs and what a rule matches is core
 * (src/core/policies/).
 */

/**
 * One piece of a word: `literal` text was quoted or escaped (it reaches the command as it is),
 * `bare` text was not (glob, brace and tilde expansion may still change it), `dynamic` is an
 * expansion or a substitution (`$X`, `${X}`, `$(…)`, `` `…` ``, `$((…))`, `<(…)`): its value is known
 * only when the command runs (`text` is its source).
 */
export interface WordPart {
  kind: 'literal' | 'bare' | 'dynamic';
  text: string;
}

/** A shell word as its parts, and its source text. */
export interface ShellWord {
  parts: readonly WordPart[];
  source: string;
}

/** A redirection: its operator (`>`, `>>`, `<`, `&>`, `>&`, `<<`, `<<<`…) and its target (a file, an fd, a here-document). */
export interface ShellRedirect {
  op: string;
  /** The file or fd it names; null for a here-document or here-string (their text is input, not a file). */
  target: ShellWord | null;
}

/**
 * One simple command, wherever it sits (a list, a pipeline, a subshell, a group, an `if`/`for`/
 * `while`/`case` body, a function's body, a command or process substitution, an assignment's value,
 * a here-document): the assignments before it and its words (name first). A bare assignment
 * (`X=1`) is a command with no words; `export`/`local`/`declare`/`readonly`/`typeset`/`unset` are
 * commands named so; `[[ … ]]` is one named `[[`.
 */
export interface SimpleCommand {
  assignments: readonly ShellWord[];
  words: readonly ShellWord[];
}

/** A command line as the parser read it. */
export interface ShellScript {
  /** Every simple command, in source order (the inner ones of a substitution after the one holding it). */
  commands: readonly SimpleCommand[];
  /** Every redirection, wherever it sits. */
  redirects: readonly ShellRedirect[];
  /**
   * What the parser could not read (a syntax error, a missing token) or the translation does not
   * understand (a construct it was not written for): each a short description. A script with any
   * is never approved by a rule.
   */
  unresolved: readonly string[];
}

/** A shell parser (bash syntax). Loading it may take a moment the first time. */
export interface ShellSyntax {
  parse(script: string): Promise<ShellScript>;
}

/** The file system's view of paths. */
export interface RealPaths {
  /**
   * The path with every symbolic link resolved, as far as it exists: the real path of its longest
   * existing prefix, followed by the rest as written. `path` is absolute and normalised (no `.`/`..`).
   */
  realpath(path: string): Promise<string>;
}
