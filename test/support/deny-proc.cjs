// Test-only (.ci/portable-e2e.sh): makes /proc look absent, as on macOS, in wezterm-parallel's own
// processes (the CLI, the daemon, the hosts: bin/wtp.js and dist/wtp.js), and logs every attempt with
// the caller, so a forgotten /proc read in our code fails the run instead of quietly degrading.
// Other programs that get NODE_OPTIONS (agent CLIs written in Node) are left alone.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node --require) */
/* global require */
'use strict';
const fs = require('node:fs');

const entry = process.argv[1] || '';
const log = process.env.WTP_DENY_PROC_LOG;
if (log && /[/\\](dist|bin)[/\\]wtp\.js$/.test(entry)) {
  const isProc = (p) => {
    const s =
      typeof p === 'string' ? p : p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : '';
    return s === '/proc' || s.startsWith('/proc/');
  };
  const refuse = (name, p) => {
    // The first frame outside this file: who asked.
    const caller =
      (new Error().stack || '')
        .split('\n')
        .slice(2)
        .find((l) => !l.includes('deny-proc.cjs')) || '';
    fs.appendFileSync(log, `${process.pid} ${name} ${String(p)} ${caller.trim()}\n`);
    return Object.assign(new Error(`ENOENT: no such file or directory, ${name} '${String(p)}'`), {
      code: 'ENOENT',
      errno: -2,
      syscall: name,
      path: String(p),
    });
  };
  for (const name of [
    'readFileSync',
    'readdirSync',
    'statSync',
    'lstatSync',
    'openSync',
    'accessSync',
    'readlinkSync',
    'realpathSync',
    'opendirSync',
  ]) {
    const real = fs[name];
    fs[name] = function (p, ...rest) {
      if (isProc(p)) throw refuse(name, p);
      return real.call(this, p, ...rest);
    };
  }
  const realExists = fs.existsSync;
  fs.existsSync = (p) => (isProc(p) ? (refuse('existsSync', p), false) : realExists(p));
  for (const name of ['readFile', 'readdir', 'stat', 'lstat', 'open', 'access', 'readlink', 'opendir']) {
    const real = fs[name];
    fs[name] = function (p, ...rest) {
      if (!isProc(p)) return real.call(this, p, ...rest);
      const cb = rest.at(-1);
      const err = refuse(name, p);
      if (typeof cb === 'function') process.nextTick(cb, err);
    };
    const realP = fs.promises[name];
    if (realP)
      fs.promises[name] = function (p, ...rest) {
        return isProc(p) ? Promise.reject(refuse(`promises.${name}`, p)) : realP.call(this, p, ...rest);
      };
  }
}
