import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireShell } from '../../../../test/support/completion-rig.js';
import { completionScript, INSTALL, SHELLS } from './scripts.js';

/**
 * The scripts' syntax and registration. What they offer is tested by running them in the real
 * shells against the real CLI: test/e2e/completion.test.ts (bash), completion-shells.test.ts (zsh, fish).
 */
describe('completion scripts', () => {
  it.each(SHELLS)('%s: valid syntax, with how to install it in its header', async (shell) => {
    await requireShell(shell);
    const s = completionScript(shell);
    // A file: fish reads no script from a socket, and `fish -n -c` exits 0 on a syntax error.
    const dir = mkdtempSync(join(tmpdir(), 'wtp-completion-'));
    try {
      writeFileSync(join(dir, 'script'), s);
      const check = shell === 'fish' ? ['--no-config', '--no-execute'] : ['-n'];
      execFileSync(shell, [...check, join(dir, 'script')], { stdio: 'pipe' }); // throws on a syntax error
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(s.split('\n').slice(0, 4).join('\n')).toContain(INSTALL[shell]);
  });

  it('registers the completion for both program names', () => {
    expect(completionScript('bash')).toContain('complete -F _wtp_complete wtp wezterm-parallel\n');
    const zsh = completionScript('zsh');
    expect(zsh.startsWith('#compdef wtp wezterm-parallel\n')).toBe(true); // when autoloaded from $fpath
    expect(zsh).toContain('compdef _wtp wtp wezterm-parallel'); // when sourced
    const fish = completionScript('fish');
    expect(fish).toContain("complete -c wtp -f -a '(__wtp_complete)'");
    expect(fish).toContain("complete -c wezterm-parallel -f -a '(__wtp_complete)'");
  });
});
