--[[ wezterm-parallel for WezTerm: keybindings, agent badges in tab titles, a status summary, toasts.

Load it in wezterm.lua from where wezterm-parallel is installed. After `npm i -g wezterm-parallel`
this file is `$(npm root -g)/wezterm-parallel/plugin/init.lua`; put that root (here
/usr/local/lib/node_modules, see `npm root -g`) on package.path and require the package by name:

  package.path = '/usr/local/lib/node_modules/?/plugin/init.lua;' .. package.path
  local wtp = require 'wezterm-parallel'
  wtp.apply_to_config(config, { wtp = '/usr/local/bin/wtp' })

From a git checkout, wezterm.plugin.require also works: it takes the URL of a git repository
(https:// or file://), clones its default branch once and never updates it by itself
(wezterm.plugin.update_all() does):

  local wtp = wezterm.plugin.require 'file:///home/you/src/wezterm-parallel'

wezterm-parallel has no public repository URL, so there is no https:// form to give here. The
npm package is not a git repository: plugin.require cannot load it; require (above) can.

A client of the `wtp` CLI (its `--json` output, version 1) and of the pane user vars the agent
host sets (wtp_agent, wtp_state, wtp_workspace, wtp_notify): every decision is the daemon's.

Options (all optional; defaults in M.defaults):
  wtp                 path of the CLI, or an argv prefix such as { 'node', '/x/bin/wtp.js' }. On
                      macOS a GUI started from the Dock has a minimal PATH: give an absolute path.
  profiles            the profiles offered by "new agent" (default: what `wtp profiles --json` lists
                      that runs without a command of its own — the agent CLIs, then the shell).
  keys                false (no keybindings), or per action (M.ACTION_NAMES) false | { key, mods }.
                      A binding whose key and mods are already in config.keys is left out.
                      Defaults (LEADER then): a new agent, t new workspace, s switch workspace,
                      j the next agent that needs you (the one waiting longest first, then on in
                      order of waiting), d the dashboard, y approve and n deny what the focused
                      pane's agent asks (`wtp approve|deny <workspace>/<agent> --via plugin`:
                      the daemon checks the dialog on its screen first; a refusal is a toast),
                      u the terminal UI (`wtp tui`) in a split of the current tab.
  leader              a leader key, used only when the bindings need one and config.leader is unset.
  tab_title           false: register no format-tab-title handler (only the first one runs).
  status, toasts      false: no right-status summary / no "needs you" toasts.
  toast_timeout_ms    how long toasts stay (4000).
  notify              false: no toasts for the notifications the daemon sends through the pane
                      (user var wtp_notify: permission, a question, a finished turn, a crash…).
                      Default: on unless toasts = false. While on, panes that receive those get
                      no needs-you toast of the plugin's own (the daemon's replaces it).
  badges              { <state> = { icon, color } } overrides.
  fallback_tab_title  function(tab, tabs, panes, config, hover, max_width) for tabs without
                      agents; without it WezTerm draws its own title.
File scope only builds the module (the config is also evaluated inside `wezterm cli spawn`). ]]
local wezterm = require 'wezterm'

local M = {}

--- The `--json` contract version this plugin reads.
M.JSON_VERSION = 1
M.TITLE = 'wezterm-parallel'
--- States that need you, with the word the toast uses.
M.NEEDS_YOU = { needs_permission = 'permission', needs_input = 'input' }
--- Actions, in the order their keybindings are added.
M.ACTION_NAMES = {
  'new_agent', 'new_workspace', 'switch_workspace', 'next_needs_you', 'dashboard', 'approve', 'deny', 'tui',
}

M.defaults = {
  wtp = 'wtp',
  profiles = nil, -- asked of `wtp profiles --json` when "new agent" runs
  keys = {
    new_agent = { key = 'a', mods = 'LEADER' },
    new_workspace = { key = 't', mods = 'LEADER' },
    switch_workspace = { key = 's', mods = 'LEADER' },
    next_needs_you = { key = 'j', mods = 'LEADER' },
    dashboard = { key = 'd', mods = 'LEADER' },
    approve = { key = 'y', mods = 'LEADER' },
    deny = { key = 'n', mods = 'LEADER' },
    tui = { key = 'u', mods = 'LEADER' },
  },
  tab_title = true,
  status = true,
  toasts = true,
  toast_timeout_ms = 4000,
  notify = true,
  badges = {
    starting = { icon = '…', color = '#9399b2' },
    running = { icon = '»', color = '#89b4fa' },
    working = { icon = '●', color = '#a6e3a1' },
    needs_permission = { icon = '!', color = '#fab387' },
    needs_input = { icon = '?', color = '#f9e2af' },
    idle = { icon = '✓', color = '#94e2d5' },
    exited = { icon = '○', color = '#6c7086' },
    crashed = { icon = '✗', color = '#f38ba8' },
  },
}

