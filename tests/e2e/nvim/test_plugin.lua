-- Headless Neovim end-to-end test of the shorewall-ls plugin (editors/nvim) against the server
-- that `shorewall-ls` on PATH runs. Works on Neovim 0.7.2 and 0.11.x, with init_setup.lua or
-- init_enable.lua. Ends with `qall!` (all checks passed) or `cquit 1`.
--
-- Env: E2E_WS        a copy of tests/e2e/fixtures (this test edits it)
--      E2E_PROFILE   real (default) or fake: the fake server has no manpage hover
--      E2E_DIAG_CODE the diagnostic code of an unknown zone (default unknown-zone)
--      E2E_TRANSCRIPT file to write what the editor showed (diagnostics, preview, tree)
--      FAKE_SHOREWALL_LS_LOG  the fake server's event log (fake profile only)
--      TIMEOUT_MS    per-step wait (default 10000)

local failures, passes = 0, 0
local transcript = {}
local function out(s)
  io.stderr:write(s .. '\n')
  table.insert(transcript, s)
end
local function check(cond, what, detail)
  if cond then
    passes = passes + 1
    out('ok   - ' .. what)
  else
    failures = failures + 1
    out('FAIL - ' .. what .. (detail and (': ' .. tostring(detail)) or ''))
  end
  return cond
end

-- Errors and warnings the plugin or Neovim report (deprecations included) fail the test.
local notified = {}
local notify = vim.notify
vim.notify = function(msg, level, opts)
  if level and level >= vim.log.levels.WARN then
    table.insert(notified, msg)
  end
  return notify(msg, level, opts)
end

local timeout = tonumber(os.getenv('TIMEOUT_MS') or '10000')
local profile = os.getenv('E2E_PROFILE') or 'real'
local diag_code = os.getenv('E2E_DIAG_CODE') or 'unknown-zone'
local ws = assert(os.getenv('E2E_WS'), 'E2E_WS not set')
local dir = ws .. '/shorewall6'
local shorewall = require('shorewall')

local function wait(ms, cond)
  return vim.wait(ms, cond, 20)
end

local function lines_of(buf)
  return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  return text
end

local function tokens(text)
  local list = {}
  for word in text:gmatch('%S+') do
    table.insert(list, word)
  end
  return table.concat(list, ' ')
end

local function find_line(buf, needle)
  for i, line in ipairs(lines_of(buf)) do
    if line:find(needle, 1, true) then
      return i - 1, line
    end
  end
end

