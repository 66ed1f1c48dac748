-- Tab titles and the right-status summary: pure functions of pane user vars, no I/O.
-- format-tab-title is synchronous (research §2.2): nothing here may run a process or walk the mux.
return function(M)
  -- Lower is more urgent: a tab shows its most urgent agent.
  local URGENCY = {
    needs_permission = 1,
    needs_input = 2,
    crashed = 3,
    working = 4,
    running = 5,
    starting = 6,
    idle = 7,
    exited = 8,
  }
  -- Right-status groups; "needs you" is last because WezTerm cuts an overlong status from the left.
  local GROUPS = {
    { label = 'working', states = { 'working' } },
    { label = 'running', states = { 'running' } },
    { label = 'starting', states = { 'starting' } },
    { label = 'idle', states = { 'idle' } },
    { label = 'exited', states = { 'exited' } },
    { label = 'crashed', states = { 'crashed' } },
    { label = 'needs you', states = { 'needs_permission', 'needs_input' } },
  }

  --- Whether a user-var table belongs to a pane running an agent.
  function M.is_agent(vars)
    return type(vars) == 'table' and type(vars.wtp_agent) == 'string' and vars.wtp_agent ~= ''
  end

  --- Icon and colour of a state (o: options, default M.defaults); unknown states get a plain dot.
  function M.badge(state, o)
    local b = (o or M.defaults).badges[state]
    if b then return b.icon, b.color end
    return '•', nil
  end

  local function ulen(s) return utf8.len(s) or #s end

  local function usub(s, n)
    if utf8.len(s) == nil then return s:sub(1, n) end
    local stop = utf8.offset(s, n + 1)
    return stop and s:sub(1, stop - 1) or s
  end

  --- Cuts segments ({ text, color }) to at most max cells, ending with '…' when cut.
  function M.fit(segments, max)
    local total = 0
    for _, seg in ipairs(segments) do total = total + ulen(seg.text) end
    if total <= max then return segments end
    local out, used, budget = {}, 0, max - 1
    for _, seg in ipairs(segments) do
      local len = ulen(seg.text)
      if used + len > budget then
        if budget > used then out[#out + 1] = { text = usub(seg.text, budget - used), color = seg.color } end
        break
      end
      out[#out + 1], used = seg, used + len
    end
    if max >= 1 then out[#out + 1] = { text = '…' } end
    return out
  end

  --- Segments as wezterm.format items; colour applies to its segment only.
  function M.to_items(segments)
    local items = {}
    for _, seg in ipairs(segments) do
      if seg.color then
        items[#items + 1] = { Foreground = { Color = seg.color } }
        items[#items + 1] = { Text = seg.text }
        items[#items + 1] = 'ResetAttributes'
      else
        items[#items + 1] = { Text = seg.text }
      end
    end
    return items
  end

  -- PaneInformation of every pane of the tab (its undocumented `panes` field), else the active pane.
  local function tab_panes(tab)
    local ok, panes = pcall(function() return tab.panes end)
    if ok and type(panes) == 'table' and #panes > 0 then return panes end
    return { tab.active_pane }
  end

  --- Format items for a tab title: badge and name of the tab's most urgent agent, "+N" for the
  --- others, within max_width cells. nil (WezTerm's own title) or o.fallback_tab_title(...) when
  --- no pane of the tab runs an agent. Reads only the TabInformation passed in.
  function M.format_tab_title(tab, tabs, panes, config, hover, max_width, o)
    o = o or M.defaults
    local best, count = nil, 0
    for _, p in ipairs(tab_panes(tab)) do
      local vars = p and p.user_vars
      if M.is_agent(vars) then
        count = count + 1
        local rank = URGENCY[vars.wtp_state] or 99
        if not best or rank < best.rank or (rank == best.rank and p.is_active and not best.active) then
          best = { vars = vars, rank = rank, active = p.is_active }
        end
      end
    end
    if not best then
      if o.fallback_tab_title then return o.fallback_tab_title(tab, tabs, panes, config, hover, max_width) end
      return nil
    end
    local icon, color = M.badge(best.vars.wtp_state, o)
    local rest = ' ' .. best.vars.wtp_agent .. (count > 1 and (' +' .. (count - 1)) or '')
    local segs = { { text = ' ' }, { text = icon, color = color }, { text = rest .. ' ' } }
    if ulen(icon .. rest) + 2 > max_width then
      segs = M.fit({ { text = icon, color = color }, { text = rest } }, max_width)
    end
    return M.to_items(segs)
  end

  --- Agents per status group of a list of user-var tables, in display order, zero counts omitted:
  --- { { label, count, color } }.
  function M.status_counts(vars_list, o)
    local by_state = {}
    for _, vars in ipairs(vars_list) do
      local s = M.is_agent(vars) and vars.wtp_state
      if s then by_state[s] = (by_state[s] or 0) + 1 end
    end
    local out = {}
    for _, g in ipairs(GROUPS) do
      local n = 0
      for _, s in ipairs(g.states) do n = n + (by_state[s] or 0) end
      if n > 0 then
        local _, color = M.badge(g.states[1], o)
        out[#out + 1] = { label = g.label, count = n, color = color }
      end
    end
    return out
  end

  --- Plain summary of user-var tables, such as "2 working · 3 idle · 1 needs you"; '' without agents.
  function M.status_summary(vars_list, o)
    local parts = {}
    for _, c in ipairs(M.status_counts(vars_list, o)) do parts[#parts + 1] = c.count .. ' ' .. c.label end
    return table.concat(parts, ' · ')
  end

  --- The same summary as coloured wezterm.format items; an empty list without agents.
  function M.status_items(vars_list, o)
    local segs = {}
    for i, c in ipairs(M.status_counts(vars_list, o)) do
      if i > 1 then segs[#segs + 1] = { text = ' · ' } end
      segs[#segs + 1] = { text = c.count .. ' ' .. c.label, color = c.color }
    end
    if #segs > 0 then segs[#segs + 1] = { text = ' ' } end
    return M.to_items(segs)
  end
end