-- Sub-modules are not on package.path (research §2.1): load them from this file's folder, which
-- require() passes as the chunk's second argument; else from our clone in wezterm.plugin.list().
local function plugin_dir(loaded_from)
  local dir = type(loaded_from) == 'string' and loaded_from:match('^(.*)[/\\]init%.lua$')
  if dir then return dir end
  local ok, plugins = pcall(function() return wezterm.plugin.list() end)
  for _, p in ipairs(ok and plugins or {}) do
    local candidate = p.plugin_dir .. '/plugin'
    local f = tostring(p.url):find('wezterm-parallel', 1, true) and io.open(candidate .. '/format.lua')
    if f then
      f:close()
      return candidate
    end
  end
  error(M.TITLE .. ': load this plugin with wezterm.plugin.require or require, not dofile')
end

local DIR = plugin_dir(select(2, ...))
for _, part in ipairs({ 'format', 'mux', 'actions' }) do
  assert(loadfile(DIR .. '/' .. part .. '.lua'))()(M)
end

--- Options merged over M.defaults (keys and badges entry by entry).
function M.options(opts)
  opts = opts or {}
  local o = {}
  for k, v in pairs(M.defaults) do o[k] = v end
  for k, v in pairs(opts) do o[k] = v end
  if opts.notify == nil and opts.toasts == false then o.notify = false end
  o.badges = {}
  for state, b in pairs(M.defaults.badges) do
    local over = (opts.badges or {})[state] or {}
    o.badges[state] = { icon = over.icon or b.icon, color = over.color or b.color }
  end
  o.keys = {}
  if opts.keys ~= false then
    for _, name in ipairs(M.ACTION_NAMES) do
      local over = (opts.keys or {})[name]
      if over ~= false then o.keys[name] = over or M.defaults.keys[name] end
    end
  end
  return o
end

--- A desktop notification titled "wezterm-parallel".
function M.toast(window, o, message, timeout_ms)
  window:toast_notification(M.TITLE, message, nil, timeout_ms or o.toast_timeout_ms)
end

--- Records a per-pane value in the wezterm.GLOBAL table `slot` (it survives config reloads); returns the previous one.
local function remember(slot, pane_id, value)
  local values = wezterm.GLOBAL[slot] or {}
  local key = tostring(pane_id)
  local prev = values[key]
  values[key] = value
  wezterm.GLOBAL[slot] = values
  return prev
end

--- Records a pane's state in wezterm.GLOBAL; returns the previous one.
function M.remember_state(pane_id, state) return remember('wtp_parallel_states', pane_id, state) end

--- "api needs you (permission)".
function M.needs_you_message(agent, state) return agent .. ' needs you (' .. M.NEEDS_YOU[state] .. ')' end

--- The toast text of a wtp_notify value ('{"t":title,"m":message,"n":counter}'), or nil and why not.
function M.notification_text(value)
  if type(value) ~= 'string' or value == '' then return nil, 'empty' end
  local ok, n = pcall(wezterm.json_parse, value)
  if not ok then return nil, tostring(n) end
  if type(n) ~= 'table' or type(n.t) ~= 'string' or n.t == '' then return nil, 'no title' end
  if type(n.m) == 'string' and n.m ~= '' then return n.t .. ': ' .. n.m end
  return n.t
end

--- Records a pane's wtp_notify in wezterm.GLOBAL (like remember_state); returns the previous one.
function M.remember_notification(pane_id, value)
  return remember('wtp_parallel_notified', pane_id, value)
end

local function toast_notification(window, o, value)
  local text, why = M.notification_text(value)
  if text then
    M.toast(window, o, text)
  elseif why ~= 'empty' then
    local line = '%s: ignored a wtp_notify that is not a notification (%s): %s'
    wezterm.log_warn(line:format(M.TITLE, why, value))
  end
