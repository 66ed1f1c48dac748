import { describe, expect, it } from 'vitest';
import type { TemplateSource } from '../protocol/template.js';
import { listCandidates, refOf, resolveRef, type Candidate, type Candidates } from './template-names.js';

function candidates(spec: Partial<Record<TemplateSource, string[]>>): Candidates {
  const map = (source: TemplateSource) =>
    new Map<string, Candidate>(
      (spec[source] ?? []).map((name) => [
        name,
        { name, source, path: source === 'builtin' ? null : `/${source}/${name}.yaml`, read: () => '' },
      ]),
    );
  return { builtin: map('builtin'), user: map('user'), repo: map('repo') };
}

describe('template names', () => {
  const all = candidates({
    builtin: ['quad', 'solo'],
    user: ['solo', 'mine'],
    repo: ['quad', 'mine', 'trio'],
  });
  const at = (ref: string) => {
    const r = resolveRef(ref, all);
    return [r.candidate?.source ?? null, r.candidate?.name ?? null];
  };

  it('a bare name is the user’s, else the built-in, else the repository’s', () => {
    expect(at('solo')).toEqual(['user', 'solo']);
    expect(at('quad')).toEqual(['builtin', 'quad']);
    expect(at('mine')).toEqual(['user', 'mine']);
    expect(at('trio')).toEqual(['repo', 'trio']); // no other template has that name
    expect(at('nope')).toEqual([null, null]);
  });

  it('source:NAME picks one source; an unknown source or name finds nothing', () => {
    expect(at('repo:quad')).toEqual(['repo', 'quad']);
    expect(at('repo:mine')).toEqual(['repo', 'mine']);
    expect(at('builtin:solo')).toEqual(['builtin', 'solo']);
    expect(at('user:quad')).toEqual([null, null]);
    expect(at('elsewhere:quad')).toEqual([null, null]);
  });

  it('a bare name that passes over the repository’s template says so', () => {
    expect(resolveRef('quad', all).note).toMatch(
      /repository also has a template "quad" \(\/repo\/quad\.yaml\).*repo:quad/,
    );
    expect(resolveRef('solo', all).note).toBeNull();
    expect(resolveRef('trio', all).note).toBeNull();
    expect(resolveRef('repo:quad', all).note).toBeNull();
  });

  it('lists every template once, by the name that selects it, each beside its namesakes', () => {
    expect(listCandidates(all).map((x) => [x.ref, x.candidate.source])).toEqual([
      ['mine', 'user'],
      ['repo:mine', 'repo'],
      ['quad', 'builtin'],
      ['repo:quad', 'repo'],
      ['builtin:solo', 'builtin'],
      ['solo', 'user'],
      ['trio', 'repo'],
    ]);
    for (const { ref, candidate } of listCandidates(all)) {
      expect(refOf(candidate, all)).toBe(ref);
      expect(resolveRef(ref, all).candidate).toBe(candidate);
    }
  });
});