local function diags_with_code(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    -- vim.diagnostic keeps the LSP code in user_data on 0.7, in .code later.
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if tostring(code) == diag_code then
      table.insert(found, d)
    end
  end
  return found
end

local function request(buf, method, params)
  local client = shorewall.client(buf)
  local res = vim.lsp.buf_request_sync(buf, method, params, timeout)
  return res and client and res[client.id] and res[client.id].result
end

local function position(buf, line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
end

local function find_view(kind)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b):find('shorewall://' .. kind .. '/', 1, true) then
      return b
    end
  end
end

local function view_has(buf, pattern)
  if not buf or not vim.api.nvim_buf_is_valid(buf) then
    return false
  end
  for _, line in ipairs(lines_of(buf)) do
    if line:find(pattern) then
      return true
    end
  end
  return false
end

local function main()
  local v = vim.version()
  out(('NVIM v%d.%d.%d, profile %s'):format(v.major, v.minor, v.patch, profile))

  -- 1. Filetype detection, and none outside Shorewall directories.
  vim.fn.mkdir(ws .. '/elsewhere', 'p')
  for _, case in ipairs({
    { dir .. '/zones', 'shorewall' },
    { dir .. '/policy', 'shorewall' },
    { dir .. '/shorewall6.conf', 'shorewall' },
    { dir .. '/params', 'shorewall' },
    { dir .. '/macro.Web', 'shorewall' },
    { ws .. '/shorewall/action.Mine', 'shorewall' },
    { ws .. '/elsewhere/rules', '' },
  }) do
    vim.cmd('edit ' .. vim.fn.fnameescape(case[1]))
    local ft = vim.bo.filetype
    check(ft == case[2], ('filetype of %s is %q'):format(case[1]:sub(#ws + 2), case[2]), ft)
    vim.cmd('bwipeout!')
  end

  -- 2. Opening rules starts (or reuses) the server for its directory.
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/rules'))
  local buf = vim.api.nvim_get_current_buf()
  local original = read_file(dir .. '/rules')
  check(vim.bo[buf].filetype == 'shorewall', 'rules has filetype shorewall', vim.bo[buf].filetype)
  local attached = wait(timeout, function()
    local client = shorewall.client(buf)
    return client ~= nil and client.initialized ~= false
  end)
  check(attached, 'the shorewall_ls client is attached')
  if not attached then
    return
  end
  check(vim.b[buf].current_syntax == 'shorewall', 'syntax/shorewall.vim colours the buffer', vim.b[buf].current_syntax)
  check(vim.bo[buf].commentstring == '# %s', 'commentstring is # %s', vim.bo[buf].commentstring)
  check(vim.bo[buf].omnifunc == 'v:lua.vim.lsp.omnifunc', 'omnifunc completes through the server', vim.bo[buf].omnifunc)
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/zones'))
  local zones_buf = vim.api.nvim_get_current_buf()
  wait(timeout, function()
    return shorewall.client(zones_buf) ~= nil
  end)
  local rules_client, zones_client = shorewall.client(buf), shorewall.client(zones_buf)
  check(zones_client and rules_client.id == zones_client.id, 'one client serves both files of the directory')
  vim.cmd('buffer ' .. buf)

  -- 3. A diagnostic for the unknown zone, on its line.
  local bad_line = find_line(buf, 'nte')
  local got = wait(timeout, function()
    for _, d in ipairs(diags_with_code(buf)) do
      if d.lnum == bad_line then
        return true
      end
    end
    return false
  end)
  check(got, ('diagnostic %s on line %d'):format(diag_code, (bad_line or -1) + 1), vim.inspect(vim.diagnostic.get(buf)))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    out(('  diagnostic %d:%d %s'):format(d.lnum + 1, d.col + 1, d.message))
  end

  -- 4. Completion in the SOURCE column offers the zones of the zones file.
  local last = #lines_of(buf)
  vim.api.nvim_buf_set_lines(buf, last, last, false, { 'ACCEPT\t' })
  local result = request(buf, 'textDocument/completion', position(buf, last, 7))
  local labels = {}
  for _, item in ipairs(result and (result.items or result) or {}) do
    labels[item.label] = true
  end
  check(labels.net and labels.loc and labels.dmz, 'completion offers net, loc and dmz',
    table.concat(vim.tbl_keys(labels), ','))
  vim.api.nvim_buf_set_lines(buf, last, last + 1, false, {})

  -- 5. Hover on the ACCEPT of the first rule.
  local accept_line = find_line(buf, 'ACCEPT')
  result = request(buf, 'textDocument/hover', position(buf, accept_line, 2))
  local contents = result and result.contents
  local hover = type(contents) == 'table' and (contents.value or contents[1] and (contents[1].value or contents[1])) or contents
  hover = type(hover) == 'string' and hover or vim.inspect(contents)
  if profile == 'fake' then
    check(hover:find('FAKE hover: `ACCEPT`', 1, true) ~= nil, 'hover answers (fake server: no manpage)', hover)
  else
    local pattern = os.getenv('E2E_HOVER_TEXT') or 'allow the connection request'
    check(hover:lower():find(pattern:lower(), 1, true) ~= nil, 'hover shows the manpage text for ACCEPT', hover)
  end
  out('  hover: ' .. hover:gsub('\n', ' '):sub(1, 200))

  -- 6. Format on save: :write formats through the server before writing.
  vim.cmd('silent write')
  local saved = read_file(dir .. '/rules')
  check(saved ~= original, 'format on save changed the file')
  check(tokens(saved) == tokens(original), 'formatting changed only blanks')
  check(table.concat(lines_of(buf), '\n') .. '\n' == saved, 'buffer and file agree after the write')
  if profile ~= 'fake' then
    -- The configs set format.useTabs (the formatter's default is spaces).
    check(saved:find('\nACCEPT\t+loc\t+%$FW\t+tcp\t+22\n') ~= nil, 'the format settings reach the server (tabs)', saved)
  end

  -- 7. The fix clears the diagnostic.
  bad_line = find_line(buf, 'nte')
  local line = lines_of(buf)[bad_line + 1]
  local col = line:find('nte', 1, true) - 1
  vim.api.nvim_buf_set_text(buf, bad_line, col, bad_line, col + 3, { 'net' })
  local cleared = wait(timeout, function()
    return #diags_with_code(buf) == 0
  end)
  check(cleared, 'fixing the zone clears the diagnostic', vim.inspect(vim.diagnostic.get(buf)))
  vim.cmd('silent write')

  -- 7b. Semantic tokens follow edits: Neovim (0.9 and later) asks for the tokens' delta
  -- after each change, and applies it to the tokens it has.
  if profile ~= 'fake' and vim.lsp.semantic_tokens and vim.lsp.semantic_tokens.get_at_pos then
    local function token_type(row, col)
      for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, row, col) or {}) do
        return t.type
      end
    end
    local row = find_line(buf, 'ACCEPT')
    local before = wait(timeout, function()
      return token_type(row, 0) == 'keyword'
    end)
    check(before, 'semantic tokens: ACCEPT is a keyword', token_type(row, 0))
    vim.api.nvim_buf_set_lines(buf, row, row, false, { 'SSH(ACCEPT)\tloc\t$FW' })
    local inserted = wait(timeout, function()
      return token_type(row, 0) == 'macro' and token_type(row + 1, 0) == 'keyword'
    end)
    check(inserted, 'semantic tokens after a line is typed: a macro there, the keyword a line down',
      vim.inspect({ token_type(row, 0), token_type(row + 1, 0) }))
    vim.api.nvim_buf_set_lines(buf, row, row + 1, false, {})
    local removed = wait(timeout, function()
      return token_type(row, 0) == 'keyword'
    end)
    check(removed, 'semantic tokens after the line is deleted: the keyword back in place', token_type(row, 0))
  end

  -- 8. :ShorewallPreview shows the ip6tables rules in a split; the rules window keeps the focus.
  local win = vim.api.nvim_get_current_win()
  vim.cmd('ShorewallPreview')
  local preview
  local shown = wait(timeout, function()
    preview = find_view('preview')
    return view_has(preview, '^%*filter') and view_has(preview, '^%-A ')
  end)
  check(shown, ':ShorewallPreview shows *filter and -A rules', preview and table.concat(lines_of(preview), '\n'))
  check(preview and vim.fn.bufwinid(preview) ~= -1, 'the preview is in a window')
  check(vim.api.nvim_get_current_win() == win, 'the rules window keeps the focus')
  check(preview and vim.bo[preview].buftype == 'nofile' and not vim.bo[preview].modifiable,
    'the preview is a read-only scratch buffer')

  -- 9. Writing a Shorewall file of the directory refreshes the preview.
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { 'ACCEPT\tloc\t$FW\ttcp\t2222' })
  vim.cmd('silent write')
  local refreshed = wait(timeout, function()
    return view_has(preview, '2222')
  end)
  check(refreshed, 'the preview refreshes after :write')

  -- 10. :ShorewallSyntaxTree.
  vim.cmd('ShorewallSyntaxTree')
  local tree
  local has_tree = wait(timeout, function()
    tree = find_view('syntax-tree')
    return tree ~= nil and #lines_of(tree) > 1 and not view_has(tree, '^# shorewall%-ls could not')
  end)
  check(has_tree, ':ShorewallSyntaxTree shows the tree', tree and table.concat(lines_of(tree), '\n'))

  if preview then
    out('--- preview (first 30 lines)')
    for i, l in ipairs(lines_of(preview)) do
      if i > 30 then break end
      out('  ' .. l)
    end
  end
  if tree then
    out('--- syntax tree (first 15 lines)')
    for i, l in ipairs(lines_of(tree)) do
      if i > 15 then break end
      out('  ' .. l)
    end
  end

  -- 11. How the editor started the server (the fake logs it).
  local log = os.getenv('FAKE_SHOREWALL_LS_LOG')
  if profile == 'fake' and log then
    local init
    for entry in read_file(log):gmatch('[^\n]+') do
      local event = vim.fn.json_decode(entry)
      if event.event == 'initialize' then
        init = event.initializationOptions
      end
    end
    check(init and init.format and init.format.useTabs == true, 'initializationOptions carry the format settings',
      vim.inspect(init))
  end

  check(#notified == 0, 'no errors or warnings were reported', table.concat(notified, ' | '))

  for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    vim.lsp.stop_client(client.id)
  end
  check(wait(timeout, function()
    return #(vim.lsp.get_clients or vim.lsp.get_active_clients)() == 0
  end), 'the server stops')
end

local ok, err = pcall(main)
if not ok then
  failures = failures + 1
  out('FAIL - lua error: ' .. tostring(err))
end
out(string.format('%d passed, %d failed', passes, failures))
local path = os.getenv('E2E_TRANSCRIPT')
if path and path ~= '' then
  vim.fn.writefile(transcript, path)
end
vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
