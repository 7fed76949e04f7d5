-- The Neovim 0.11+ way from docs/neovim.md: lsp/shorewall_ls.lua from the plugin folder,
-- vim.lsp.enable, and format-on-save with a BufWritePre autocommand.
vim.opt.runtimepath:prepend(os.getenv('E2E_REPO') .. '/editors/nvim')
vim.lsp.config('shorewall_ls', {
  settings = { shorewall = { format = { useTabs = true } } },
})
vim.lsp.enable('shorewall_ls')
vim.api.nvim_create_autocmd('BufWritePre', {
  callback = function(args)
    if vim.bo[args.buf].filetype == 'shorewall' then
      vim.lsp.buf.format({ bufnr = args.buf, name = 'shorewall_ls', timeout_ms = 2000 })
    end
  end,
})
