//! A small, lenient XML reader for the DocBook manpages under `docs/manpages/`.
//!
//! The manpages use a tiny part of XML (elements, attributes, the five predefined entities,
//! a DOCTYPE), so a reader of our own keeps the build free of a build-dependency.
//! It never fails: a stray close tag is ignored, an unclosed element ends at the end of the
//! file and an unknown entity is kept as written, so a damaged page degrades to odd text
//! instead of a broken build.

/// A node of the document tree.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

/// An element with its attributes and children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Node>,
}

impl Element {
    /// The value of attribute `name`, if present.
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The child elements, in order.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// All descendant elements (depth first, in document order) named `name`.
    pub(crate) fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Element>) {
        for element in self.elements() {
            if element.name == name {
                out.push(element);
            }
            element.descendants(name, out);
        }
    }

    /// The concatenated text of the element, as written (entities decoded).
    pub(crate) fn raw_text(&self) -> String {
        let mut out = String::new();
        collect_text(&self.children, &mut out);
        out
    }

    /// The text of the element with runs of whitespace collapsed to one space.
    pub(crate) fn text(&self) -> String {
        self.raw_text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element(element) => collect_text(&element.children, out),
        }
    }
}

/// Reads a document and returns its root element (a synthetic element named `#document`
/// whose children are the top-level nodes).
pub(crate) fn parse(input: &str) -> Element {
    let mut stack = vec![Element {
        name: "#document".to_string(),
        ..Element::default()
    }];
    let mut rest = input;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            push_text(&mut stack, after[..end].to_string());
            rest = after.get(end + 3..).unwrap_or("");
        } else if rest.starts_with("<!") {
            rest = skip_declaration(rest);
        } else if let Some(after) = rest.strip_prefix("<?") {
            rest = after.find("?>").map_or("", |end| &after[end + 2..]);
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            close(&mut stack, after[..end].trim());
            rest = after.get(end + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = tag_end(after);
            let tag = &after[..end];
            rest = after.get(end + 1..).unwrap_or("");
            let (tag, self_closing) = match tag.strip_suffix('/') {
                Some(tag) => (tag, true),
                None => (tag, false),
            };
            let element = open_tag(tag);
            if self_closing {
                push_node(&mut stack, Node::Element(element));
            } else {
                stack.push(element);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            push_text(&mut stack, decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        if let Some(element) = stack.pop() {
            push_node(&mut stack, Node::Element(element));
        }
    }
    stack.pop().unwrap_or_default()
}

/// Skips `<!DOCTYPE ...>`, including an internal subset in brackets.
fn skip_declaration(input: &str) -> &str {
    let mut depth = 0usize;
    for (index, ch) in input.char_indices() {
        match ch {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '>' if depth == 0 => return &input[index + 1..],
            _ => {}
        }
    }
    ""
}

/// The index of the `>` ending a start tag, ignoring `>` inside quoted attribute values.
fn tag_end(input: &str) -> usize {
    let mut quote = None;
    for (index, ch) in input.char_indices() {
        match (quote, ch) {
            (None, '"' | '\'') => quote = Some(ch),
            (Some(open), _) if ch == open => quote = None,
            (None, '>') => return index,
            _ => {}
        }
    }
    input.len()
}

fn open_tag(tag: &str) -> Element {
    let tag = tag.trim();
    let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
    let mut element = Element {
        name: tag[..name_end].to_string(),
        ..Element::default()
    };
    let mut rest = tag[name_end..].trim_start();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_string();
        let value_part = rest[eq + 1..].trim_start();
        let Some(quote) = value_part
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
        else {
            break;
        };
        let value_body = &value_part[1..];
        let end = value_body.find(quote).unwrap_or(value_body.len());
        element
            .attributes
            .push((key, decode_entities(&value_body[..end])));
        rest = value_body.get(end + 1..).unwrap_or("").trim_start();
    }
    element
}

fn close(stack: &mut Vec<Element>, name: &str) {
    // Close up to the matching open element; a close tag without one is ignored.
    let Some(position) = stack.iter().rposition(|element| element.name == name) else {
        return;
    };
    if position == 0 {
        return;
    }
    while stack.len() > position {
        if let Some(element) = stack.pop() {
            push_node(stack, Node::Element(element));
        }
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(previous)) = parent.children.last_mut() {
            previous.push_str(&text);
        } else {
            parent.children.push(Node::Text(text));
        }
    }
}

/// Decodes the predefined entities and character references; anything else is kept.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &after[..end];
            let ch = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|ch| (ch, end))
        });
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
