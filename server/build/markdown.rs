//! DocBook → Markdown for hover texts.
//!
//! Paragraphs become paragraphs, `<emphasis role="bold">` **bold**, `<replaceable>` and plain
//! `<emphasis>` *italic*, `<option>`/`<command>`/`<filename>` code spans,
//! `<programlisting>`/`<screen>` fenced code, `<variablelist>` entries a bullet per term with
//! the description indented under it, `<itemizedlist>`/`<simplelist>` bullets,
//! `<orderedlist>` numbers, admonitions block quotes, `<ulink>` its text.
//! An element without a rule here contributes its content (blocks if it has any, else text),
//! and its name is recorded so the build can report it.

use std::collections::{BTreeSet, HashMap};

use super::xml::{Element, Node};

/// Elements laid out as blocks.
const BLOCK_ELEMENTS: &[&str] = &[
    "para",
    "simpara",
    "formalpara",
    "variablelist",
    "itemizedlist",
    "orderedlist",
    "simplelist",
    "programlisting",
    "screen",
    "literallayout",
    "note",
    "warning",
    "important",
    "caution",
    "tip",
    "blockquote",
    "table",
    "informaltable",
    "cmdsynopsis",
    "title",
    "example",
    "informalexample",
    "refsect2",
    "refsect3",
    "section",
];

/// Inline elements rendered as their content, without markup.
const TRANSPARENT_INLINE: &[&str] = &[
    "ulink",
    "link",
    "arg",
    "returnvalue",
    "phrase",
    "acronym",
    "abbrev",
    "citerefentry",
    "refentrytitle",
    "manvolnum",
    "application",
    "trademark",
    "keycap",
    "superscript",
    "subscript",
];

/// Inline elements rendered as code spans.
const CODE_INLINE: &[&str] = &[
    "option",
    "command",
    "filename",
    "literal",
    "varname",
    "code",
    "userinput",
    "computeroutput",
    "envar",
    "constant",
    "parameter",
    "function",
    "systemitem",
];

// Emphasis is first written with private-use sentinels and turned into `*`/`**` once the
// whole paragraph is known, because whether a delimiter works depends on its neighbours.
const BOLD_OPEN: char = '\u{E000}';
const BOLD_CLOSE: char = '\u{E001}';
const ITALIC_OPEN: char = '\u{E002}';
const ITALIC_CLOSE: char = '\u{E003}';

/// A rendered block and whether it is a plain paragraph (which a list item may start with).
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) text: String,
    pub(crate) paragraph: bool,
}

/// How much of a `<variablelist>` is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reduction {
    /// Each term with the first sentence of its description.
    Brief,
    /// The terms on one line.
    Terms,
}

/// Renders DocBook elements to Markdown.
#[derive(Debug, Default)]
pub(crate) struct Renderer {
    /// Names of elements met that have no rule; their content was used.
    pub(crate) unknown: BTreeSet<String>,
    /// Render every `<variablelist>` as one line of its terms (for texts whose list entries
    /// have hovers of their own).
    pub(crate) summarize_lists: bool,
    /// How far each `<variablelist>` (by address) is reduced, to keep a long text short;
    /// lists not in the map are rendered in full.
    pub(crate) reduced: HashMap<*const Element, Reduction>,
    bold_depth: usize,
    italic_depth: usize,
}

