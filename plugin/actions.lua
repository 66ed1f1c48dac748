-- The key actions. Each one runs `wtp … --json` (allowed here: action callbacks may run child
-- processes, unlike format-tab-title) and turns a failure into a toast with wtp's own message.
local wezterm = require 'wezterm'
local act = wezterm.action

return function(M)
  local function push(list, ...)
    for _, v in ipairs({ ... }) do list[#list + 1] = v end
    return list
  end

  local function trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end

  --- Runs `wtp <args>` (o.wtp is a path or an argv prefix); returns the decoded JSON document, or
  --- nil and a message for the user (wtp's error.message when it printed one).
  function M.run_wtp(o, args)
    local argv = push(type(o.wtp) == 'table' and { table.unpack(o.wtp) } or { o.wtp }, table.unpack(args))
    local ok, success, stdout, stderr = pcall(wezterm.run_child_process, argv)
    if not ok then return nil, 'could not run ' .. argv[1] .. ': ' .. tostring(success) end
    local parsed, doc = pcall(wezterm.json_parse, stdout or '')
    if parsed and type(doc) == 'table' and type(doc.error) == 'table' then
      return nil, tostring(doc.error.message or doc.error.code or 'failed')
    end
    if not success then
      local line = (stderr or ''):match('[^\n]*[^%s][^\n]*') or (stdout or ''):match('[^\n]+')
      return nil, line or (argv[1] .. ' failed')
    end
    if not parsed or type(doc) ~= 'table' then return nil, 'unexpected output (not JSON) from ' .. argv[1] end
    if doc.version ~= M.JSON_VERSION then
      return nil, ('%s printed JSON version %s; this plugin reads version %d'):format(
        argv[1], tostring(doc.version), M.JSON_VERSION)
    end
    return doc
  end

  -- Runs wtp; on failure logs and toasts "<what> failed: <why>" and returns nil.
  local function wtp_or_toast(window, o, what, args)
    local doc, err = M.run_wtp(o, args)
    if doc then return doc end
    wezterm.log_error(M.TITLE .. ': ' .. what .. ' failed: ' .. err)
    M.toast(window, o, what .. ' failed: ' .. err)
    return nil
  end

  local function pick(window, pane, selector, on_pick)
    selector.action = wezterm.action_callback(function(win, _, id, label)
      if id ~= nil then on_pick(win, id, label) end
    end)
    window:perform_action(act.InputSelector(selector), pane)
  end

  local function prompt(window, pane, description, on_line)
    window:perform_action(act.PromptInputLine {
      description = description,
      action = wezterm.action_callback(function(win, _, line)
        if line ~= nil then on_line(win, trim(line)) end
      end),
    }, pane)
  end

  local actions = {}

  --- The profiles "new agent" offers: o.profiles, else those of `wtp profiles --json` that run a
  --- program of their own (not cmd, which needs a command), agent CLIs first; nil after a toast.
  function M.new_agent_profiles(window, o)
    if o.profiles then return o.profiles end
    local doc = wtp_or_toast(window, o, 'wtp profiles', { 'profiles', '--json' })
    if not doc then return nil end
    local aware, others = {}, {}
    for _, p in ipairs(type(doc.profiles) == 'table' and doc.profiles or {}) do
      if type(p.name) == 'string' and type(p.program) == 'string' then
        local list = p.agentAware and aware or others
        list[#list + 1] = p.name
      end
    end
    return push(aware, table.unpack(others))
  end

  -- wtp profiles --json (unless opts.profiles), then
  -- wtp new <profile> [--name <name>] --workspace <ws> [--cwd <pane dir>] --json
  function actions.new_agent(o)
    return function(window, pane)
      local profiles = M.new_agent_profiles(window, o)
      if not profiles then return end
      local choices = {}
      for _, p in ipairs(profiles) do choices[#choices + 1] = { id = p, label = p } end
      pick(window, pane, { title = M.TITLE .. ': new agent', choices = choices }, function(win, profile)
        prompt(win, pane, 'Name of the new ' .. profile .. ' agent (empty: wtp picks one)', function(w, name)
          local ws, cwd = M.workspace_of(w, pane), M.pane_cwd(pane)
          local args = { 'new', profile }
          if name ~= '' then push(args, '--name', name) end
          push(args, '--workspace', ws)
          if cwd then push(args, '--cwd', cwd) end
          local doc = wtp_or_toast(w, o, 'wtp new', push(args, '--json'))
          if doc then
            wezterm.log_info(('%s: started %s in %s'):format(M.TITLE, tostring((doc.agent or {}).name), ws))
          end
        end)
      end)
    end
  end

  -- wtp template ls --json, then wtp workspace new <name> --cwd <pane dir> --template <t> --json
  -- (its agents work in place there; `wtp workspace new --repo` gives each a worktree of its own)
  function actions.new_workspace(o)
    return function(window, pane)
      local cwd = M.pane_cwd(pane)
      if not cwd then
        return M.toast(window, o, 'Cannot tell the directory of this pane: cd into the repository first')
      end
      local doc = wtp_or_toast(window, o, 'wtp template ls', { 'template', 'ls', '--json' })
      if not doc then return end
      local choices = {}
      for _, t in ipairs(type(doc.templates) == 'table' and doc.templates or {}) do
        local about = (type(t.description) == 'string' and t.description ~= '') and (' — ' .. t.description)
        local source = type(t.source) == 'string' and (' [' .. t.source .. ']') or ''
        choices[#choices + 1] = { id = t.name, label = t.name .. (about or '') .. source }
      end
      if #choices == 0 then return M.toast(window, o, 'wtp knows no templates') end
      local selector = { title = M.TITLE .. ': new workspace in ' .. cwd, choices = choices, fuzzy = true }
      pick(window, pane, selector, function(win, template)
        prompt(win, pane, 'Name of the new workspace (template ' .. template .. ')', function(w, name)
          if name == '' then return end
          local args = { 'workspace', 'new', name, '--cwd', cwd, '--template', template, '--json' }
          local created = wtp_or_toast(w, o, 'wtp workspace new', args)
          if not created then return end
          local ws = type(created.workspace) == 'table' and created.workspace.name or name
          w:perform_action(act.SwitchToWorkspace { name = ws }, pane)
        end)
      end)
    end
  end

  -- wtp workspace ls --json, then SwitchToWorkspace
  function actions.switch_workspace(o)
    return function(window, pane)
      local doc = wtp_or_toast(window, o, 'wtp workspace ls', { 'workspace', 'ls', '--json' })
      if not doc then return end
      local choices, repos = {}, {}
      for _, ws in ipairs(type(doc.workspaces) == 'table' and doc.workspaces or {}) do
        local n = tonumber(ws.agents) or 0
        local repo = type(ws.repoPath) == 'string' and ws.repoPath or nil
        local detail = n .. (n == 1 and ' agent' or ' agents') .. (repo and (' · ' .. repo) or '')
        choices[#choices + 1] = { id = ws.name, label = ws.name .. '  (' .. detail .. ')' }
        repos[ws.name] = repo
      end
      if #choices == 0 then return M.toast(window, o, 'wtp knows no workspaces yet') end
      local selector = { title = M.TITLE .. ': workspaces', choices = choices, fuzzy = true }
      selector.fuzzy_description = 'Workspace: '
      pick(window, pane, selector, function(win, name)
        -- spawn only applies when WezTerm has no such workspace yet: its first pane opens in the repo.
        local spawn = repos[name] and { cwd = repos[name] } or nil
        win:perform_action(act.SwitchToWorkspace { name = name, spawn = spawn }, pane)
      end)
    end
  end

  --- When each agent that needs you started waiting, by "<workspace>/<name>" (`wtp ls --json`:
  --- stateSince, an ISO time); {} when wtp cannot say (then the mux order decides alone).
  function M.waiting_since(o)
    local doc, err = M.run_wtp(o, { 'ls', '--json' })
    if not doc then
      wezterm.log_warn(M.TITLE .. ': wtp ls failed (' .. err .. '); jumping in pane order')
      return {}
    end
    local since = {}
    for _, a in ipairs(type(doc.agents) == 'table' and doc.agents or {}) do
      if M.NEEDS_YOU[a.state] and type(a.stateSince) == 'string' then
        since[tostring(a.workspace) .. '/' .. tostring(a.name)] = a.stateSince
      end
    end
    return since
  end

  -- wtp ls --json for how long each has waited; the panes themselves from the mux's user vars.
  function actions.next_needs_you(o)
    return function(window, pane)
      local e = M.next_needing_pane(window, pane, M.waiting_since(o))
      if not e then return M.toast(window, o, 'No agent needs you', 2000) end
      if e.workspace and e.workspace ~= window:active_workspace() then
        window:perform_action(act.SwitchToWorkspace { name = e.workspace }, pane)
      end
      e.tab:activate()
      e.pane:activate()
    end
  end

  --- `<workspace>/<name>` of the agent in a pane (its user vars), or nil.
  function M.agent_ref(pane)
    local vars = pane and pane:get_user_vars() or {}
    if not M.is_agent(vars) then return nil end
    local ws = vars.wtp_workspace
    return (type(ws) == 'string' and ws ~= '') and (ws .. '/' .. vars.wtp_agent) or vars.wtp_agent
  end

  -- wtp approve|deny <workspace>/<name> --via plugin --json for the focused pane's agent: the
  -- daemon checks that it asks for permission and that its screen shows that dialog; a refusal
  -- (another dialog, nothing asked) is a toast with its reason.
  local function answer(command, done)
    return function(o)
      return function(window, pane)
        local ref = M.agent_ref(pane)
        if not ref then return M.toast(window, o, 'This pane runs no wtp agent', 2000) end
        local doc = wtp_or_toast(window, o, 'wtp ' .. command, { command, ref, '--via', 'plugin', '--json' })
        local r = doc and type(doc.answered) == 'table' and doc.answered[1]
        if not r then return end
        local about = type(r.about) == 'string' and (': ' .. r.about) or ''
        M.toast(window, o, done .. ' ' .. ref .. about, 2000)
      end
    end
  end
  actions.approve = answer('approve', 'Approved')
  actions.deny = answer('deny', 'Denied')

  -- wtp dashboard --json: the CLI opens the browser on a one-time sign-in link through a private
  -- redirect file (the code never appears on a command line); without a browser it gives the URL.
  function actions.dashboard(o)
    return function(window, _)
      local doc = wtp_or_toast(window, o, 'wtp dashboard', { 'dashboard', '--json' })
      if not doc then return end
      if doc.opened == false then
        return M.toast(window, o, 'No browser could be opened; sign in within 60 s at ' .. tostring(doc.url))
      end
    end
  end

  -- wtp tui in a split to the right of the focused pane (an argv list: no shell reads it).
  function actions.tui(o)
    return function(_, pane)
      local argv = push(type(o.wtp) == 'table' and { table.unpack(o.wtp) } or { o.wtp }, 'tui')
      pane:split { direction = 'Right', size = 0.5, args = argv }
    end
  end

  --- Actions by name for merged options (M.options).
  function M.build_actions(o)
    local out = {}
    for _, name in ipairs(M.ACTION_NAMES) do out[name] = wezterm.action_callback(actions[name](o)) end
    return out
  end

  --- The plugin's actions (wezterm.action_callback values) by name, to bind them yourself.
  function M.actions(opts) return M.build_actions(M.options(opts)) end
end
