import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeInterpreter, nodeNeedOf, nodeSatisfies } from './node-engine.js';

describe('nodeSatisfies: a Node.js version against an npm engines range', () => {
  it.each([
    ['20.19.2', '>=22.0.0', false],
    ['22.1.0', '>=22.0.0', true],
    ['v24.0.0', '>=22', true],
    ['20.19.2', '>=20', true],
    ['16.20.0', '>=18', false],
    ['20.19.2', '^20.19.0 || >=22.12.0', true],
    ['21.0.0', '^20.19.0 || >=22.12.0', false],
    ['22.12.0', '^20.19.0 || >=22.12.0', true],
    ['18.0.0', '>=16 <19', true],
    ['19.1.0', '>=16 <19', false],
    ['20.5.0', '20.x', true],
    ['21.0.0', '20', false],
    ['20.5.0', '~20.4', false],
    ['20.4.9', '~20.4', true],
    ['18.5.0', '16 - 18', true],
    ['19.0.0', '16 - 18', false],
    ['20.0.0', '>= 18.0.0', true],
    ['20.0.0', '*', true],
  ])('%s in %s: %s', (v, range, want) => expect(nodeSatisfies(v, range)).toBe(want));

  it('claims nothing about a range it does not understand', () => {
    expect(nodeSatisfies('20.0.0', 'lts/iron')).toBeNull();
    expect(nodeSatisfies('20.0.0', '>=banana')).toBeNull();
    expect(nodeSatisfies('not a version', '>=18')).toBeNull();
  });
});

describe('nodeNeedOf: what Node.js an agent CLI from npm asks for', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const pkg = (engines: unknown, bin: string, head: string) => {
    const root = mkdtempSync(join(tmpdir(), 'wtp-engine-'));
    dirs.push(root);
    const dir = join(root, 'node_modules', '@v', 'cli');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@v/cli', engines }));
    writeFileSync(join(dir, bin), `${head}\nconsole.log(1)\n`);
    chmodSync(join(dir, bin), 0o755);
    mkdirSync(join(root, 'node_modules', '.bin'));
    const link = join(root, 'node_modules', '.bin', 'cli');
    symlinkSync(join('..', '@v', 'cli', bin), link);
    return link;
  };

  it('reads the engines of the package a node script belongs to, through the .bin link', () => {
    expect(nodeNeedOf(pkg({ node: '>=22.0.0' }, 'bin/cli.js', '#!/usr/bin/env node'))).toMatchObject({
      range: '>=22.0.0',
      pkg: '@v/cli',
      interpreter: 'node',
    });
  });

  it('says nothing for a native program, another interpreter, no engines, or a hostile package.json', () => {
    expect(nodeNeedOf(pkg({ node: '>=22' }, 'bin/cli.exe', '\x7fELF\x02\x01\x01'))).toBeNull();
    expect(nodeNeedOf(pkg({ node: '>=22' }, 'bin/cli.py', '#!/usr/bin/env python3'))).toBeNull();
    expect(nodeNeedOf(pkg(undefined, 'bin/cli.js', '#!/usr/bin/env node'))).toBeNull();
    expect(nodeNeedOf(pkg({ node: { $gt: 1 } }, 'bin/cli.js', '#!/usr/bin/env node'))).toBeNull();
    expect(nodeNeedOf('/nonexistent/cli')).toBeNull();
  });

  it('knows node from its shebang', () => {
    expect(nodeInterpreter('#!/usr/bin/env node')).toBe('node');
    expect(nodeInterpreter('#!/usr/bin/env -S node --no-warnings')).toBe('node');
    expect(nodeInterpreter('#!/opt/n/bin/node')).toBe('/opt/n/bin/node');
    expect(nodeInterpreter('#!/bin/sh')).toBeNull();
    expect(nodeInterpreter('#!-x/node')).toBeNull(); // never a relative program, nor one that reads as an option
    expect(nodeInterpreter('#!bin/node')).toBeNull();
    expect(nodeInterpreter('console.log(1)')).toBeNull();
  });
});
