import { describe, expect, it } from 'vitest';
import { Router } from './router.js';

function makeRouter(): Router<string> {
  const r = new Router<string>();
  r.add('GET', '/api/v1/agents', 'list');
  r.add('POST', '/api/v1/agents', 'create');
  r.add('GET', '/api/v1/agents/:agent', 'get');
  r.add('DELETE', '/api/v1/agents/:agent', 'remove');
  r.add('GET', '/api/v1/agents/:agent/pty', 'pty');
  r.add('GET', '/api/v1/workspaces/:ws/agents/:agent', 'nested');
  r.add('GET', '/api/v1/files/a.b', 'dotted');
  return r;
}

describe('Router', () => {
  const router = makeRouter();

  it('matches a static path and reports the pattern', () => {
    expect(router.match('GET', '/api/v1/agents')).toEqual({
      kind: 'found',
      value: 'list',
      params: {},
      pattern: '/api/v1/agents',
    });
    expect(router.match('POST', '/api/v1/agents')).toMatchObject({ kind: 'found', value: 'create' });
  });

  it('extracts parameters, one path segment each', () => {
    expect(router.match('GET', '/api/v1/agents/a1b2')).toEqual({
      kind: 'found',
      value: 'get',
      params: { agent: 'a1b2' },
      pattern: '/api/v1/agents/:agent',
    });
    expect(router.match('GET', '/api/v1/agents/worker-1/pty')).toMatchObject({
      value: 'pty',
      params: { agent: 'worker-1' },
    });
    expect(router.match('GET', '/api/v1/workspaces/main/agents/x')).toMatchObject({
      value: 'nested',
      params: { ws: 'main', agent: 'x' },
    });
  });

  it('URL-decodes parameters', () => {
    expect(router.match('GET', '/api/v1/agents/my%20agent')).toMatchObject({ params: { agent: 'my agent' } });
    expect(router.match('GET', '/api/v1/agents/a%2Fb')).toMatchObject({
      value: 'get',
      params: { agent: 'a/b' },
    });
    expect(router.match('GET', '/api/v1/agents/%C3%A9t%C3%A9')).toMatchObject({ params: { agent: 'été' } });
  });

  it('does not match an empty segment, extra segments or a trailing slash', () => {
    expect(router.match('GET', '/api/v1/agents/')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/api/v1/agents/a/b')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/api/v1/agents/a/pty/')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/api/v1/agentsX')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/prefix/api/v1/agents')).toEqual({ kind: 'none' });
  });

  it('treats pattern characters literally', () => {
    expect(router.match('GET', '/api/v1/files/a.b')).toMatchObject({ kind: 'found', value: 'dotted' });
    expect(router.match('GET', '/api/v1/files/aXb')).toEqual({ kind: 'none' });
  });

  it('reports wrong-method with every method the path allows', () => {
    expect(router.match('PUT', '/api/v1/agents')).toEqual({ kind: 'wrong-method', allowed: ['GET', 'POST'] });
    expect(router.match('POST', '/api/v1/agents/a1')).toEqual({
      kind: 'wrong-method',
      allowed: ['GET', 'DELETE'],
    });
    expect(router.match('get', '/api/v1/agents/a1/pty')).toEqual({ kind: 'wrong-method', allowed: ['GET'] });
  });

  it('knows which methods any route serves', () => {
    expect(['GET', 'POST', 'DELETE'].map((m) => router.serves(m))).toEqual([true, true, true]);
    expect(['PUT', 'CONNECT', 'get', ''].map((m) => router.serves(m))).toEqual([false, false, false, false]);
  });

  it('reports none for an unknown path', () => {
    expect(router.match('GET', '/nope')).toEqual({ kind: 'none' });
    expect(router.match('GET', '')).toEqual({ kind: 'none' });
    expect(new Router<string>().match('GET', '/')).toEqual({ kind: 'none' });
  });

  it('prefers the first route added for the same method and path', () => {
    const r = new Router<string>();
    r.add('GET', '/x/:id', 'first');
    r.add('GET', '/x/:other', 'second');
    expect(r.match('GET', '/x/1')).toMatchObject({ value: 'first', params: { id: '1' } });
  });

  it('gives a trailing * the rest of the path, decoded, after routes added before it', () => {
    const r = new Router<string>();
    r.add('GET', '/dashboard/login', 'login');
    r.add('GET', '/dashboard/*', 'file');
    expect(r.match('GET', '/dashboard/login')).toMatchObject({ value: 'login' });
    expect(r.match('GET', '/dashboard/')).toMatchObject({ value: 'file', params: { '*': '' } });
    expect(r.match('GET', '/dashboard/assets/a%20b.js')).toMatchObject({
      value: 'file',
      params: { '*': 'assets/a b.js' },
      pattern: '/dashboard/*',
    });
    expect(r.match('GET', '/dashboard')).toEqual({ kind: 'none' });
    expect(r.match('GET', '/dashboardx/y')).toEqual({ kind: 'none' });
  });

  it('throws URIError on a malformed escape in a parameter', () => {
    expect(() => router.match('GET', '/api/v1/agents/%E0%A4%A')).toThrow(URIError);
    expect(() => router.match('GET', '/api/v1/agents/100%')).toThrow(URIError);
    // Only the matched route decodes: a bad escape on a path that matches nothing is just "none".
    expect(router.match('GET', '/nope/%zz')).toEqual({ kind: 'none' });
  });
});
