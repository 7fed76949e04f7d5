-- shorewall-ls for Neovim: starts the language server for Shorewall files (Neovim 0.7+), and
-- shows the server's ip6tables preview and syntax tree in scratch splits.
--
-- Neovim 0.11+ can use the server config in lsp/shorewall_ls.lua with
-- vim.lsp.enable('shorewall_ls') instead of setup(); the commands work either way.
local M = {}

local CLIENT_NAME = 'shorewall_ls'

local defaults = {
  cmd = { 'shorewall-ls', 'lsp' },
  -- Formatter options sent to the server: align, useTabs, tabWidth, maxColumnWidth (unset: a
  -- .shorewall-ls.toml beside the configuration, else the server's defaults).
  format = {},
  -- Format with the server before each write of a Shorewall buffer.
  format_on_save = false,
  -- Passed on to the client, as for any LSP config.
  on_attach = nil,
  capabilities = nil,
}

M.options = vim.deepcopy(defaults)

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function notify(message, level)
  vim.notify('shorewall: ' .. message, level or vim.log.levels.ERROR)
end

--- The configuration directory a buffer belongs to (the directory of its file).
function M.root_dir(bufnr)
  return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
end

local function server_settings()
  local format = next(M.options.format) and M.options.format or vim.empty_dict()
  return { format = format }
end

--- The client config for the buffer, as vim.lsp.start (0.8+) or vim.lsp.start_client (0.7) take it.
function M.client_config(bufnr)
  local settings = server_settings()
  return {
    name = CLIENT_NAME,
    cmd = M.options.cmd,
    root_dir = M.root_dir(bufnr),
    init_options = settings,
    settings = { shorewall = settings },
    on_attach = function(client, attached)
      -- Neovim 0.8+ sets the LSP omnifunc itself; 0.7 does not.
      if not has('0.8') and vim.bo[attached].omnifunc == '' then
        vim.bo[attached].omnifunc = 'v:lua.vim.lsp.omnifunc'
      end
      if M.options.on_attach then
        M.options.on_attach(client, attached)
      end
    end,
    capabilities = M.options.capabilities,
  }
end

local function all_clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get()
end

--- The running shorewall_ls client attached to the buffer, if any.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  for _, client in ipairs(all_clients()) do
    if client.name == CLIENT_NAME and vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
  return nil
end

-- Neovim 0.7 has no vim.lsp.start: one client per configuration directory, kept here.
local clients_by_root = {}

--- Starts the server for the buffer, or attaches the buffer to the one already running for its
--- configuration directory.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.api.nvim_buf_get_name(bufnr) == '' then
    return
  end
  local config = M.client_config(bufnr)
  if vim.fn.executable(config.cmd[1]) == 0 then
    notify(('cannot start the language server: %q is not executable (set cmd in setup())'):format(config.cmd[1]))
    return
  end
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = clients_by_root[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) or vim.lsp.get_client_by_id(id).is_stopped() then
    id = vim.lsp.start_client(config)
    clients_by_root[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

--- Formats the buffer with the server, synchronously (for BufWritePre).
function M.format(bufnr, timeout_ms)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  timeout_ms = timeout_ms or 2000
  if not M.client(bufnr) then
    return
  end
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = bufnr, name = CLIENT_NAME, timeout_ms = timeout_ms })
  elseif vim.api.nvim_get_current_buf() == bufnr then
    -- Neovim 0.7: formats the current buffer with every attached client that can.
    vim.lsp.buf.formatting_sync(nil, timeout_ms)
  end
end

-- Scratch buffers that show a server command's text, by "<command> <key>".
local views = {}

local function view_name(kind, path)
  return ('shorewall://%s/%s'):format(kind, path)
end