impl Renderer {
    /// The blocks of a sequence of nodes: runs of inline content become paragraphs.
    pub(crate) fn flow(&mut self, nodes: &[Node]) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut run: Vec<&Node> = Vec::new();
        for node in nodes {
            match node {
                Node::Element(element) if self.is_block(element) => {
                    self.flush_paragraph(&mut run, &mut blocks);
                    blocks.extend(self.block(element));
                }
                _ => run.push(node),
            }
        }
        self.flush_paragraph(&mut run, &mut blocks);
        blocks
    }

    /// Joins blocks into Markdown text.
    pub(crate) fn join(blocks: &[Block]) -> String {
        blocks
            .iter()
            .map(|block| block.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The inline Markdown of a sequence of nodes as one paragraph line.
    pub(crate) fn paragraph(&mut self, nodes: &[&Node]) -> String {
        let raw = self.inline_nodes(nodes);
        let resolved = resolve_emphasis(&collapse_spaces(&raw));
        escape_line_start(collapse_spaces(&resolved).trim())
    }

    /// The inline Markdown of an element's content.
    pub(crate) fn inline_content(&mut self, element: &Element) -> String {
        let nodes: Vec<&Node> = element.children.iter().collect();
        self.paragraph(&nodes)
    }

    fn flush_paragraph(&mut self, run: &mut Vec<&Node>, blocks: &mut Vec<Block>) {
        if run.is_empty() {
            return;
        }
        let text = self.paragraph(run);
        run.clear();
        if !text.is_empty() {
            blocks.push(Block {
                text,
                paragraph: true,
            });
        }
    }

    fn is_block(&mut self, element: &Element) -> bool {
        let name = element.name.as_str();
        if BLOCK_ELEMENTS.contains(&name) {
            return true;
        }
        if is_known_inline(name) {
            return false;
        }
        contains_block(element)
    }

    fn block(&mut self, element: &Element) -> Vec<Block> {
        match element.name.as_str() {
            "para" | "simpara" | "formalpara" | "example" | "informalexample" | "refsect2"
            | "refsect3" | "section" => self.flow(&element.children),
            "title" => {
                let text = self.inline_content(element);
                if text.is_empty() {
                    Vec::new()
                } else {
                    vec![paragraph(format!("**{text}**"))]
                }
            }
            "variablelist" => self.variable_list(element),
            "itemizedlist" => element
                .elements()
                .filter(|item| item.name == "listitem")
                .filter_map(|item| {
                    let blocks = self.flow(&item.children);
                    list_item("- ", &blocks)
                })
                .collect(),
            "orderedlist" => element
                .elements()
                .filter(|item| item.name == "listitem")
                .enumerate()
                .filter_map(|(index, item)| {
                    let blocks = self.flow(&item.children);
                    list_item(&format!("{}. ", index + 1), &blocks)
                })
                .collect(),
            "simplelist" => {
                let items: Vec<String> = element
                    .elements()
                    .filter(|member| member.name == "member")
                    .map(|member| self.inline_content(member))
                    .filter(|text| !text.is_empty())
                    .map(|text| format!("- {text}"))
                    .collect();
                if items.is_empty() {
                    Vec::new()
                } else {
                    vec![other(items.join("\n"))]
                }
            }
            "programlisting" | "screen" | "literallayout" => code_block(&element.raw_text())
                .map(other)
                .into_iter()
                .collect(),
            "note" | "warning" | "important" | "caution" | "tip" => {
                let label = match element.name.as_str() {
                    "note" => "Note",
                    "warning" => "Warning",
                    "important" => "Important",
                    "caution" => "Caution",
                    _ => "Tip",
                };
                let mut blocks = self.flow(&element.children);
                match blocks.first_mut() {
                    Some(first) if first.paragraph => {
                        first.text = format!("**{label}:** {}", first.text);
                    }
                    _ => blocks.insert(0, paragraph(format!("**{label}:**"))),
                }
                vec![other(quote(&Self::join(&blocks)))]
            }
            "blockquote" => {
                let blocks = self.flow(&element.children);
                if blocks.is_empty() {
                    Vec::new()
                } else {
                    vec![other(quote(&Self::join(&blocks)))]
                }
            }
            "table" | "informaltable" => self.table(element),
            "cmdsynopsis" => {
                let text = code_span(&element.text());
                if text.is_empty() {
                    Vec::new()
                } else {
                    vec![paragraph(text)]
                }
            }
            name => {
                self.unknown.insert(name.to_string());
                self.flow(&element.children)
            }
        }
    }

    /// A `<variablelist>`: one bullet per entry, the term as code and the description under
    /// it (on the bullet's line when it starts with a paragraph).
    pub(crate) fn variable_list(&mut self, list: &Element) -> Vec<Block> {
        let entries: Vec<&Element> = list
            .elements()
            .filter(|entry| entry.name == "varlistentry")
            .collect();
        let reduction = if self.summarize_lists {
            Some(Reduction::Terms)
        } else {
            self.reduced.get(&(list as *const Element)).copied()
        };
        if reduction == Some(Reduction::Terms) {
            // A list of examples reduced to "Example 1:, Example 2:" says nothing: omit it.
            let examples = entries
                .iter()
                .all(|entry| entry_term(entry).starts_with("Example"));
            if examples {
                return Vec::new();
            }
            let terms: Vec<String> = entries
                .iter()
                .map(|entry| code_span(&entry_term(entry)))
                .filter(|term| !term.is_empty())
                .collect();
            if terms.is_empty() {
                return Vec::new();
            }
            return vec![paragraph(terms.join(", "))];
        }
        let brief = reduction == Some(Reduction::Brief);
        entries
            .iter()
            .filter_map(|entry| {
                let term = code_span(&entry_term(entry));
                let mut blocks = entry
                    .child("listitem")
                    .map(|item| self.flow(&item.children))
                    .unwrap_or_default();
                if brief {
                    blocks = brief_text(&blocks).map(paragraph).into_iter().collect();
                }
                match blocks.split_first() {
                    None if term.is_empty() => None,
                    None => Some(other(format!("- {term}"))),
                    Some((first, rest)) if first.paragraph && !term.is_empty() => {
                        let mut all = vec![paragraph(format!("{term} — {}", first.text))];
                        all.extend(rest.iter().cloned());
                        list_item("- ", &all)
                    }
                    Some(_) => {
                        let mut all = Vec::new();
                        if !term.is_empty() {
                            all.push(paragraph(term));
                        }
                        all.extend(blocks);
                        list_item("- ", &all)
                    }
                }
            })
            .collect()
    }

    fn table(&mut self, table: &Element) -> Vec<Block> {
        let mut blocks = Vec::new();
        if let Some(title) = table.child("title") {
            let text = self.inline_content(title);
            if !text.is_empty() {
                blocks.push(paragraph(format!("**{text}**")));
            }
        }
        let mut rows = Vec::new();
        table.descendants("row", &mut rows);
        let lines: Vec<String> = rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = row
                    .elements()
                    .filter(|cell| cell.name == "entry")
                    .map(|cell| self.inline_content(cell))
                    .collect();
                format!("- {}", cells.join(" — "))
            })
            .collect();
        if !lines.is_empty() {
            blocks.push(other(lines.join("\n")));
        }
        blocks
    }

    fn inline_node(&mut self, node: &Node) -> String {
        match node {
            Node::Text(text) => escape_text(&collapse_whitespace(text)),
            Node::Element(element) => self.inline_element(element),
        }
    }

    fn inline_children(&mut self, element: &Element) -> String {
        let nodes: Vec<&Node> = element.children.iter().collect();
        self.inline_nodes(&nodes)
    }

    /// Inline nodes in sequence; code elements that touch (`<option>i</option><option>cmp
    /// </option>`, a slip in one page) become one code span.
    fn inline_nodes(&mut self, nodes: &[&Node]) -> String {
        let mut out = String::new();
        let mut index = 0;
        while let Some(node) = nodes.get(index) {
            let run = nodes[index..]
                .iter()
                .take_while(|node| matches!(node, Node::Element(e) if is_code(e)))
                .count();
            if run > 1 {
                let merged = Element {
                    name: "literal".to_string(),
                    attributes: Vec::new(),
                    children: nodes[index..index + run]
                        .iter()
                        .map(|node| (*node).clone())
                        .collect(),
                };
                out.push_str(&self.inline_element(&merged));
                index += run;
            } else {
                out.push_str(&self.inline_node(node));
                index += 1;
            }
        }
        out
    }

    fn inline_element(&mut self, element: &Element) -> String {
        let name = element.name.as_str();
        match name {
            "emphasis" if matches!(element.attribute("role"), Some("bold" | "strong")) => {
                self.bold_depth += 1;
                let inner = self.inline_children(element);
                self.bold_depth -= 1;
                if self.bold_depth > 0 {
                    inner
                } else {
                    wrap(&inner, BOLD_OPEN, BOLD_CLOSE)
                }
            }
            "emphasis" | "replaceable" | "firstterm" | "citetitle" | "foreignphrase" => {
                self.italic_depth += 1;
                let inner = self.inline_children(element);
                self.italic_depth -= 1;
                if self.italic_depth > 0 {
                    inner
                } else {
                    wrap(&inner, ITALIC_OPEN, ITALIC_CLOSE)
                }
            }
            "quote" => format!("\"{}\"", self.inline_children(element)),
            "ulink" => {
                let inner = self.inline_children(element);
                if inner.trim().is_empty() {
                    escape_text(element.attribute("url").unwrap_or(""))
                } else {
                    inner
                }
            }
            "footnote" => {
                let blocks = self.flow(&element.children);
                let text: Vec<String> = blocks.into_iter().map(|block| block.text).collect();
                format!(" ({})", text.join(" "))
            }
            _ if CODE_INLINE.contains(&name) => {
                let text = element.text();
                let span = code_span(&text);
                // Keep the spaces around the element that the text had.
                let raw = element.raw_text();
                let lead = if raw.starts_with(char::is_whitespace) {
                    " "
                } else {
                    ""
                };
                let trail = if raw.ends_with(char::is_whitespace) && !text.is_empty() {
                    " "
                } else {
                    ""
                };
                format!("{lead}{span}{trail}")
            }
            _ => {
                if !TRANSPARENT_INLINE.contains(&name) {
                    self.unknown.insert(name.to_string());
                }
                self.inline_children(element)
            }
        }
    }
}

