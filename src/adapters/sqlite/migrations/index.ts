import m0001 from './0001-initial.js';
import m0002 from './0002-panes.js';
import m0003 from './0003-agent-profiles.js';
import m0004 from './0004-worktrees.js';
import m0005 from './0005-tasks.js';
import m0006 from './0006-fork-session.js';
import m0007 from './0007-profile-env.js';
import m0008 from './0008-agent-approvals.js';
import m0009 from './0009-meta.js';
import m0010 from './0010-pull-requests.js';
import m0011 from './0011-permission-mode.js';
import m0012 from './0012-usage.js';
import m0013 from './0013-agent-sandbox.js';
import m0014 from './0014-agent-team.js';

/** Numbered, append-only: migration N sets PRAGMA user_version = N. Never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
  m0010,
  m0011,
  m0012,
  m0013,
  m0014,
];