end

-- The daemon's notifications replace the plugin's own needs-you toast in panes that get them.
local function own_toast(o, vars) return o.toasts and not (o.notify and vars.wtp_notify) end

local function on_user_var_changed(o)
  return function(window, pane, name, value)
    local id = pane:pane_id()
    if name == 'wtp_notify' then
      local new = M.remember_notification(id, value) ~= value
      if o.notify and new then toast_notification(window, o, value) end
      return
    end
    if name ~= 'wtp_state' then return end
    if M.remember_state(id, value) == value or not M.NEEDS_YOU[value] then return end
    local vars = pane:get_user_vars() or {}
    if not own_toast(o, vars) then return end
    M.toast(window, o, M.needs_you_message(vars.wtp_agent or ('pane ' .. id), value))
  end
end

-- user-var-changed fires only in the GUI window showing the pane (research §1.8), so the poll also
-- toasts changes it sees elsewhere; the shared memory of states keeps either from repeating one.
local function on_update_status(o)
  return function(window, _)
    local vars_list, before, now = {}, wezterm.GLOBAL.wtp_parallel_states or {}, {}
    local seen, notified = wezterm.GLOBAL.wtp_parallel_notified or {}, {}
    for _, e in ipairs(M.all_panes()) do
      if M.is_agent(e.vars) then
        vars_list[#vars_list + 1] = e.vars
        local key, state = tostring(e.pane:pane_id()), e.vars.wtp_state
        now[key] = state
        local changed = before[key] ~= nil and before[key] ~= state
        if own_toast(o, e.vars) and changed and M.NEEDS_YOU[state] then
          M.toast(window, o, M.needs_you_message(e.vars.wtp_agent, state))
        end
        local n = e.vars.wtp_notify or '' -- '': a pane seen without one, so its first one is new
        notified[key] = n
        if o.notify and seen[key] ~= nil and seen[key] ~= n then toast_notification(window, o, n) end
      end
    end
    wezterm.GLOBAL.wtp_parallel_states = now -- and forget closed panes
    wezterm.GLOBAL.wtp_parallel_notified = notified
    if o.status then window:set_right_status(wezterm.format(M.status_items(vars_list, o))) end
  end
end

-- "LEADER|CTRL" and "CTRL | LEADER" name the same chord.
local function chord(k)
  local alias = { CMD = 'SUPER', WIN = 'SUPER', OPT = 'ALT', META = 'ALT' }
  local mods = {}
  for m in string.gmatch(string.upper(k.mods or ''), '[^|%s]+') do
    if m ~= 'NONE' then mods[#mods + 1] = alias[m] or m end
  end
  table.sort(mods)
  return tostring(k.key) .. '+' .. table.concat(mods, '|')
end

--- Appends the keybindings to config.keys (never over an existing binding) and registers the
--- format-tab-title, update-status and user-var-changed handlers. Returns config.
function M.apply_to_config(config, opts)
  local o = M.options(opts)
  config.keys = config.keys or {}
  local taken, uses_leader = {}, false
  for _, k in ipairs(config.keys) do taken[chord(k)] = true end
  local bound = M.build_actions(o)
  for _, name in ipairs(M.ACTION_NAMES) do
    local k = o.keys[name]
    if k and taken[chord(k)] then
      wezterm.log_warn(('%s: %s is already bound; %s left unbound'):format(M.TITLE, chord(k), name))
    elseif k then
      taken[chord(k)] = true
      uses_leader = uses_leader or chord(k):find('LEADER', 1, true) ~= nil
      config.keys[#config.keys + 1] = { key = k.key, mods = k.mods or 'NONE', action = bound[name] }
    end
  end
  if uses_leader and config.leader == nil then
    if o.leader then
      config.leader = o.leader
    else
      wezterm.log_warn(M.TITLE .. ': config.leader is not set, so the LEADER keybindings cannot fire')
    end
  end
  if o.tab_title ~= false then
    wezterm.on('format-tab-title', function(tab, tabs, panes, cfg, hover, max_width)
      return M.format_tab_title(tab, tabs, panes, cfg, hover, max_width, o)
    end)
  end
  if o.status or o.toasts or o.notify then wezterm.on('update-status', on_update_status(o)) end
  if o.toasts or o.notify then wezterm.on('user-var-changed', on_user_var_changed(o)) end
  return config
end

return M
