-- The plain-config way from docs/neovim.md (works on Neovim 0.7+): the plugin folder on the
-- runtimepath and require('shorewall').setup(). E2E_REPO is the repository root.
vim.opt.runtimepath:prepend(os.getenv('E2E_REPO') .. '/editors/nvim')
if os.getenv('E2E_NO_FILETYPE_LUA') ~= '1' then
  vim.g.do_filetype_lua = 1 -- Neovim 0.7 only; harmless later
end
require('shorewall').setup({
  format = { useTabs = true },
  format_on_save = true,
})
