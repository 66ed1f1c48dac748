import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approveTemplateHash,
  isTemplateApproved,
  templateApprovalsFile,
  templateHash,
} from './template-approvals.js';

describe('template approvals', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'wtp-tpl-ok-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('hold per repository, template name and content; kept in a 0600 file in a 0700 folder', () => {
    const state = join(tmp(), 'state');
    const repo = tmp();
    const other = tmp();
    const h = templateHash('layout:\n  agent: { name: a }\n');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(isTemplateApproved(state, repo, 'quad', h)).toBe(false);
    approveTemplateHash(state, repo, 'quad', h);
    expect(isTemplateApproved(state, repo, 'quad', h)).toBe(true);
    expect(isTemplateApproved(state, repo, 'quad', templateHash('layout: {}\n'))).toBe(false);
    expect(isTemplateApproved(state, repo, 'pair', h)).toBe(false);
    expect(isTemplateApproved(state, other, 'quad', h)).toBe(false); // another clone asks again
    expect(statSync(templateApprovalsFile(state)).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    // An earlier content stays approved (switching branches back asks nothing).
    const h2 = templateHash('changed');
    approveTemplateHash(state, repo, 'quad', h2);
    expect([h, h2].map((x) => isTemplateApproved(state, repo, 'quad', x))).toEqual([true, true]);
  });

  it('name a repository by its real path', () => {
    const state = tmp();
    const repo = tmp();
    const link = join(tmp(), 'link');
    symlinkSync(repo, link);
    approveTemplateHash(state, link, 'quad', templateHash('x'));
    expect(isTemplateApproved(state, repo, 'quad', templateHash('x'))).toBe(true);
  });

  it('an unreadable file approves nothing', () => {
    const state = tmp();
    mkdirSync(state, { recursive: true });
    writeFileSync(templateApprovalsFile(state), '{ not json');
    expect(isTemplateApproved(state, tmp(), 'quad', templateHash('x'))).toBe(false);
  });
});
