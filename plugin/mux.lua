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

  --- The first pane after `pane` (default: the window's active pane), wrapping around the whole
  --- mux (every workspace), whose agent needs you; the current pane itself comes last. nil if none.
  function M.next_needing_pane(window, pane)
    pane = pane or window:active_pane()
    local entries = M.all_panes()
    local current, start = pane and pane:pane_id(), 0
    for i, e in ipairs(entries) do
      if e.pane:pane_id() == current then
        start = i
        break
      end
    end
    for k = 1, #entries do
      local e = entries[(start + k - 1) % #entries + 1]
      if M.is_agent(e.vars) and M.NEEDS_YOU[e.vars.wtp_state] then return e end
    end
    return nil
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
