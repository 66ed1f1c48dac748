/**
 * The built-in layouts, as YAML (the same format as user templates). Agent leaves
 * without a profile use the workspace's `--profile` (default: shell).
 */
export const BUILTIN_TEMPLATES: Readonly<Record<string, string>> = {
  solo: `description: One agent
layout:
  agent: { name: agent }
`,
  pair: `description: Two agents side by side
layout:
  split: right
  panes:
    - agent: { name: left }
    - agent: { name: right }
`,
  quad: `description: Four agents in a 2x2 grid
layout:
  split: right
  panes:
    - split: down
      panes:
        - agent: { name: a1 }
        - agent: { name: a3 }
    - split: down
      panes:
        - agent: { name: a2 }
        - agent: { name: a4 }
`,
  'claude-dev': `description: Three Claude Code agents, a dev server (npm run dev) and a shell
layout:
  split: right
  panes:
    - split: down
      panes:
        - agent: { name: claude-1, profile: claude }
        - agent: { name: claude-2, profile: claude }
        - agent: { name: claude-3, profile: claude }
    - split: down
      size: 35%
      panes:
        - command: { title: dev-server, shell: "npm run dev" }
        - command: { title: shell, shell: "exec \${SHELL:-sh}" }
`,
  review: `description: One agent beside a live view of the repository's changes (status and log)
layout:
  split: right
  panes:
    - agent: { name: agent }
    - command:
        title: changes
        shell: "while :; do clear; git -c color.status=always status --short; echo; git --no-pager log --oneline --decorate -15; sleep 2; done"
      size: 40%
`,
};
