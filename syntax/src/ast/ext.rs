//! Hand-written accessors of the typed nodes.

use crate::{
    ast::{nodes::*, significant_text, support, AstNode},
    ColumnSpec, FileKind, SyntaxKind, SyntaxNode, SyntaxToken, TextRange,
};

/// A line of a file, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    Record(Record),
    Directive(Directive),
    Assignment(Assignment),
    ShellLine(ShellLine),
    EmbeddedBlock(EmbeddedBlock),
    /// A line the parser could not place.
    Error(SyntaxNode),
}

impl Item {
    pub fn syntax(&self) -> &SyntaxNode {
        match self {
            Item::Record(it) => it.syntax(),
            Item::Directive(it) => it.syntax(),
            Item::Assignment(it) => it.syntax(),
            Item::ShellLine(it) => it.syntax(),
            Item::EmbeddedBlock(it) => it.syntax(),
            Item::Error(it) => it,
        }
    }
}

impl SourceFile {
    /// The typed root of a parse tree.
    pub fn cast_root(syntax: SyntaxNode) -> SourceFile {
        SourceFile { syntax }
    }

    /// Every line node in order (blank and comment-only lines have none).
    pub fn items(&self) -> impl Iterator<Item = Item> {
        self.syntax.children().filter_map(|node| match node.kind() {
            SyntaxKind::RECORD => Some(Item::Record(Record { syntax: node })),
            SyntaxKind::DIRECTIVE => Some(Item::Directive(Directive { syntax: node })),
            SyntaxKind::ASSIGNMENT => Some(Item::Assignment(Assignment { syntax: node })),
            SyntaxKind::SHELL_LINE => Some(Item::ShellLine(ShellLine { syntax: node })),
            SyntaxKind::EMBEDDED_BLOCK => Some(Item::EmbeddedBlock(EmbeddedBlock { syntax: node })),
            SyntaxKind::ERROR => Some(Item::Error(node)),
            _ => None,
        })
    }

    pub fn records(&self) -> impl Iterator<Item = Record> {
        support::children(&self.syntax)
    }

    pub fn directives(&self) -> impl Iterator<Item = Directive> {
        support::children(&self.syntax)
    }

    pub fn assignments(&self) -> impl Iterator<Item = Assignment> {
        support::children(&self.syntax)
    }

    /// The records with the `?FORMAT` in effect for each.
    pub fn records_with_format(&self) -> Vec<(Record, u32)> {
        let mut format = 1;
        let mut res = Vec::new();
        for item in self.items() {
            match item {
                Item::Directive(it) if it.name() == "FORMAT" => {
                    if let Ok(value) = it.argument().trim().parse() {
                        format = value;
                    }
                }
                Item::Record(it) => res.push((it, format)),
                _ => {}
            }
        }
        res
    }

    /// Comment tokens anywhere in the file, in order.
    pub fn comments(&self) -> impl Iterator<Item = SyntaxToken> {
        self.syntax
            .descendants_with_tokens()
            .filter_map(|it| it.into_token())
            .filter(|it| it.kind() == SyntaxKind::COMMENT)
    }
}

impl Record {
    /// The positional columns, in order.
    pub fn columns(&self) -> impl Iterator<Item = Column> {
        support::children(&self.syntax)
    }

    /// The `name=value` pairs of a `{...}` block or `; ...` tail.
    pub fn pairs(&self) -> impl Iterator<Item = Pair> {
        self.syntax
            .children()
            .filter(|it| matches!(it.kind(), SyntaxKind::PAIR_BLOCK | SyntaxKind::PAIR_TAIL))
            .flat_map(|it| it.children().filter_map(Pair::cast))
    }

    pub fn raw_matches(&self) -> Option<RawMatches> {
        support::child(&self.syntax)
    }

    /// The comment at the end of the line, if any.
    pub fn comment(&self) -> Option<SyntaxToken> {
        support::token(&self.syntax, SyntaxKind::COMMENT)
    }

