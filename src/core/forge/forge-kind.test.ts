import { describe, expect, it } from 'vitest';
import { forgeKind, remoteHost } from './forge-kind.js';

describe('forgeKind', () => {
  it('reads the host of every form of remote URL', () => {
    expect(remoteHost('https://github.com/acme/shop.git')).toBe('github.com');
    expect(remoteHost('https://user:token@GitLab.example.org/acme/shop.git')).toBe('gitlab.example.org');
    expect(remoteHost('ssh://git@gitlab.com:2222/acme/shop.git')).toBe('gitlab.com');
    expect(remoteHost('git@gitlab.com:acme/shop.git')).toBe('gitlab.com');
    expect(remoteHost('/srv/git/shop.git')).toBeNull();
    expect(remoteHost('../shop.git')).toBeNull();
    expect(remoteHost('file:///srv/git/shop.git')).toBeNull();
  });

  it('takes the CLI the config names, else glab for GitLab hosts and gh for the rest', () => {
    expect(forgeKind('auto', 'git@gitlab.com:acme/shop.git')).toBe('gitlab');
    expect(forgeKind('auto', 'https://github.com/acme/shop.git')).toBe('github');
    expect(forgeKind('auto', '/srv/git/shop.git')).toBe('github');
    expect(forgeKind('auto', null)).toBe('github');
    expect(forgeKind('glab', 'https://github.com/acme/shop.git')).toBe('gitlab');
    expect(forgeKind('gh', 'git@gitlab.com:acme/shop.git')).toBe('github');
  });
});
