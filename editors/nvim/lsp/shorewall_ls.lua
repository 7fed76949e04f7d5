-- The shorewall-ls language server, for `vim.lsp.enable('shorewall_ls')` (Neovim 0.11+).
-- Override any field with vim.lsp.config('shorewall_ls', { ... }).
return {
  cmd = { 'shorewall-ls', 'lsp' },
  filetypes = { 'shorewall' },
  -- A file belongs to the configuration directory it sits in: one client per directory.
  root_dir = function(bufnr, on_dir)
    on_dir(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h'))
  end,
  -- Formatter options: { align = true, useTabs = false, tabWidth = 8, maxColumnWidth = 24 } (unset: the
  -- server's defaults or a .shorewall-ls.toml beside the configuration).
  settings = { shorewall = { format = vim.empty_dict() } },
  before_init = function(params, config)
    -- The server reads the same settings at start-up as initializationOptions.
    params.initializationOptions = (config.settings or {}).shorewall
  end,
}
