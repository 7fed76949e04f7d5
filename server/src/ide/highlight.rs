//! Semantic highlighting: what each piece of a file is (an action, a macro, a zone, a param, an
//! address, a port, a log level, a comment, a directive, ...), as far as the directory's model
//! knows. The editor's grammar colours the text at once; this refines it (a name that is a
//! macro, a word that is a zone).
//!
//! The result is a classification ([`HighlightTag`]), not the protocol's encoding: the `lsp`
//! layer maps tags to token types.

use std::{path::Path, sync::Arc};

use shorewall_syntax::{ast, FileKind, SyntaxKind, SyntaxNode, SyntaxToken, TextRange};

use crate::{
    ide::{
        db::{dir_of, Inputs},
        resolve::{classify_target, Name},
    },
    model::Model,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HighlightedRange {
    pub range: TextRange,
    pub tag: HighlightTag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HighlightTag {
    /// A built-in action (`ACCEPT`, `DNAT`) or a policy.
    BuiltinAction,
    /// An action of `actions.std` or `actions`.
    Action,
    Macro,
    Zone,
    Interface,
    Param,
    Address,
    Port,
    Protocol,
    LogLevel,
    Comment,
    Directive,
    /// An option name (zones, interfaces, hosts).
    Option,
    /// A shorewall6.conf setting name.
    Setting,
}

pub(crate) fn highlight(db: &Inputs, path: &Path) -> Vec<HighlightedRange> {
    let Some(parse) = db.parse(path) else {
        return Vec::new();
    };
    let model = db.recent_model(dir_of(path));
    let kind = parse.file_type().kind;
    // The text the tree is of (the same snapshot's), for a quick look inside names.
    let text = db.text(path).unwrap_or_else(|| Arc::from(""));
    let mut res = Vec::new();
    walk(&parse.syntax(), &text, kind, &model, &mut res);
    res
}

/// Classifies the children of `node` in order: a name node (an action name, a zone, an
/// address, ...) as a whole, unless a `$PARAM`, a comment or a continuation is inside it.
fn walk(
    node: &SyntaxNode,
    text: &str,
    kind: FileKind,
    model: &Model,
    res: &mut Vec<HighlightedRange>,
) {
    for child in node.children_with_tokens() {
        if let Some(token) = child.as_token() {
            if let Some(tag) = token_tag(token, node) {
                res.push(HighlightedRange {
                    range: token.text_range(),
                    tag,
                });
            }
            continue;
        }
        let Some(child) = child.into_node() else {
            continue;
        };
        let whole = node_tag(&child, kind, model).filter(|_| {
            // Each of those starts with `$`, `#` or `\`: most names have none, and their
            // text says so without a walk over their tokens.
            let range = child.text_range();
            let inside = text.get(usize::from(range.start())..usize::from(range.end()));
            let maybe =
                inside.is_none_or(|it| memchr::memchr3(b'$', b'#', b'\\', it.as_bytes()).is_some());
            !maybe
                || !child.descendants_with_tokens().any(|it| {
                    matches!(
                        it.kind(),
                        SyntaxKind::DOLLAR_REF
                            | SyntaxKind::COMMENT
                            | SyntaxKind::LINE_CONTINUATION
                    )
                })
        });
        match whole {
            Some(tag) => res.push(HighlightedRange {
                range: child.text_range(),
                tag,
            }),
            None => walk(&child, text, kind, model, res),
        }
    }
}

fn token_tag(token: &SyntaxToken, parent: &SyntaxNode) -> Option<HighlightTag> {
    match token.kind() {
        SyntaxKind::COMMENT => Some(HighlightTag::Comment),
        SyntaxKind::DIRECTIVE_NAME => Some(HighlightTag::Directive),
        SyntaxKind::DOLLAR_REF => Some(HighlightTag::Param),
        // The 4.4 spellings and INCLUDE, written without `?`.
        SyntaxKind::WORD
            if parent.kind() == SyntaxKind::DIRECTIVE && is_first_word(parent, token) =>
        {
            Some(HighlightTag::Directive)
        }
        _ => None,
    }
}

fn node_tag(node: &SyntaxNode, kind: FileKind, model: &Model) -> Option<HighlightTag> {
    let tag = match node.kind() {
        SyntaxKind::ACTION_NAME => target(&ast::significant_text(node), node, kind, model)?,
        SyntaxKind::ZONE_REF => HighlightTag::Zone,
        SyntaxKind::INTERFACE_REF => HighlightTag::Interface,
        SyntaxKind::PROTO => HighlightTag::Protocol,
        SyntaxKind::PORT | SyntaxKind::PORT_RANGE | SyntaxKind::SERVER_PORT => HighlightTag::Port,
        SyntaxKind::ADDRESS | SyntaxKind::MAC_ADDRESS | SyntaxKind::IPSET_NAME => {
            HighlightTag::Address
        }
        SyntaxKind::LOG_LEVEL => HighlightTag::LogLevel,
        SyntaxKind::OPTION_NAME => HighlightTag::Option,
        SyntaxKind::ASSIGNMENT_NAME if kind == FileKind::Params => HighlightTag::Param,
        SyntaxKind::ASSIGNMENT_NAME if kind == FileKind::Conf => HighlightTag::Setting,
        _ => return None,
    };
    Some(tag)
}

fn is_first_word(directive: &SyntaxNode, token: &SyntaxToken) -> bool {
    directive
        .children_with_tokens()
        .filter_map(|it| it.into_token())
        .find(|it| !it.kind().is_trivia())
        .is_some_and(|it| it == *token)
}

fn target(
    text: &str,
    action_name: &SyntaxNode,
    kind: FileKind,
    model: &Model,
) -> Option<HighlightTag> {
    // The POLICY column of policy holds a policy, not an action (its default actions are).
    let is_policy = kind == FileKind::Policy
        && action_name
            .parent()
            .and_then(|it| it.parent())
            .is_some_and(|it| it.kind() == SyntaxKind::COLUMN);
    if is_policy {
        return Some(HighlightTag::BuiltinAction);
    }
    match classify_target(text, model)? {
        Name::Builtin(_) => Some(HighlightTag::BuiltinAction),
        Name::Action(_) => Some(HighlightTag::Action),
        Name::Macro(_) => Some(HighlightTag::Macro),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let path = fixture.cursor_file();
        let text = fixture.text(&path);
        let mut res = String::new();
        for it in analysis.highlight(&path) {
            let shown = text
                .get(usize::from(it.range.start())..usize::from(it.range.end()))
                .unwrap_or("");
            res.push_str(&format!("{:?} {shown:?}\n", it.tag));
        }
        expect.assert_eq(&res);
    }

    #[test]
    fn rules() {
        check(
            r#"#- actions
Mine inline
#- rules
?SECTION NEW
# a comment
SSH(ACCEPT):info net:2001:db8::/64 $FW tcp 22,1000:2000
Mine loc:eth0:[$ADMIN] all ipv6-icmp
"#,
            expect![[r##"
                Directive "?SECTION"
                Comment "# a comment"
                Macro "SSH"
                BuiltinAction "ACCEPT"
                LogLevel "info"
                Zone "net"
                Address "2001:db8::/64"
                Param "$FW"
                Protocol "tcp"
                Port "22"
                Port "1000:2000"
                Action "Mine"
                Zone "loc"
                Interface "eth0"
                Param "$ADMIN"
                Zone "all"
                Protocol "ipv6-icmp"
            "##]],
        );
    }

    #[test]
    fn other_files() {
        check(
            "#- policy\nnet all DROP:Broadcast info\n",
            expect![[r#"
                Zone "net"
                Zone "all"
                BuiltinAction "DROP"
                Action "Broadcast"
                LogLevel "info"
            "#]],
        );
        check(
            "#- shorewall6.conf\nLOG_LEVEL=$L\n",
            expect![[r#"
            Setting "LOG_LEVEL"
            Param "$L"
        "#]],
        );
        check(
            "#- interfaces\n?FORMAT 2\nnet eth0 dhcp,mss=1400\n",
            expect![[r#"
                Directive "?FORMAT"
                Zone "net"
                Interface "eth0"
                Option "dhcp"
                Option "mss"
            "#]],
        );
    }
}
