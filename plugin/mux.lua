-- Reading panes: user vars of every mux pane, the next agent that needs you, a pane's directory
-- and workspace. Only cheap mux calls (pane:get_user_vars() is a table copy); no child process.
local wezterm = require 'wezterm'

return function(M)
  --- Every pane of the mux as { pane, tab, window, workspace, vars }, window → tab → pane order.
  function M.all_panes()
    local out = {}
    for _, mw in ipairs(wezterm.mux.all_windows()) do
      local ws = mw:get_workspace()
      for _, tab in ipairs(mw:tabs()) do
        for _, p in ipairs(tab:panes()) do
          out[#out + 1] = { pane = p, tab = tab, window = mw, workspace = ws, vars = p:get_user_vars() or {} }
        end
      end
    end
    return out
  end

  --- The next pane whose agent needs you, in order of waiting: `since` gives stateSince by
  --- "<workspace>/<name>" (the longest waiting first); agents it does not know come after those,
  --- in mux order from the pane after `pane` (default: the window's active pane) round the whole
  --- mux. The one after `pane` in that order (wrapping), or the first when `pane` needs nothing.
  --- With no `since`, the next needing pane after `pane` in mux order. nil if none.
  function M.next_needing_pane(window, pane, since)
    since = since or {}
    pane = pane or window:active_pane()
    local current, entries, needing, start = pane and pane:pane_id(), M.all_panes(), {}, 0
    for i, e in ipairs(entries) do
      if e.pane:pane_id() == current then start = i end
    end
    for i, e in ipairs(entries) do
      if M.is_agent(e.vars) and M.NEEDS_YOU[e.vars.wtp_state] then
        local ws = e.vars.wtp_workspace or e.workspace
        local rank = (i - start - 1) % #entries -- mux order from the pane after the current one
        needing[#needing + 1] = { e = e, rank = rank, since = since[tostring(ws) .. '/' .. e.vars.wtp_agent] }
      end
    end
    -- ISO times of one clock (the daemon's) sort as strings.
    table.sort(needing, function(a, b)
      if a.since and b.since and a.since ~= b.since then return a.since < b.since end
      if (a.since == nil) ~= (b.since == nil) then return a.since ~= nil end
      return a.rank < b.rank
    end)
    for k, n in ipairs(needing) do
      if n.e.pane:pane_id() == current then return needing[k % #needing + 1].e end
    end
    return needing[1] and needing[1].e
  end

  --- The directory of a pane as a path: a Url object since 20240127, a file:// string before.
  function M.pane_cwd(pane)
    local ok, url = pcall(function() return pane:get_current_working_dir() end)
    if not ok or url == nil then return nil end
    local path
    if type(url) == 'string' then
      path = url:match('^file://[^/]*(/.*)$') or url:match('^/.*$')
      path = path and path:gsub('%%(%x%x)', function(h) return string.char(tonumber(h, 16)) end)
    else
      local okp, p = pcall(function() return url.file_path end)
      path = okp and p or nil
    end
    if type(path) == 'string' and path ~= '' then return path end
    return nil
  end

  --- The wtp workspace of a pane: its wtp_workspace user var, else the window's WezTerm workspace
  --- (wtp workspaces map to WezTerm workspaces), else 'default'.
  function M.workspace_of(window, pane)
    local vars = pane and pane:get_user_vars() or {}
    if type(vars.wtp_workspace) == 'string' and vars.wtp_workspace ~= '' then return vars.wtp_workspace end
    local ok, ws = pcall(function() return window:active_workspace() end)
    if ok and type(ws) == 'string' and ws ~= '' then return ws end
    return 'default'
  end
end