    /// The column named `name` (upper case, as in `specs`): a pair of that name wins over the
    /// positional column, as in Shorewall.
    pub fn column_named(&self, name: &str, specs: &[ColumnSpec]) -> Option<Column> {
        let idx = specs.iter().position(|it| it.name == name)?;
        let spec = specs[idx];
        let from_pair = self
            .pairs()
            .filter(|pair| {
                pair.name()
                    .is_some_and(|it| spec.keys.contains(&it.to_ascii_lowercase().as_str()))
            })
            .filter_map(|pair| pair.value())
            .last();
        from_pair.or_else(|| self.columns().nth(idx))
    }

    /// The range of the line without its trailing comment and whitespace.
    pub fn content_range(&self) -> TextRange {
        let mut end = self.syntax.text_range().start();
        for element in self.syntax.children_with_tokens() {
            if !matches!(element.kind(), SyntaxKind::WHITESPACE | SyntaxKind::COMMENT) {
                end = element.text_range().end();
            }
        }
        TextRange::new(self.syntax.text_range().start(), end)
    }
}

impl Pair {
    pub fn name(&self) -> Option<String> {
        support::token(&self.syntax, SyntaxKind::WORD).map(|it| it.text().to_owned())
    }

    pub fn name_token(&self) -> Option<SyntaxToken> {
        support::token(&self.syntax, SyntaxKind::WORD)
    }

    pub fn value(&self) -> Option<Column> {
        support::child(&self.syntax)
    }
}

impl Column {
    /// Whether the column is `-`, Shorewall's "nothing here".
    pub fn is_placeholder(&self) -> bool {
        self.text() == "-"
    }

    /// The column's text, or `None` for a `-` placeholder.
    pub fn value(&self) -> Option<String> {
        let text = self.text();
        (text != "-" && !text.is_empty()).then_some(text)
    }

    pub fn action_spec(&self) -> Option<ActionSpec> {
        support::child(&self.syntax)
    }

    pub fn host_spec(&self) -> Option<HostSpec> {
        support::child(&self.syntax)
    }

    pub fn zone_ref(&self) -> Option<ZoneRef> {
        support::child(&self.syntax)
    }

    pub fn zone_list(&self) -> Option<ZoneList> {
        support::child(&self.syntax)
    }

    pub fn interface_ref(&self) -> Option<InterfaceRef> {
        support::child(&self.syntax)
    }

    pub fn address_list(&self) -> Option<AddressList> {
        support::child(&self.syntax)
    }

    pub fn proto_list(&self) -> Option<ProtoList> {
        support::child(&self.syntax)
    }

    pub fn port_list(&self) -> Option<PortList> {
        support::child(&self.syntax)
    }

    pub fn rate_list(&self) -> Option<RateList> {
        support::child(&self.syntax)
    }

    pub fn option_list(&self) -> Option<OptionList> {
        support::child(&self.syntax)
    }

    pub fn log_spec(&self) -> Option<LogSpec> {
        support::child(&self.syntax)
    }

    /// Every host spec of a SOURCE or DEST column: one, or several in the 5.1 form
    /// `loc:(eth1:...),dmz:(eth2),net`.
    pub fn host_specs(&self) -> impl Iterator<Item = HostSpec> {
        support::children(&self.syntax)
    }

    pub fn user_list(&self) -> Option<UserList> {
        support::child(&self.syntax)
    }

    pub fn mark_spec(&self) -> Option<MarkSpec> {
        support::child(&self.syntax)
    }

    pub fn connlimit_spec(&self) -> Option<ConnlimitSpec> {
        support::child(&self.syntax)
    }

    pub fn time_spec(&self) -> Option<TimeSpec> {
        support::child(&self.syntax)
    }

    pub fn header_list(&self) -> Option<HeaderList> {
        support::child(&self.syntax)
    }

    pub fn switch_spec(&self) -> Option<SwitchSpec> {
        support::child(&self.syntax)
    }