/// The text of a `<varlistentry>`'s term(s), whitespace-normalised.
pub(crate) fn entry_term(entry: &Element) -> String {
    entry
        .elements()
        .filter(|term| term.name == "term")
        .map(Element::text)
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` as an inline code span.
pub(crate) fn code_span(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// The gist of a description: its first sentence, with the notes before it ("Added in
/// Shorewall 4.5.17.", "IPv4 only.") that say when and where rather than what.
fn brief_text(blocks: &[Block]) -> Option<String> {
    let mut sentences: Vec<&str> = Vec::new();
    for block in blocks.iter().take_while(|block| block.paragraph) {
        let mut rest = block.text.as_str();
        while !rest.is_empty() {
            let sentence = first_sentence(rest);
            rest = rest[sentence.len()..].trim_start();
            sentences.push(sentence);
            let note = ["Added in", "IPv4 only", "IPv6 only"]
                .iter()
                .any(|prefix| sentence.starts_with(prefix));
            if !note {
                return Some(sentences.join(" "));
            }
        }
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

/// The first sentence of a paragraph: up to the first `. ` before a capital letter, unless
/// that would cut through emphasis or code.
fn first_sentence(text: &str) -> &str {
    let mut search = 0;
    while let Some(found) = text[search..].find(". ") {
        let end = search + found + 1;
        let next = text[end + 1..].chars().next();
        let head = &text[..end];
        let balanced = head.matches('`').count() % 2 == 0
            && head.replace("\\*", "").matches('*').count() % 2 == 0;
        if next.is_some_and(char::is_uppercase) && balanced {
            return head;
        }
        search = end;
    }
    text
}

