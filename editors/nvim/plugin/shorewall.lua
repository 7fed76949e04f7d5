-- Commands of the shorewall-ls plugin; they work with setup() and with vim.lsp.enable().
if vim.g.loaded_shorewall_ls then
  return
end
vim.g.loaded_shorewall_ls = 1

vim.api.nvim_create_user_command('ShorewallPreview', function()
  require('shorewall').preview()
end, { desc = 'Show the ip6tables rules this Shorewall configuration compiles to' })

vim.api.nvim_create_user_command('ShorewallSyntaxTree', function()
  require('shorewall').syntax_tree()
end, { desc = 'Show the shorewall-ls syntax tree of this buffer' })

vim.api.nvim_create_autocmd('BufWritePost', {
  group = vim.api.nvim_create_augroup('shorewall_views', { clear = true }),
  callback = function(args)
    if vim.bo[args.buf].filetype == 'shorewall' then
      require('shorewall').on_write(args.buf)
    end
  end,
})