    pub fn helper_name(&self) -> Option<HelperName> {
        support::child(&self.syntax)
    }
}

/// The columns of a rules, blrules, macro or action record, by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RulesRecord {
    record: Record,
}

macro_rules! named_columns {
    ($($method:ident => $name:literal),* $(,)?) => {
        $(
            pub fn $method(&self) -> Option<Column> {
                self.column($name)
            }
        )*
    };
}

impl RulesRecord {
    pub fn new(record: Record) -> RulesRecord {
        RulesRecord { record }
    }

    pub fn record(&self) -> &Record {
        &self.record
    }

    pub fn column(&self, name: &str) -> Option<Column> {
        self.record.column_named(name, FileKind::Rules.columns(1))
    }

    named_columns! {
        action => "ACTION",
        source => "SOURCE",
        dest => "DEST",
        proto => "PROTO",
        dport => "DPORT",
        sport => "SPORT",
        origdest => "ORIGDEST",
        rate => "RATE",
        user => "USER",
        mark => "MARK",
        connlimit => "CONNLIMIT",
        time => "TIME",
        headers => "HEADERS",
        switch => "SWITCH",
        helper => "HELPER",
    }
}

/// A typed record of another file kind: its columns by name, the column schema chosen by the
/// `?FORMAT` in effect.
macro_rules! typed_record {
    ($(#[$meta:meta])* $name:ident, $kind:expr, { $($method:ident => $column:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            record: Record,
            format: u32,
        }

        impl $name {
            /// The record, read with the columns of `?FORMAT format` (1 unless the file set one).
            pub fn new(record: Record, format: u32) -> $name {
                $name { record, format }
            }

            pub fn record(&self) -> &Record {
                &self.record
            }

            pub fn column(&self, name: &str) -> Option<Column> {
                self.record.column_named(name, $kind.columns(self.format))
            }

            named_columns! { $($method => $column),* }
        }
    };
}

typed_record!(
    /// A record of the zones file.
    ZonesRecord, FileKind::Zones, {
        zone => "ZONE",
        zone_type => "TYPE",
        options => "OPTIONS",
        in_options => "IN_OPTIONS",
        out_options => "OUT_OPTIONS",
    }
);

typed_record!(
    /// A record of the interfaces file (BROADCAST only exists in format 1).
    InterfacesRecord, FileKind::Interfaces, {
        zone => "ZONE",
        interface => "INTERFACE",
        broadcast => "BROADCAST",
        options => "OPTIONS",
    }
);

typed_record!(
    /// A record of the hosts file.
    HostsRecord, FileKind::Hosts, {
        zone => "ZONE",
        hosts => "HOSTS",
        options => "OPTIONS",
    }
);

typed_record!(
    /// A record of the policy file.
    PolicyRecord, FileKind::Policy, {
        source => "SOURCE",
        dest => "DEST",
        policy => "POLICY",
        log_level => "LOGLEVEL",
        rate => "RATE",
        connlimit => "CONNLIMIT",
    }
);

impl Directive {
    /// The text of a `?COMMENT` as Shorewall takes it: the rest of the line, a `#` included
    /// (`process_compiler_directive` does not strip comments from it), without surrounding
    /// white space.
    pub fn comment_text(&self) -> String {
        let start = self
            .name_token()
            .map_or(self.syntax.text_range().start(), |it| it.text_range().end());
        let text = self.syntax.text().to_string();
        let offset = usize::from(start - self.syntax.text_range().start());
        text.get(offset..).unwrap_or("").trim().to_owned()
    }

    /// The directive's name in upper case, without `?`: `SECTION`, `IF`, `INCLUDE`, ...
    pub fn name(&self) -> String {
        self.name_token()
            .map(|it| it.text().trim_start_matches('?').to_ascii_uppercase())
            .unwrap_or_default()
    }

    /// The `?NAME` or `NAME` token.
    pub fn name_token(&self) -> Option<SyntaxToken> {
        self.syntax
            .children_with_tokens()
            .filter_map(|it| it.into_token())
            .find(|it| !it.kind().is_trivia())
    }

