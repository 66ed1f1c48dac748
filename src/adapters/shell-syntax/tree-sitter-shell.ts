import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ShellScript, ShellSyntax } from '../../core/ports/shell-syntax.js';
import type { BashNode } from './bash-node.js';
import { translateBash } from './bash-tree.js';

/** The two WebAssembly files: web-tree-sitter's runtime and tree-sitter-bash's grammar. */
export interface ShellWasmFiles {
  runtime: string;
  grammar: string;
}

const RUNTIME = 'tree-sitter.wasm';
const GRAMMAR = 'tree-sitter-bash.wasm';

/**
 * Where the WebAssembly files are: the first of `dirs` that holds both (the build copies them next
 * to the bundle, dist/), else the installed packages (a checkout running from source, its tests).
 */
export function shellWasmFiles(dirs: readonly string[]): ShellWasmFiles {
  for (const dir of dirs) {
    const files = { runtime: join(dir, RUNTIME), grammar: join(dir, GRAMMAR) };
    if (existsSync(files.runtime) && existsSync(files.grammar)) return files;
  }
  const require = createRequire(import.meta.url);
  return {
    runtime: require.resolve(`web-tree-sitter/${RUNTIME}`),
    grammar: join(dirname(require.resolve('tree-sitter-bash/package.json')), GRAMMAR),
  };
}

interface Parsing {
  parse(source: string): { rootNode: BashNode & { hasError: boolean }; delete(): void } | null;
}

/**
 * The shell parser of the approval rules: tree-sitter with its bash grammar, both WebAssembly
 * (web-tree-sitter, bundled; the .wasm files read from `files`). Loaded on the first parse
 * (0.05–0.15 s), then ~0.2 ms per command of a few hundred characters. Translates, never decides.
 */
export class TreeSitterShell implements ShellSyntax {
  private loading: Promise<Parsing> | null = null;

  constructor(private readonly files: ShellWasmFiles) {}

  async parse(script: string): Promise<ShellScript> {
    const parser = await this.load();
    const tree = parser.parse(script);
    if (tree === null) return { commands: [], redirects: [], unresolved: ['the parser gave no tree'] };
    try {
      const out = translateBash(tree.rootNode, script);
      if (tree.rootNode.hasError && out.unresolved.length === 0) {
        return { ...out, unresolved: ['a syntax error'] };
      }
      return out;
    } catch (err) {
      // A tree too deep for the stack: nothing of it is trusted.
      return { commands: [], redirects: [], unresolved: [`not translated: ${String(err)}`] };
    } finally {
      tree.delete();
    }
  }

  private load(): Promise<Parsing> {
    this.loading ??= (async () => {
      const { Parser, Language } = await import('web-tree-sitter');
      // The runtime's bytes given, so it never looks for its file (the bundle has moved it).
      await Parser.init({ wasmBinary: readFileSync(this.files.runtime) } as unknown as Parameters<
        typeof Parser.init
      >[0]);
      const language = await Language.load(readFileSync(this.files.grammar));
      const parser = new Parser();
      parser.setLanguage(language);
      return parser as unknown as Parsing;
    })();
    this.loading.catch(() => {
      this.loading = null;
    });
    return this.loading;
  }
}