--- Fills (creating and showing it if needed) the scratch buffer of one view.
local function show_text(view, lines, focus)
  local buf = view.buf
  if not buf or not vim.api.nvim_buf_is_valid(buf) then
    buf = vim.api.nvim_create_buf(false, true)
    view.buf = buf
    vim.api.nvim_buf_set_name(buf, view.name)
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'hide'
    vim.bo[buf].swapfile = false
    vim.bo[buf].filetype = view.filetype
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  if focus and vim.fn.bufwinid(buf) == -1 then
    local from = vim.api.nvim_get_current_win()
    vim.cmd('vertical rightbelow sbuffer ' .. buf)
    vim.api.nvim_set_current_win(from)
  end
end

local function answer_lines(result)
  local text = type(result) == 'table' and result.text or result
  if type(text) ~= 'string' then
    return { '# shorewall-ls gave no text' }
  end
  local lines = vim.split(text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  return lines
end

--- Asks the server for `command` on the source buffer's document and shows the answer.
local function refresh(view, focus)
  local source = view.source
  if not vim.api.nvim_buf_is_valid(source) then
    return
  end
  local client = M.client(source)
  if not client then
    notify('no shorewall_ls client is attached to ' .. vim.api.nvim_buf_get_name(source))
    return
  end
  local params = { command = view.command, arguments = { vim.uri_from_bufnr(source) } }
  local function on_answer(err, result)
    local lines
    if err then
      lines = { ('# shorewall-ls could not run %s:'):format(view.command) }
      for _, line in ipairs(vim.split(err.message or tostring(err), '\n', { plain = true })) do
        table.insert(lines, '# ' .. line)
      end
    else
      lines = answer_lines(result)
    end
    show_text(view, lines, focus)
  end
  if has('0.11') then
    client:request('workspace/executeCommand', params, on_answer, source)
  else
    client.request('workspace/executeCommand', params, on_answer, source)
  end
end

local function open_view(kind, command, filetype, key, source)
  local id = command .. ' ' .. key
  local view = views[id]
  if not view then
    view = { command = command, filetype = filetype, name = view_name(kind, key) }
    views[id] = view
  end
  view.source = source
  view.dir = M.root_dir(source)
  refresh(view, true)
end

--- :ShorewallPreview — the ip6tables-restore text the buffer's configuration directory compiles
--- to, in a scratch split that refreshes when a Shorewall file of that directory is written.
function M.preview(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  open_view('preview', 'shorewall.preview', 'iptables', M.root_dir(bufnr), bufnr)
end

--- :ShorewallSyntaxTree — the server's syntax tree of the buffer, in a scratch split.
function M.syntax_tree(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  open_view('syntax-tree', 'shorewall.syntaxTree', 'text', vim.api.nvim_buf_get_name(bufnr), bufnr)
end

--- Refreshes the open views that depend on the written buffer.
function M.on_write(bufnr)
  local dir = M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  for _, view in pairs(views) do
    local shown = view.buf and vim.api.nvim_buf_is_valid(view.buf) and vim.fn.bufwinid(view.buf) ~= -1
    local depends = (view.command == 'shorewall.preview' and view.dir == dir)
      or (view.command == 'shorewall.syntaxTree' and vim.api.nvim_buf_get_name(view.source) == name)
    if shown and depends then
      -- Any document of the directory names it to the server; the written one is surely open.
      view.source = bufnr
      refresh(view, false)
    end
  end
end

--- Sets up filetype detection, starts the server on Shorewall buffers and, if asked, formats on
--- save. opts: cmd, format, format_on_save, on_attach, capabilities.
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  require('shorewall.filetype').setup()
  local group = vim.api.nvim_create_augroup('shorewall_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'shorewall',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  if M.options.format_on_save then
    vim.api.nvim_create_autocmd('BufWritePre', {
      group = group,
      callback = function(args)
        if vim.bo[args.buf].filetype == 'shorewall' then
          M.format(args.buf)
        end
      end,
    })
  end
  -- Buffers opened before setup() ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'shorewall' then
      M.attach(buf)
    end
  end
end

return M