    /// Whether the directive is written with `?` (5.x) rather than the 4.4 spelling.
    pub fn has_question_mark(&self) -> bool {
        self.name_token()
            .is_some_and(|it| it.kind() == SyntaxKind::DIRECTIVE_NAME)
    }

    /// The text after the name, without the trailing comment and surrounding whitespace.
    pub fn argument(&self) -> String {
        match self.argument_range() {
            Some(range) => {
                let start = range.start() - self.syntax.text_range().start();
                let end = range.end() - self.syntax.text_range().start();
                let text = self.syntax.text().to_string();
                text.get(usize::from(start)..usize::from(end))
                    .unwrap_or("")
                    .to_owned()
            }
            None => String::new(),
        }
    }

    /// The range of [`Directive::argument`], if there is one.
    pub fn argument_range(&self) -> Option<TextRange> {
        let name = self.name_token()?;
        let mut range: Option<TextRange> = None;
        for element in self.syntax.children_with_tokens() {
            if element.text_range().start() < name.text_range().end() {
                continue;
            }
            if matches!(element.kind(), SyntaxKind::WHITESPACE | SyntaxKind::COMMENT) {
                continue;
            }
            range = Some(match range {
                Some(it) => it.cover(element.text_range()),
                None => element.text_range(),
            });
        }
        range
    }
}

impl Assignment {
    pub fn name(&self) -> Option<String> {
        self.name_node().map(|it| it.text().to_string())
    }

    pub fn name_node(&self) -> Option<SyntaxNode> {
        self.syntax
            .children()
            .find(|it| it.kind() == SyntaxKind::ASSIGNMENT_NAME)
    }

    pub fn value_node(&self) -> Option<SyntaxNode> {
        self.syntax
            .children()
            .find(|it| it.kind() == SyntaxKind::ASSIGNMENT_VALUE)
    }

    /// The value as written (quotes included).
    pub fn raw_value(&self) -> String {
        self.value_node()
            .map(|it| significant_text(&it))
            .unwrap_or_default()
    }

    pub fn is_export(&self) -> bool {
        support::token(&self.syntax, SyntaxKind::WORD).is_some_and(|it| it.text() == "export")
    }
}

impl ActionSpec {
    pub fn name(&self) -> Option<ActionName> {
        support::child(&self.syntax)
    }

    /// The action's name as written, suffixes included (`ACCEPT!`, `SSH`, `$1`).
    pub fn name_text(&self) -> String {
        self.name().map(|it| it.text()).unwrap_or_default()
    }

    pub fn params(&self) -> Option<ActionParams> {
        support::child(&self.syntax)
    }

    pub fn macro_target(&self) -> Option<MacroTarget> {
        support::child(&self.syntax)
    }

    pub fn log_spec(&self) -> Option<LogSpec> {
        support::child(&self.syntax)
    }

    /// The default actions after `:` in a policy (`DROP:AllowICMPs,Broadcast(DROP)`).
    pub fn default_actions(&self) -> impl Iterator<Item = ActionArg> {
        support::children(&self.syntax)
    }
}

impl ActionParams {
    pub fn args(&self) -> impl Iterator<Item = ActionArg> {
        support::children(&self.syntax)
    }
}

impl ActionArg {
    /// The argument as an action, when it is shaped like one (`ACCEPT:info`).
    pub fn action_spec(&self) -> Option<ActionSpec> {
        support::child(&self.syntax)
    }
}

impl MacroTarget {
    pub fn name(&self) -> Option<ActionName> {
        support::child(&self.syntax)
    }
}

impl LogSpec {
    pub fn level(&self) -> Option<LogLevel> {
        support::child(&self.syntax)
    }

    pub fn tag(&self) -> Option<LogTag> {
        support::child(&self.syntax)
    }
}

impl HostSpec {
    pub fn zone(&self) -> Option<ZoneRef> {
        support::child(&self.syntax)
    }

