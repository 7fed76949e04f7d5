" Vim syntax for Shorewall configuration files. The language server's semantic tokens refine it
" on Neovim 0.9+; this gives colour at once and on older versions.
if exists('b:current_syntax')
  finish
endif

syn case match
" In column files '#' starts a comment anywhere; in params and the .conf files only after a blank,
" which the assignment rule below keeps to.
syn match shorewallComment /#.*$/ contains=@Spell
syn match shorewallDirective /^\s*?\a\+/ nextgroup=shorewallDirectiveArgs skipwhite
syn match shorewallDirectiveArgs /.*$/ contained contains=shorewallVariable,shorewallCapability,shorewallSection,shorewallComment
syn match shorewallLegacyDirective /^\s*\%(SECTION\|COMMENT\|FORMAT\|INCLUDE\|DEFAULTS\)\ze\%(\s\|$\)/ nextgroup=shorewallDirectiveArgs skipwhite
syn keyword shorewallSection ALL ESTABLISHED RELATED INVALID UNTRACKED NEW contained
syn match shorewallCapability /\<__\w\+/ contained
syn region shorewallEmbedded matchgroup=shorewallDirective start=/^\s*?\=BEGIN\s\+\%(PERL\|SHELL\)\>.*$/ end=/^\s*?\=END\>.*$/

syn match shorewallAction /\%(^\|[ \t(:]\)\@1<=\%(ACCEPT\|A_ACCEPT\|A_DROP\|A_REJECT\|AUDIT\|CONTINUE\|COUNT\|DNAT\|DROP\|LOG\|MARK\|NFLOG\|NFQUEUE\|NONAT\|NONE\|QUEUE\|REDIRECT\|REJECT\|SNAT\|MASQUERADE\|TARPIT\|ULOG\|INLINE\|IP6TABLES\|IPTABLES\|HELPER\|PARAM\)\%([+!]\|-\)\=\ze\%([ \t:,()]\|$\)/
syn match shorewallMacro /\<\a[A-Za-z0-9_-]*\ze(/
syn match shorewallLogLevel /\%([A-Za-z0-9_)+!-]\)\@1<=:\%(emerg\|alert\|crit\|err\|warning\|warn\|notice\|info\|debug\|none\|NFLOG\|ULOG\)\>!\=/
syn match shorewallVariable /\$\%({\w\+}\|\w\+\)/
syn match shorewallFirewall /\$\%(FW\|{FW}\)\>/
syn match shorewallZoneKeyword /\%(^\|[ \t,]\)\@1<=\%(all[+-]\=\|any[+-]\=\|none\)\ze\%([ \t,:]\|$\)/
syn match shorewallPlaceholder /\%(^\|\s\)\@1<=-\ze\%(\s\|$\)/
syn match shorewallAddress /\%(\<\x\{1,4}\)\=:\%(\x\{0,4}:\)\+\x\{0,4}\%(\/\d\+\)\=/
syn match shorewallAddress /\<\d\{1,3}\%(\.\d\{1,3}\)\{3}\%(\/\d\+\)\=\>/
syn match shorewallNumber /\<\d\+\>/
syn match shorewallRaw /;;.*$/ contains=shorewallComment

syn match shorewallAssignment /^\s*\%(export\s\+\)\=\h\w*=/ nextgroup=shorewallValue
syn region shorewallValue start=/\S/ end=/\s\|$/ contained oneline contains=shorewallVariable,shorewallString
syn region shorewallString start=/"/ skip=/\\"/ end=/"/ contained oneline contains=shorewallVariable
syn region shorewallString start=/'/ end=/'/ contained oneline

hi def link shorewallComment Comment
hi def link shorewallDirective PreProc
hi def link shorewallLegacyDirective PreProc
hi def link shorewallDirectiveArgs Normal
hi def link shorewallSection Label
hi def link shorewallCapability Constant
hi def link shorewallEmbedded Special
hi def link shorewallAction Keyword
hi def link shorewallMacro Function
hi def link shorewallLogLevel Constant
hi def link shorewallVariable Identifier
hi def link shorewallFirewall Type
hi def link shorewallZoneKeyword Type
hi def link shorewallPlaceholder Special
hi def link shorewallAddress Number
hi def link shorewallNumber Number
hi def link shorewallRaw String
hi def link shorewallAssignment Identifier
hi def link shorewallValue String
hi def link shorewallString String

let b:current_syntax = 'shorewall'