fn is_code(element: &Element) -> bool {
    CODE_INLINE.contains(&element.name.as_str())
}

fn is_known_inline(name: &str) -> bool {
    matches!(
        name,
        "emphasis" | "replaceable" | "firstterm" | "citetitle" | "foreignphrase" | "quote"
    ) || name == "footnote"
        || TRANSPARENT_INLINE.contains(&name)
        || CODE_INLINE.contains(&name)
}

fn contains_block(element: &Element) -> bool {
    element
        .elements()
        .any(|child| BLOCK_ELEMENTS.contains(&child.name.as_str()) || contains_block(child))
}

fn paragraph(text: String) -> Block {
    Block {
        text,
        paragraph: true,
    }
}

fn other(text: String) -> Block {
    Block {
        text,
        paragraph: false,
    }
}

/// A list item: the marker before the first block, the rest indented under it.
fn list_item(marker: &str, blocks: &[Block]) -> Option<Block> {
    let indent = " ".repeat(marker.len());
    let body = Renderer::join(blocks);
    if body.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (index, line) in body.lines().enumerate() {
        if index == 0 {
            out.push_str(marker);
            out.push_str(line);
        } else {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
                out.push_str(line);
            }
        }
    }
    Some(other(out))
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                ">".to_string()
            } else {
                format!("> {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fenced code block of a listing, its common indentation removed.
fn code_block(raw: &str) -> Option<String> {
    let lines: Vec<String> = raw
        .replace('\t', "        ")
        .lines()
        .map(|line| line.trim_end().to_string())
        .collect();
    let first = lines.iter().position(|line| !line.is_empty())?;
    let last = lines.iter().rposition(|line| !line.is_empty())?;
    let lines = &lines[first..=last];
    let indent = lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let body: Vec<&str> = lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect();
    let body = body.join("\n");
    let fence = "`".repeat((longest_run(&body, '`') + 1).max(3));
    Some(format!("{fence}\n{body}\n{fence}"))
}

fn longest_run(text: &str, ch: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        if c == ch {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// Wraps inline content in sentinels, keeping its outer spaces outside them.
fn wrap(inner: &str, open: char, close: char) -> String {
    let core = inner.trim();
    if core.is_empty() {
        return if inner.is_empty() {
            String::new()
        } else {
            " ".to_string()
        };
    }
    let lead = if inner.starts_with(' ') { " " } else { "" };
    let trail = if inner.ends_with(' ') { " " } else { "" };
    format!("{lead}{open}{core}{close}{trail}")
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(ch);
            in_space = false;
        }
    }
    out
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(ch);
    }
    out
}

/// Escapes the characters Markdown would read as markup inside running text.
fn escape_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (index, &ch) in chars.iter().enumerate() {
        let previous = index.checked_sub(1).and_then(|i| chars.get(i)).copied();
        let next = chars.get(index + 1).copied();
        let escape = match ch {
            '\\' | '`' | '*' | '<' => true,
            // An underscore inside a word (`A_ACCEPT`) is not emphasis.
            '_' => {
                !(previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric))
            }
            // `[text](url)` would be a link.
            ']' => next == Some('('),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// Escapes a paragraph start Markdown would read as a heading, list, quote or rule.
fn escape_line_start(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next();
    let second = chars.next();
    match first {
        Some('#' | '>' | '=' | '|' | '~') => format!("\\{text}"),
        Some('-' | '+') if second.is_none() || second == Some(' ') => format!("\\{text}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = text.chars().take_while(char::is_ascii_digit).count();
            let rest = &text[digits..];
            if (rest.starts_with(". ") || rest.starts_with(") ")) && digits < 10 {
                format!("{}\\{}", &text[..digits], rest)
            } else {
                text.to_string()
            }
        }
        _ => text.to_string(),
    }
}

fn is_sentinel(ch: char) -> bool {
    matches!(ch, BOLD_OPEN | BOLD_CLOSE | ITALIC_OPEN | ITALIC_CLOSE)
}

/// Replaces emphasis sentinels by `**`/`*` where CommonMark will read them as delimiters, and
/// drops the pair otherwise (the text stays, unemphasised).
fn resolve_emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Pair the sentinels.
    let mut partner = vec![usize::MAX; chars.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (index, &ch) in chars.iter().enumerate() {
        match ch {
            BOLD_OPEN | ITALIC_OPEN => stack.push(index),
            BOLD_CLOSE | ITALIC_CLOSE => {
                if let Some(open) = stack.pop() {
                    partner[open] = index;
                    partner[index] = open;
                }
            }
            _ => {}
        }
    }
    // Decide outer pairs first; a dropped sentinel no longer counts as a neighbour, so an
    // inner pair crowded by its outer one can still be kept.
    let mut state = vec![Decision::Undecided; chars.len()];
    for (index, &ch) in chars.iter().enumerate() {
        if is_sentinel(ch) && partner[index] == usize::MAX {
            state[index] = Decision::Drop;
        }
    }
    for open in 0..chars.len() {
        if !matches!(chars[open], BOLD_OPEN | ITALIC_OPEN) || state[open] != Decision::Undecided {
            continue;
        }
        let close = partner[open];
        let before = neighbour(&chars, &state, open, Direction::Back);
        let first = neighbour(&chars, &state, open, Direction::Forward);
        let last = neighbour(&chars, &state, close, Direction::Back);
        let after = neighbour(&chars, &state, close, Direction::Forward);
        // Delimiters next to other delimiters merge into ambiguous runs.
        let crowded = [before, first, last, after]
            .iter()
            .any(|c| c.is_some_and(is_sentinel));
        let opens = match first {
            Some(f) if !f.is_whitespace() => {
                !is_punctuation(f) || before.is_none_or(|b| b.is_whitespace() || is_punctuation(b))
            }
            _ => false,
        };
        let closes = match last {
            Some(l) if !l.is_whitespace() => {
                !is_punctuation(l) || after.is_none_or(|a| a.is_whitespace() || is_punctuation(a))
            }
            _ => false,
        };
        let decision = if opens && closes && !crowded {
            Decision::Keep
        } else {
            Decision::Drop
        };
        state[open] = decision;
        state[close] = decision;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (index, &ch) in chars.iter().enumerate() {
        match ch {
            BOLD_OPEN | BOLD_CLOSE if state[index] == Decision::Keep => out.push_str("**"),
            ITALIC_OPEN | ITALIC_CLOSE if state[index] == Decision::Keep => out.push('*'),
            c if is_sentinel(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Undecided,
    Keep,
    Drop,
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    Back,
    Forward,
}

/// The character next to `index`, skipping dropped sentinels.
fn neighbour(
    chars: &[char],
    state: &[Decision],
    index: usize,
    direction: Direction,
) -> Option<char> {
    let mut at = index;
    loop {
        at = match direction {
            Direction::Back => at.checked_sub(1)?,
            Direction::Forward => at + 1,
        };
        let ch = *chars.get(at)?;
        if !(is_sentinel(ch) && state.get(at) == Some(&Decision::Drop)) {
            return Some(ch);
        }
    }
}

fn is_punctuation(ch: char) -> bool {
    ch.is_ascii_punctuation() || (!ch.is_alphanumeric() && !ch.is_whitespace())
}