    pub fn zone_list(&self) -> Option<ZoneList> {
        support::child(&self.syntax)
    }

    /// Every zone named, in a list and its exclusion too.
    pub fn zone_refs(&self) -> Vec<ZoneRef> {
        self.syntax
            .descendants()
            .filter_map(ZoneRef::cast)
            .collect()
    }

    pub fn interface(&self) -> Option<InterfaceRef> {
        support::child(&self.syntax)
    }

    pub fn addresses(&self) -> Option<AddressList> {
        support::child(&self.syntax)
    }

    pub fn server_port(&self) -> Option<ServerPort> {
        support::child(&self.syntax)
    }
}

impl ZoneList {
    pub fn zones(&self) -> impl Iterator<Item = ZoneRef> {
        support::children(&self.syntax)
    }

    pub fn exclusion(&self) -> Option<ZoneExclusion> {
        support::child(&self.syntax)
    }
}

impl ZoneExclusion {
    pub fn zones(&self) -> impl Iterator<Item = ZoneRef> {
        self.syntax.descendants().filter_map(ZoneRef::cast)
    }
}

/// One element of an address list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AddressItem {
    Address(Address),
    Ipset(Ipset),
    Mac(MacAddress),
}

impl AddressItem {
    pub fn syntax(&self) -> &SyntaxNode {
        match self {
            AddressItem::Address(it) => it.syntax(),
            AddressItem::Ipset(it) => it.syntax(),
            AddressItem::Mac(it) => it.syntax(),
        }
    }

    /// Whether the item is inside a `!` exclusion.
    pub fn is_excluded(&self) -> bool {
        self.syntax()
            .ancestors()
            .any(|it| it.kind() == SyntaxKind::ADDRESS_EXCLUSION)
    }
}

impl AddressList {
    /// Every address, ipset and MAC of the list, excluded ones included.
    pub fn items(&self) -> impl Iterator<Item = AddressItem> {
        self.syntax
            .descendants()
            .filter_map(|node| match node.kind() {
                SyntaxKind::ADDRESS => Some(AddressItem::Address(Address { syntax: node })),
                SyntaxKind::IPSET => Some(AddressItem::Ipset(Ipset { syntax: node })),
                SyntaxKind::MAC_ADDRESS => Some(AddressItem::Mac(MacAddress { syntax: node })),
                _ => None,
            })
    }
}

/// One element of a port list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortItem {
    Port(Port),
    Range(PortRange),
}

impl PortItem {
    pub fn syntax(&self) -> &SyntaxNode {
        match self {
            PortItem::Port(it) => it.syntax(),
            PortItem::Range(it) => it.syntax(),
        }
    }
}

impl PortList {
    pub fn items(&self) -> impl Iterator<Item = PortItem> {
        self.syntax.children().filter_map(|node| match node.kind() {
            SyntaxKind::PORT => Some(PortItem::Port(Port { syntax: node })),
            SyntaxKind::PORT_RANGE => Some(PortItem::Range(PortRange { syntax: node })),
            _ => None,
        })
    }
}

impl ProtoList {
    pub fn protos(&self) -> impl Iterator<Item = Proto> {
        support::children(&self.syntax)
    }
}

impl RateList {
    pub fn rates(&self) -> impl Iterator<Item = Rate> {
        support::children(&self.syntax)
    }
}

impl OptionList {
    pub fn options(&self) -> impl Iterator<Item = OptionItem> {
        support::children(&self.syntax)
    }
}

impl OptionItem {
    pub fn name(&self) -> String {
        self.syntax
            .children()
            .find(|it| it.kind() == SyntaxKind::OPTION_NAME)
            .map(|it| significant_text(&it))
            .unwrap_or_default()
    }

    pub fn name_range(&self) -> Option<TextRange> {
        self.syntax
            .children()
            .find(|it| it.kind() == SyntaxKind::OPTION_NAME)
            .map(|it| it.text_range())
    }

