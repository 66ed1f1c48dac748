import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { completionScript, INSTALL } from './scripts.js';

/**
 * The scripts' structure. Bash is run for real here and in test/e2e/completion.test.ts; zsh and
 * fish are not installed on the test machines (Debian: `apt-get install zsh fish`), so their
 * scripts are checked for what they must contain, not run.
 */
describe('completion scripts', () => {
  it('bash: valid syntax, registers one function for both program names, hands over the words', () => {
    const s = completionScript('bash');
    execFileSync('bash', ['-n'], { input: s }); // throws on a syntax error
    expect(s).toContain('complete -F _wtp_complete wtp wezterm-parallel\n');
    expect(s).toContain('__complete -- "${words[@]:1:cword}"');
    expect(s).toContain(INSTALL.bash);
    expect(s).toContain(':files) kind=-f ;;');
    expect(s).toContain(':dirs) kind=-d ;;');
    expect(s).toContain('compgen "$kind" -- "$cur"');
  });

  it('zsh: an autoloadable #compdef function that also works when sourced', () => {
    const s = completionScript('zsh');
    expect(s.startsWith('#compdef wtp wezterm-parallel\n')).toBe(true);
    expect(s).toContain('__complete -- "${(@)words[2,CURRENT]}"');
    expect(s).toContain("_describe -t wtp-values 'wtp' items");
    expect(s).toContain('${value//:/\\\\:}'); // a colon in a value is escaped for _describe
    expect(s).toContain(':files) _files ;;');
    expect(s).toContain(':dirs) _files -/ ;;');
    expect(s).toContain('compdef _wtp wtp wezterm-parallel');
  });

  it('fish: one function for both program names, the current token passed even when empty', () => {
    const s = completionScript('fish');
    expect(s).toContain("complete -c wtp -f -a '(__wtp_complete)'");
    expect(s).toContain("complete -c wezterm-parallel -f -a '(__wtp_complete)'");
    expect(s).toContain('command $program __complete -- $tokens $current');
    expect(s).toContain("set current ''");
    expect(s).toContain('__fish_complete_directories $current');
  });
});
