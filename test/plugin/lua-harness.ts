import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LuaFactory } from 'wasmoon';

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Where the plugin sits in the VM's file system: as a WezTerm clone, DATA_DIR/plugins/<component>. */
export const PLUGIN_DIR = '/plugins/wezterm-parallel/plugin';

/** A Lua 5.4 VM with the recording `wezterm` stub as `stub` and the plugin as `plugin`. */
export interface PluginVm {
  /** Runs a Lua chunk (globals: stub, wezterm, plugin) and returns what it returns, through JSON. */
  run<T = unknown>(chunk: string): T;
  close(): void;
}

/** Runs a program for the plugin's `wezterm.run_child_process` (what WezTerm does for real). */
export type ChildRunner = (argv: string[]) => { ok: boolean; stdout: string; stderr: string };

/**
 * Starts a VM and loads the plugin as `wezterm.plugin.require` does: `require(component)` with
 * DATA_DIR/plugins/?/plugin/init.lua on package.path. `load = false` skips loading it. With
 * `run`, commands no test scripted run for real through it. `pluginDir` puts the plugin's files
 * elsewhere (where npm installs them).
 */
export async function startPlugin(load = true, run?: ChildRunner, pluginDir = PLUGIN_DIR): Promise<PluginVm> {
  // One factory (one WebAssembly instance) per VM: engines sharing an instance corrupt each other
  // once one of them is closed.
  const factory = new LuaFactory();
  for (const file of readdirSync(repo('plugin')).filter((f) => f.endsWith('.lua'))) {
    await factory.mountFile(`${pluginDir}/${file}`, readFileSync(repo(`plugin/${file}`), 'utf8'));
  }
  const engine = await factory.createEngine();
  engine.global.set('STUB_SOURCE', readFileSync(repo('test/plugin/wezterm-stub.lua'), 'utf8'));
  if (run) engine.global.set('REAL_RUN', (argv: string) => JSON.stringify(run(argv.split('\u001f'))));
  engine.doStringSync(`
    stub = assert(load(STUB_SOURCE, '@test/plugin/wezterm-stub.lua'))()
    wezterm = stub.wezterm
    package.preload['wezterm'] = function() return stub.wezterm end
    package.path = '/plugins/?/plugin/init.lua'
  `);
  if (load) engine.doStringSync(`plugin = require('wezterm-parallel')`);
  return {
    // doStringSync: wasmoon 1.16's async doString leaks a stack slot per returned value and breaks
    // after some 45 calls ("attempt to index a nil value (upvalue '_ENV')").
    run<T>(chunk: string): T {
      const json: unknown = engine.doStringSync(`return stub.json((function() ${chunk}\nend)())`);
      return JSON.parse(String(json)) as T;
    },
    close: () => engine.global.close(),
  };
}

/** A Lua long-string literal holding `text` (for JSON documents and paths in chunks). */
export const luaString = (text: string): string => `[==[${text}]==]`;

/** A Lua expression decoding `value` from JSON. */
export const luaValue = (value: unknown): string => `stub.json_decode(${luaString(JSON.stringify(value))})`;
