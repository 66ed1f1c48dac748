import { describe, expect, it } from 'vitest';
import { fallbackDirs, pathWithTool, toolSearchPath } from './tool-dirs.js';

const env = { userHome: '/Users/ann', weztermExecutableDir: undefined };

describe('where a Mac keeps tmux and wezterm off PATH', () => {
  it('wezterm: the folder WezTerm names, then the app bundle in /Applications and ~/Applications', () => {
    expect(fallbackDirs('wezterm', { ...env, weztermExecutableDir: '/Apps/W.app/Contents/MacOS' })).toEqual([
      '/Apps/W.app/Contents/MacOS',
      '/Applications/WezTerm.app/Contents/MacOS',
      '/Users/ann/Applications/WezTerm.app/Contents/MacOS',
    ]);
    expect(fallbackDirs('wezterm', env)).toHaveLength(2);
  });

  it('PATH comes first; folders it already lists are not repeated; empty entries dropped', () => {
    expect(toolSearchPath('tmux', '/usr/bin::/usr/local/bin', env)).toBe(
      '/usr/bin:/usr/local/bin:/opt/homebrew/bin:/opt/local/bin:/home/linuxbrew/.linuxbrew/bin',
    );
    expect(toolSearchPath('tmux', undefined, env).split(':')[0]).toBe('/opt/homebrew/bin');
  });

  it("a tool found off PATH adds its folder at the end of the children's PATH; on PATH changes nothing", () => {
    expect(pathWithTool('/usr/bin:/bin', '/opt/homebrew/bin/tmux')).toBe('/usr/bin:/bin:/opt/homebrew/bin');
    expect(pathWithTool('/usr/bin:/bin', '/usr/bin/tmux')).toBe('/usr/bin:/bin');
    expect(pathWithTool('/usr/bin', null)).toBe('/usr/bin');
    expect(pathWithTool(undefined, '/opt/homebrew/bin/tmux')).toBe('/opt/homebrew/bin');
  });
});