    pub fn value(&self) -> Option<String> {
        self.syntax
            .children()
            .find(|it| it.kind() == SyntaxKind::OPTION_VALUE)
            .map(|it| significant_text(&it))
    }
}

/// Whether `node` has a direct child token of `kind`.
fn has_token(node: &SyntaxNode, kind: SyntaxKind) -> bool {
    support::token(node, kind).is_some()
}

/// The text of the first child node of `kind`, without continuation glue.
fn child_text(node: &SyntaxNode, kind: SyntaxKind) -> Option<String> {
    node.children()
        .find(|it| it.kind() == kind)
        .map(|it| significant_text(&it))
}

/// The first direct `WORD` token after the direct `COLON`/`EQ` token `after`, if any.
fn word_after(node: &SyntaxNode, after: SyntaxKind) -> Option<String> {
    node.children_with_tokens()
        .filter_map(|it| it.into_token())
        .skip_while(|it| it.kind() != after)
        .find(|it| it.kind() == SyntaxKind::WORD)
        .map(|it| it.text().to_owned())
}

impl ZoneRef {
    /// Whether this is `all` or `any`, with or without the `+` and `-` suffixes.
    pub fn is_wildcard(&self) -> bool {
        let text = self.text();
        let base = text.trim_end_matches(['+', '-']);
        base == "all" || base == "any"
    }

    /// The `+`/`-` suffixes of `all` and `any` (`all+-` gives `+-`); empty for a zone.
    pub fn wildcard_suffix(&self) -> String {
        if !self.is_wildcard() {
            return String::new();
        }
        let text = self.text();
        text.trim_start_matches(|c: char| c != '+' && c != '-')
            .to_owned()
    }
}

impl ZoneList {
    /// Whether a list of zones ends in `+`: intra-zone traffic is included.
    pub fn includes_intrazone(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::PLUS)
    }
}

impl Address {
    /// The range this address is an end of, if it is one.
    pub fn range(&self) -> Option<AddressRange> {
        self.syntax.parent().and_then(AddressRange::cast)
    }

    /// For `&eth0` (the primary address of an interface), the interface.
    pub fn interface(&self) -> Option<InterfaceRef> {
        support::child(&self.syntax)
    }
}

impl AddressRange {
    pub fn low(&self) -> Option<Address> {
        support::children(&self.syntax).next()
    }

    pub fn high(&self) -> Option<Address> {
        support::children(&self.syntax).nth(1)
    }
}

impl AddressList {
    /// The ranges of the list, excluded ones included.
    pub fn ranges(&self) -> impl Iterator<Item = AddressRange> {
        self.syntax.descendants().filter_map(AddressRange::cast)
    }
}

impl Ipset {
    /// The set names: one, or several in `+[a,b]`.
    pub fn names(&self) -> impl Iterator<Item = IpsetName> {
        self.syntax.descendants().filter_map(IpsetName::cast)
    }

    /// The `[...]` after the name, brackets included.
    pub fn flags(&self) -> Option<IpsetFlags> {
        support::child(&self.syntax)
    }

    /// Whether this is the list form `+[a,b]`.
    pub fn is_list(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::L_BRACK)
    }
}

impl Proto {
    /// The protocol without its `!` and option: `tcp` for `tcp:syn`.
    pub fn name(&self) -> String {
        let text = self.text();
        let text = text.trim_start_matches('!');
        text.split(':').next().unwrap_or("").to_owned()
    }

    /// The option after the colon: `syn`, `!syn`, `udp`, `all`.
    pub fn option(&self) -> Option<String> {
        let text = self.text();
        text.split_once(':').map(|(_, it)| it.to_owned())
    }
}

impl PortRange {
    /// The two ends as written (either may be empty: `:1023`).
    pub fn bounds(&self) -> (String, String) {
        let text = self.text();
        let sep = if text.contains(':') { ':' } else { '-' };
        match text.split_once(sep) {
            Some((low, high)) => (low.to_owned(), high.to_owned()),
            None => (text, String::new()),
        }
    }
}

