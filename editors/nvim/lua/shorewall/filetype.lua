-- Filetype detection: every Shorewall configuration file is filetype `shorewall`.
-- Shorewall knows its files by name, inside a `shorewall` (IPv4) or `shorewall6` (IPv6)
-- directory; `shorewall.conf` and `shorewall6.conf` are recognised anywhere.
local M = {}

--- The file names Shorewall reads as column files or shell (`params`), in a config directory.
M.names = {
  'accounting', 'actions', 'actions.std', 'arprules', 'blacklist', 'blrules', 'conntrack',
  'ecn', 'hosts', 'interfaces', 'maclist', 'mangle', 'masq', 'nat', 'netmap', 'notrack',
  'params', 'policy', 'providers', 'proxyarp', 'proxyndp', 'routes', 'routestopped',
  'rtrules', 'rules', 'secmarks', 'snat', 'stoppedrules', 'tcclasses', 'tcdevices',
  'tcfilters', 'tcinterfaces', 'tcpri', 'tcrules', 'tunnels', 'zones',
}

--- Registers the patterns with `vim.filetype.add` (Neovim 0.7+; on 0.7 it is only used when
--- `vim.g.do_filetype_lua = 1`).
function M.add()
  local pattern = {
    ['.*/shorewall6?/macro%..+'] = 'shorewall',
    ['.*/shorewall6?/action%..+'] = 'shorewall',
  }
  for _, name in ipairs(M.names) do
    pattern['.*/shorewall6?/' .. name:gsub('%.', '%%.')] = 'shorewall'
  end
  vim.filetype.add({
    filename = { ['shorewall.conf'] = 'shorewall', ['shorewall6.conf'] = 'shorewall' },
    pattern = pattern,
  })
end

--- The same files as autocommand patterns, for Neovim 0.7 without `do_filetype_lua`.
function M.autocmd_patterns()
  local dirs = '*/{shorewall,shorewall6}/'
  local patterns = { dirs .. 'macro.*', dirs .. 'action.*', '*/shorewall.conf', '*/shorewall6.conf' }
  for _, name in ipairs(M.names) do
    table.insert(patterns, dirs .. name)
  end
  return patterns
end

local done = false

--- Sets up detection once; called from ftdetect/ and from require('shorewall').setup().
function M.setup()
  if done then
    return
  end
  done = true
  M.add()
  if vim.fn.has('nvim-0.8') == 0 and vim.g.do_filetype_lua ~= 1 then
    -- Neovim 0.7 ignores vim.filetype.add unless do_filetype_lua is set: use an autocommand.
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = vim.api.nvim_create_augroup('shorewall_filetype', { clear = true }),
      pattern = M.autocmd_patterns(),
      command = 'setfiletype shorewall',
    })
  end
end

return M
