-- Shorewall configuration files are filetype `shorewall` (see lua/shorewall/filetype.lua).
require('shorewall.filetype').setup()
