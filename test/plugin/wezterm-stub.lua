-- A recording stand-in for WezTerm's `wezterm` module (research §2.8), to run plugin/*.lua under
-- Lua 5.4 (wasmoon) from vitest. S.wezterm is what `require 'wezterm'` returns; S records every
-- call in S.calls ({ fn = name, ... }), scripts child processes and builds a fake mux and windows.
local S = { calls = {}, handlers = {}, responses = {}, mux_windows = {}, plugins = {}, sync = false }
local wezterm = { GLOBAL = {}, mux = {}, plugin = {} }
S.wezterm = wezterm

local function record(fn, data)
  data = data or {}
  data.fn = fn
  S.calls[#S.calls + 1] = data
  return data
end

--- Calls recorded under one name, oldest first.
function S.calls_of(fn)
  local out = {}
  for _, c in ipairs(S.calls) do
    if c.fn == fn then out[#out + 1] = c end
  end
  return out
end

function S.last(fn)
  local list = S.calls_of(fn)
  return list[#list]
end

function S.clear() S.calls = {} end

-- JSON: the encoder sorts keys and skips keys starting with "_" (object references kept for tests).
local function encode(v, depth)
  assert(depth < 40, 'json: nesting too deep (a cycle?)')
  local t = type(v)
  if t == 'nil' then return 'null' end
  if t == 'boolean' or t == 'number' then return tostring(v) end
  if t == 'string' then
    return '"' .. v:gsub('[%c"\\]', function(c)
      return ({ ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t' })[c]
        or string.format('\\u%04x', c:byte())
    end) .. '"'
  end
  if t == 'function' then return '"<function>"' end
  if t ~= 'table' then return '"<' .. t .. '>"' end
  local keys = {}
  for k in pairs(v) do
    if type(k) ~= 'string' or k:sub(1, 1) ~= '_' then keys[#keys + 1] = k end
  end
  if #keys == #v then
    local parts = {}
    for i = 1, #v do parts[i] = encode(v[i], depth + 1) end
    return '[' .. table.concat(parts, ',') .. ']'
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = encode(tostring(k), 0) .. ':' .. encode(v[k], depth + 1) end
  return '{' .. table.concat(parts, ',') .. '}'
end

function S.json(v) return encode(v, 0) end

--- JSON → Lua, null → nil, as wezterm.json_parse does.
function S.json_decode(s)
  local pos = 1
  local function ws() pos = s:find('[^ \t\r\n]', pos) or #s + 1 end
  local function fail(what) error(('json: %s at %d'):format(what, pos), 0) end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '' then fail('unterminated string') end
      if c == '"' then
        pos = pos + 1
        return table.concat(out)
      end
      if c == '\\' then
        local e = s:sub(pos + 1, pos + 1)
        if e == 'u' then
          out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16))
          pos = pos + 6
        else
          out[#out + 1] = ({ n = '\n', t = '\t', r = '\r', b = '\b', f = '\f' })[e] or e
          pos = pos + 2
        end
      else
        out[#out + 1] = c
        pos = pos + 1
      end
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == '{' or c == '[' then
      local out, close = {}, (c == '{') and '}' or ']'
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == close then
        pos = pos + 1
        return out
      end
      while true do
        if close == '}' then
          ws()
          local k = str()
          ws()
          if s:sub(pos, pos) ~= ':' then fail('expected :') end
          pos = pos + 1
          out[k] = value()
        else
          out[#out + 1] = value()
        end
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == close then return out end
        if d ~= ',' then fail('expected , or ' .. close) end
      end
    end
    if c == '"' then return str() end
    for lit, v in pairs({ ['true'] = true, ['false'] = false, null = 'null' }) do
      if s:sub(pos, pos + #lit - 1) == lit then
        pos = pos + #lit
        if v == 'null' then return nil end
        return v
      end
    end
    local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
    if not num or num == '' then fail('unexpected character') end
    pos = pos + #num
    return math.tointeger(tonumber(num)) or tonumber(num)
  end
  local v = value()
  ws()
  if pos <= #s then fail('trailing characters') end
  return v
end

-- Events: handlers are kept in order; emit runs them all (stopping at false) as async events do,
-- emit_sync only the first, and with child processes failing as on WezTerm's GUI thread.
function wezterm.on(event, handler)
  S.handlers[event] = S.handlers[event] or {}
  table.insert(S.handlers[event], handler)
  record('on', { event = event })
end

function S.emit(event, ...)
  for _, h in ipairs(S.handlers[event] or {}) do
    if h(...) == false then break end
  end
end

function S.emit_sync(event, ...)
  local h = assert((S.handlers[event] or {})[1], 'no handler for ' .. event)
  S.sync = true
  local ok, result = pcall(h, ...)
  S.sync = false
  if not ok then error(result, 0) end
  return result
end

wezterm.action = setmetatable({}, {
  __index = function(_, name)
    return function(args) return { action = name, args = args } end
  end,
})

function wezterm.action_callback(fn) return { action = 'callback', _fn = fn } end

--- Scripts the result of one argv (joined with spaces): { ok, stdout (string or table → JSON),
--- stderr, raise (an error message: the program cannot be started) }.
function S.respond(command, result) S.responses[command] = result end

function wezterm.run_child_process(argv)
  if S.sync then error('attempt to yield from outside a coroutine', 2) end
  record('run_child_process', { argv = { table.unpack(argv) } })
  local r = S.responses[table.concat(argv, ' ')]
  -- Unscripted commands go to the real program when the test provides a runner (REAL_RUN; the
  -- argv is joined with \31, since a NUL would end the string on its way to JavaScript).
  if r == nil and REAL_RUN then
    r = S.json_decode(REAL_RUN(table.concat(argv, '\31')))
  end
  if r == nil then return false, '', 'stub: nothing scripted for ' .. table.concat(argv, ' ') end
  if r.raise then error(r.raise, 0) end
  local stdout = type(r.stdout) == 'table' and S.json(r.stdout) or r.stdout or ''
  return r.ok ~= false, stdout, r.stderr or ''
end

--- Plain text of format items.
function S.render(items)
  if type(items) ~= 'table' then return items end
  local out = {}
  for _, item in ipairs(items) do
    if type(item) == 'table' and item.Text then out[#out + 1] = item.Text end
  end
  return table.concat(out)
end

function wezterm.format(items)
  record('format', { items = items })
  return S.render(items)
end

wezterm.json_parse = S.json_decode
function wezterm.json_encode(v) return S.json(v) end
function wezterm.open_with(url, app) record('open_with', { url = url, app = app }) end
function wezterm.log_info(msg) record('log_info', { message = msg }) end
function wezterm.log_warn(msg) record('log_warn', { message = msg }) end
function wezterm.log_error(msg) record('log_error', { message = msg }) end
function wezterm.plugin.list() return S.plugins end

function wezterm.mux.all_windows()
  record('all_windows')
  return S.mux_windows
end

-- The fake mux. S.setup{ { workspace, tabs = { { panes = { { id, vars, cwd } } } } } } builds
-- windows → tabs → panes; S.panes[id] finds a pane. cwd: a path (a Url-like table is returned)
-- or, with cwd_string = true, the file:// string older WezTerm versions return.
S.panes = {}

local function make_pane(spec, tab, window)
  local p = { id = spec.id, vars = spec.vars or {}, _tab = tab, _window = window }
  function p:pane_id() return self.id end
  function p:get_user_vars()
    local copy = {}
    for k, v in pairs(self.vars) do copy[k] = v end
    return copy
  end
  function p:get_current_working_dir()
    if spec.cwd == nil then return nil end
    if spec.cwd_string then return 'file://host' .. spec.cwd:gsub(' ', '%%20') end
    return { file_path = spec.cwd }
  end
  function p:activate() record('activate_pane', { pane = self.id }) end
  function p:split(args)
    record('split_pane', { pane = self.id, direction = args.direction, size = args.size, args = args.args })
  end
  function p:tab() return self._tab end
  function p:window() return self._window end
  S.panes[spec.id] = p
  return p
end

function S.setup(layout)
  S.mux_windows, S.panes = {}, {}
  local next_tab = 1
  for wi, wspec in ipairs(layout) do
    local mw = { id = wi, workspace = wspec.workspace or 'default', _tabs = {} }
    function mw:window_id() return self.id end
    function mw:get_workspace() return self.workspace end
    function mw:tabs() return self._tabs end
    for _, tspec in ipairs(wspec.tabs or {}) do
      local tab = { id = tspec.id or next_tab, _panes = {}, _window = mw }
      next_tab = next_tab + 1
      function tab:tab_id() return self.id end
      function tab:panes() return self._panes end
      function tab:window() return self._window end
      function tab:activate() record('activate_tab', { tab = self.id }) end
      for _, pspec in ipairs(tspec.panes or {}) do
        table.insert(tab._panes, make_pane(pspec, tab, mw))
      end
      table.insert(mw._tabs, tab)
    end
    table.insert(S.mux_windows, mw)
  end
end

--- A GUI window showing `workspace` with `pane` (an id) active.
function S.window(workspace, pane)
  local w = { workspace = workspace or 'default', _pane = S.panes[pane] or pane }
  function w:active_workspace() return self.workspace end
  function w:active_pane() return self._pane end
  function w:window_id() return 1 end
  function w:perform_action(action, p)
    record('perform_action', { action = action, pane = p and p:pane_id(), _window = self, _pane = p })
  end
  function w:toast_notification(title, message, url, timeout)
    record('toast', { title = title, message = message, url = url, timeout = timeout })
  end
  function w:set_right_status(text) record('set_right_status', { text = text }) end
  return w
end

-- Driving the UI: run a bound action, then answer the InputSelector / PromptInputLine it showed.
function S.press(config, key, mods, window, pane)
  for _, k in ipairs(config.keys) do
    if k.key == key and k.mods == mods then return k.action._fn(window, pane) end
  end
  error('no binding ' .. tostring(mods) .. '+' .. tostring(key))
end

local function last_shown(kind)
  for i = #S.calls, 1, -1 do
    local c = S.calls[i]
    if c.fn == 'perform_action' and c.action.action == kind then return c end
  end
  error('no ' .. kind .. ' was shown')
end

--- Picks `id` (nil: Esc) in the last InputSelector shown.
function S.choose(id, label)
  local c = last_shown('InputSelector')
  return c.action.args.action._fn(c._window, c._pane, id, label or id)
end

--- Types `line` (nil: Esc) into the last PromptInputLine shown.
function S.enter(line)
  local c = last_shown('PromptInputLine')
  return c.action.args.action._fn(c._window, c._pane, line)
end

return S