impl Rate {
    pub fn mode(&self) -> Option<RateMode> {
        support::child(&self.syntax)
    }

    pub fn name(&self) -> Option<RateName> {
        support::child(&self.syntax)
    }

    pub fn value(&self) -> Option<RateValue> {
        support::child(&self.syntax)
    }

    pub fn burst(&self) -> Option<RateBurst> {
        support::child(&self.syntax)
    }
}

impl UserList {
    pub fn specs(&self) -> impl Iterator<Item = UserSpec> {
        support::children(&self.syntax)
    }
}

impl UserSpec {
    pub fn is_negated(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::BANG)
    }

    pub fn user(&self) -> Option<UserName> {
        support::child(&self.syntax)
    }

    pub fn group(&self) -> Option<GroupName> {
        support::child(&self.syntax)
    }

    pub fn program(&self) -> Option<ProgramName> {
        support::child(&self.syntax)
    }
}

impl MarkSpec {
    pub fn is_negated(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::BANG)
    }

    pub fn value(&self) -> Option<MarkValue> {
        support::child(&self.syntax)
    }

    pub fn mask(&self) -> Option<MarkMask> {
        support::child(&self.syntax)
    }

    /// The designator after the colon (`C` tests the connection mark).
    pub fn designator(&self) -> Option<String> {
        word_after(&self.syntax, SyntaxKind::COLON)
    }
}

impl ConnlimitSpec {
    /// `d:`: the limit is per destination address.
    pub fn is_per_destination(&self) -> bool {
        support::token(&self.syntax, SyntaxKind::WORD).is_some_and(|it| it.text() == "d")
    }

    pub fn is_negated(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::BANG)
    }

    pub fn count(&self) -> Option<ConnlimitCount> {
        support::child(&self.syntax)
    }

    pub fn mask(&self) -> Option<ConnlimitMask> {
        support::child(&self.syntax)
    }
}

impl TimeSpec {
    pub fn elements(&self) -> impl Iterator<Item = TimeElement> {
        support::children(&self.syntax)
    }
}

impl TimeElement {
    /// `timestart`, `weekdays`, `utc`, ...
    pub fn name(&self) -> String {
        child_text(&self.syntax, SyntaxKind::OPTION_NAME).unwrap_or_default()
    }

    pub fn value(&self) -> Option<String> {
        child_text(&self.syntax, SyntaxKind::OPTION_VALUE)
    }
}

impl HeaderList {
    pub fn is_negated(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::BANG)
    }

    /// `any` or `exactly`, if given.
    pub fn mode(&self) -> Option<String> {
        support::token(&self.syntax, SyntaxKind::WORD).map(|it| it.text().to_owned())
    }

    pub fn headers(&self) -> impl Iterator<Item = Header> {
        support::children(&self.syntax)
    }
}

impl SwitchSpec {
    pub fn is_negated(&self) -> bool {
        has_token(&self.syntax, SyntaxKind::BANG)
    }

    pub fn name(&self) -> Option<SwitchName> {
        support::child(&self.syntax)
    }

    /// The initial state after `=`: `0` or `1`.
    pub fn initial(&self) -> Option<String> {
        word_after(&self.syntax, SyntaxKind::EQ)
    }
}

impl LogSpec {
    /// Whether the level ends in `!` (log every rule of an action).
    pub fn is_forced(&self) -> bool {
        self.level().is_some_and(|it| it.text().ends_with('!'))
    }
}

impl EmbeddedBlock {
    /// `PERL` or `SHELL`.
    pub fn language(&self) -> String {
        let text = self.syntax.text().to_string();
        let upper = text.to_ascii_uppercase();
        let perl = upper.find("PERL");
        let shell = upper.find("SHELL");
        match (perl, shell) {
            (Some(p), Some(s)) if s < p => "SHELL",
            (None, Some(_)) => "SHELL",
            _ => "PERL",
        }
        .to_owned()
    }
}
