//! Turns the project's copy of the Shorewall 5 manpages (`docs/manpages/*.xml`, DocBook) into
//! Markdown hover texts, written as Rust source to `$OUT_DIR/manpages.rs` and included by
//! `src/manpages.rs`.
//!
//! What is extracted, and from where, is described in `docs/hover.md`.
//! Every text ends with an attribution line naming its manpage and licence.

#[path = "build/markdown.rs"]
mod markdown;
#[path = "build/xml.rs"]
mod xml;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use markdown::{code_span, entry_term, Block, Reduction, Renderer};
use xml::{Element, Node};

/// Where the manpages are, relative to `CARGO_MANIFEST_DIR`.
const MANPAGES_DIR: &str = "../docs/manpages";

/// Pages documenting a column file: their column entries become column hovers and their
/// Description a file hover. The id is the file name without `shorewall-` and `.xml`.
const COLUMN_PAGES: &[&str] = &[
    "accounting",
    "actions",
    "arprules",
    "blrules",
    "conntrack",
    "ecn",
    "hosts",
    "interfaces",
    "maclist",
    "mangle",
    "masq",
    "nat",
    "netmap",
    "policy",
    "providers",
    "proxyarp",
    "proxyndp",
    "routes",
    "rtrules",
    "rules",
    "secmarks",
    "snat",
    "stoppedrules",
    "tcclasses",
    "tcdevices",
    "tcfilters",
    "tcinterfaces",
    "tcpri",
    "tunnels",
    "zones",
];

/// Pages without columns whose Description is a file hover.
const DESCRIPTION_ONLY_PAGES: &[&str] = &["params", "conf"];

/// Column entries whose nested lists have hovers of their own (actions, policies, zone
/// types, options): their column text gives each name with the first sentence of its
/// entry only (or just the names, when that is still too long).
const SUMMARIZED_COLUMNS: &[(&str, &str)] = &[
    ("rules", "ACTION"),
    ("blrules", "ACTION"),
    ("policy", "POLICY"),
    ("zones", "TYPE"),
    ("zones", "OPTIONS"),
    ("interfaces", "OPTIONS"),
    ("hosts", "OPTIONS"),
];

/// The categories of texts keyed by name; each becomes a `generated_<category>` function and
/// a `<CATEGORY>_NAMES` list, even when empty, so `src/manpages.rs` always compiles.
const CATEGORIES: &[&str] = &[
    "action",
    "section",
    "policy",
    "zone_type",
    "zone_option",
    "interface_option",
    "host_option",
    "conf_option",
    "log_level",
];

/// The longest description of an entry, in bytes of Markdown (header and attribution
/// excluded), before its nested lists are reduced to their terms.
const BUDGET: usize = 4500;

/// One manpage.
struct Page {
    id: String,
    /// `shorewall-rules(5)`.
    citation: String,
    root: Element,
}

impl Page {
    fn attribution(&self) -> String {
        format!("*From {}, Shorewall 5, GPL-2.0-or-later.*", self.citation)
    }

    /// The top-level section titled `title` (case-insensitive).
    fn section(&self, title: &str) -> Option<&Element> {
        let mut sections = Vec::new();
        self.root.descendants("refsect1", &mut sections);
        sections.into_iter().find(|section| {
            section
                .child("title")
                .is_some_and(|t| t.text().eq_ignore_ascii_case(title))
        })
    }

    /// The variablelists of the columns: the last run of lists directly in the Description
    /// (secmarks splits its columns over two lists; rules has its sections list earlier).
    fn column_lists(&self) -> Vec<&Element> {
        let Some(description) = self.section("Description") else {
            return Vec::new();
        };
        let mut lists = Vec::new();
        for node in description.children.iter().rev() {
            match node {
                Node::Text(text) if text.trim().is_empty() => {}
                Node::Element(element) if element.name == "variablelist" => lists.push(element),
                _ if lists.is_empty() => {}
                _ => break,
            }
        }
        lists.reverse();
        lists
    }

    /// The column entry named `column`.
    fn column_entry(&self, column: &str) -> Option<&Element> {
        self.column_lists().into_iter().find_map(|list| {
            list.elements().find(|entry| {
                entry.name == "varlistentry"
                    && column_names(&entry_term(entry))
                        .iter()
                        .any(|name| name == column)
            })
        })
    }
}

/// The generated texts, by category and key, in manpage order.
#[derive(Default)]
struct Generated {
    /// `(page, COLUMN)` → text.
    columns: Vec<((String, String), String)>,
    descriptions: Vec<(String, String)>,
    categories: BTreeMap<&'static str, Vec<(String, String)>>,
    conf_values: Vec<(String, Vec<String>)>,
}

impl Generated {
    fn add(&mut self, category: &'static str, key: &str, text: String) {
        let entries = self.categories.entry(category).or_default();
        match entries.iter_mut().find(|(existing, _)| existing == key) {
            // A key documented twice (e.g. `nets=` in two forms) gets both texts.
            Some((_, previous)) => merge_texts(previous, &text),
            None => entries.push((key.to_string(), text)),
        }
    }
}

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest_dir.join(MANPAGES_DIR);
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());

    let mut renderer = Renderer::default();
    let mut generated = Generated::default();
    let pages = read_pages(&dir);

    for page in pages.values() {
        if COLUMN_PAGES.contains(&page.id.as_str()) {
            columns(page, &mut renderer, &mut generated);
            description(page, &mut renderer, &mut generated);
        } else if DESCRIPTION_ONLY_PAGES.contains(&page.id.as_str()) {
            description(page, &mut renderer, &mut generated);
        }
    }
    for id in COLUMN_PAGES.iter().chain(DESCRIPTION_ONLY_PAGES) {
        if !pages.contains_key(*id) {
            println!("cargo:warning=manpage shorewall-{id}.xml is missing");
        }
    }
    if let Some(rules) = pages.get("rules") {
        sections(rules, &mut renderer, &mut generated);
        actions(rules, &mut renderer, &mut generated);
    }
    if let Some(blrules) = pages.get("blrules") {
        actions(blrules, &mut renderer, &mut generated);
    }
    if let Some(policy) = pages.get("policy") {
        column_entries(policy, "POLICY", "policy", &mut renderer, &mut generated);
    }
    if let Some(zones) = pages.get("zones") {
        zone_types(zones, &mut renderer, &mut generated);
        column_entries(
            zones,
            "OPTIONS",
            "zone_option",
            &mut renderer,
            &mut generated,
        );
    }
    if let Some(interfaces) = pages.get("interfaces") {
        column_entries(
            interfaces,
            "OPTIONS",
            "interface_option",
            &mut renderer,
            &mut generated,
        );
    }
    if let Some(hosts) = pages.get("hosts") {
        column_entries(
            hosts,
            "OPTIONS",
            "host_option",
            &mut renderer,
            &mut generated,
        );
    }
    if let Some(conf) = pages.get("conf") {
        conf_options(conf, &mut renderer, &mut generated);
    }
    if let Some(logging) = pages.get("logging") {
        log_levels(logging, pages.get("rules"), &mut renderer, &mut generated);
    }

    for name in &renderer.unknown {
        println!("cargo:warning=manpages: no Markdown rule for <{name}>, used its content");
    }
    let code = generate_code(&generated);
    let target = out_dir.join("manpages.rs");
    if let Err(error) = fs::write(&target, code) {
        // src/manpages.rs includes this file: without it there is nothing to build.
        panic!("cannot write {}: {error}", target.display());
    }
}

/// Reads every Shorewall 5 page (`shorewall-*.xml`, `shorewall.conf.xml`) of `dir`.
fn read_pages(dir: &Path) -> BTreeMap<String, Page> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut pages = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        println!(
            "cargo:warning=no manpages at {}; hover texts are empty",
            dir.display()
        );
        return pages;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".xml") else {
            continue;
        };
        let id = match stem {
            "shorewall.conf" => "conf".to_string(),
            _ => match stem.strip_prefix("shorewall-") {
                Some(id) => id.to_string(),
                // The Shorewall 4.4 rules page is kept for reference only (see README.md).
                None => continue,
            },
        };
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(text) = fs::read_to_string(&path) else {
            println!("cargo:warning=cannot read {}", path.display());
            continue;
        };
        let root = xml::parse(&text);
        let title = find(&root, "refentrytitle").map_or_else(|| stem.to_string(), Element::text);
        let volume = find(&root, "manvolnum").map_or_else(|| "5".to_string(), Element::text);
        pages.insert(
            id.clone(),
            Page {
                id,
                citation: format!("{title}({volume})"),
                root,
            },
        );
    }
    pages
}

fn find<'a>(root: &'a Element, name: &'a str) -> Option<&'a Element> {
    let mut found = Vec::new();
    root.descendants(name, &mut found);
    found.into_iter().next()
}

/// The Markdown of a list entry: its term as code, then its description. A description over
/// [`BUDGET`] has its nested lists reduced to their terms, the biggest innermost list first,
/// until it fits.
fn entry_text(
    page: &Page,
    entry: &Element,
    body: &Element,
    renderer: &mut Renderer,
    summarize: bool,
) -> String {
    let header = code_span(&entry_term(entry));
    let Some(item) = body.child("listitem") else {
        return finish(Some(header), "", page);
    };
    renderer.reduced.clear();
    let mut lists = Vec::new();
    item.descendants("variablelist", &mut lists);
    if summarize {
        for list in &lists {
            renderer
                .reduced
                .insert(*list as *const Element, Reduction::Brief);
        }
    }
    let mut text = Renderer::join(&renderer.flow(&item.children));
    while text.len() > BUDGET {
        let Some((list, reduction)) = next_reduction(&lists, renderer, text.len() - BUDGET) else {
            break;
        };
        renderer.reduced.insert(list as *const Element, reduction);
        text = Renderer::join(&renderer.flow(&item.children));
    }
    renderer.reduced.clear();
    finish(Some(header), &text, page)
}

/// The next reduction of a text `excess` bytes too long: which list, to what. Only visible
/// lists (not inside a reduced one) whose visible inner lists are already reduced qualify, so
/// innermost lists go first. A list's brief form is preferred to its terms while it saves at
/// least half as much. The last step in the text that removes the excess is taken (pages go
/// from definitions to examples), else the biggest.
fn next_reduction<'a>(
    lists: &[&'a Element],
    renderer: &mut Renderer,
    excess: usize,
) -> Option<(&'a Element, Reduction)> {
    let level = |renderer: &Renderer, list: &Element| {
        renderer.reduced.get(&(list as *const Element)).copied()
    };
    let hidden = |renderer: &Renderer, list: &Element| {
        lists.iter().any(|outer| {
            level(renderer, outer).is_some()
                && lists_in(outer)
                    .iter()
                    .any(|inner| std::ptr::eq(*inner, list))
        })
    };
    let mut steps: Vec<(usize, &Element, Reduction)> = Vec::new();
    for list in lists {
        let current = level(renderer, list);
        if current == Some(Reduction::Terms) || hidden(renderer, list) {
            continue;
        }
        let inner_done = current.is_some()
            || lists_in(list)
                .iter()
                .all(|inner| level(renderer, inner).is_some() || hidden(renderer, inner));
        if !inner_done {
            continue;
        }
        let key = *list as *const Element;
        let size = Renderer::join(&renderer.variable_list(list)).len();
        let mut saving = |reduction: Reduction| {
            renderer.reduced.insert(key, reduction);
            let reduced = Renderer::join(&renderer.variable_list(list)).len();
            match current {
                Some(current) => renderer.reduced.insert(key, current),
                None => renderer.reduced.remove(&key),
            };
            size.saturating_sub(reduced)
        };
        let terms = saving(Reduction::Terms);
        let step = match current {
            None => {
                let brief = saving(Reduction::Brief);
                if brief * 2 >= terms {
                    (brief, Reduction::Brief)
                } else {
                    (terms, Reduction::Terms)
                }
            }
            Some(_) => (terms, Reduction::Terms),
        };
        if step.0 > 0 {
            steps.push((step.0, list, step.1));
        }
    }
    // Pages go from definitions to examples: of the steps that are enough, the last.
    let enough = steps.iter().rev().find(|(saving, _, _)| *saving >= excess);
    enough
        .or_else(|| steps.iter().max_by_key(|(saving, _, _)| *saving))
        .map(|(_, list, reduction)| (*list, *reduction))
}

/// The variablelists inside `element`.
fn lists_in(element: &Element) -> Vec<&Element> {
    let mut lists = Vec::new();
    element.descendants("variablelist", &mut lists);
    lists
}

/// Header, body and attribution, separated by blank lines.
fn finish(header: Option<String>, body: &str, page: &Page) -> String {
    let mut parts = Vec::new();
    if let Some(header) = header.filter(|header| !header.is_empty()) {
        parts.push(header);
    }
    if !body.is_empty() {
        parts.push(body.to_string());
    }
    parts.push(page.attribution());
    parts.join("\n\n")
}

/// Appends the body of `text` (without its attribution) to `previous`, before its
/// attribution, so one key can have two entries.
fn merge_texts(previous: &mut String, text: &str) {
    let (body, attribution) = match previous.rfind("\n\n*From ") {
        Some(at) => (previous[..at].to_string(), previous[at..].to_string()),
        None => (previous.clone(), String::new()),
    };
    let addition = match text.rfind("\n\n*From ") {
        Some(at) => &text[..at],
        None => text,
    };
    *previous = format!("{body}\n\n---\n\n{addition}{attribution}");
}

/// The entries of a variablelist, each with the entry that holds its description: an entry
/// with an empty description shares the next described one (DocBook's way of documenting
/// several terms together, as `ACCEPT_DEFAULT` ... `REJECT_DEFAULT` in shorewall.conf).
fn entries_with_bodies(list: &Element) -> Vec<(&Element, &Element)> {
    let entries: Vec<&Element> = list
        .elements()
        .filter(|entry| entry.name == "varlistentry")
        .collect();
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let body = entries[index..]
                .iter()
                .find(|candidate| has_description(candidate))
                .unwrap_or(entry);
            (*entry, *body)
        })
        .collect()
}

fn has_description(entry: &Element) -> bool {
    entry
        .child("listitem")
        .is_some_and(|item| !item.text().is_empty())
}

/// The column names a column entry's term gives: `DPORT - ...` → `DPORT`;
/// `HOST(S)` → `HOST`, `HOSTS`; `GATEWAY ZONES (gateway_zone or gateway_zones)` →
/// `GATEWAY_ZONES`, `GATEWAY_ZONE`; `OPTIONS, IN OPTIONS and OUT OPTIONS` → `OPTIONS`,
/// `IN_OPTIONS`, `OUT_OPTIONS`; `INTERFACE:DEST` → also `INTERFACE`.
fn column_names(term: &str) -> Vec<String> {
    let term = term.replace(" and ", ", ");
    let term = term.as_str();
    let prefix_end = column_phrase_end(term);
    let phrase = term[..prefix_end].trim_end_matches([' ', '-']);
    let mut names = Vec::new();
    for part in phrase.split(',') {
        let name = part.trim().replace(' ', "_");
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        match name.strip_suffix("(S)") {
            Some(stem) => {
                names.push(stem.to_string());
                names.push(format!("{stem}S"));
            }
            None => names.push(name.clone()),
        }
        if let Some((first, _)) = name.split_once(':') {
            names.push(first.to_string());
        }
    }
    // Lower-case alternate names in parentheses: `(gateway or gateways)`, `(in_bandwidth)`.
    let rest = term[prefix_end..].trim_start();
    if let Some(inner) = rest
        .strip_prefix('(')
        .and_then(|inner| inner.split_once(')'))
        .map(|(inner, _)| inner)
    {
        let keys: Vec<&str> = inner
            .split(',')
            .flat_map(|part| part.split(" or "))
            .map(str::trim)
            .collect();
        let all_keys = keys.iter().all(|key| {
            key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        if all_keys {
            names.extend(keys.iter().map(|key| key.to_ascii_uppercase()));
        }
    }
    let mut unique = Vec::new();
    for name in names {
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    unique
}

/// Where the column names at the start of a term end: before ` - `, `‒`, a bracket, a
/// parenthesis other than `(S)`, or a lower-case word.
fn column_phrase_end(term: &str) -> usize {
    let chars: Vec<(usize, char)> = term.char_indices().collect();
    for (position, &(index, ch)) in chars.iter().enumerate() {
        let next = chars.get(position + 1).map(|(_, c)| *c);
        let stop = match ch {
            '(' => !term[index..].starts_with("(S)"),
            '-' => next.is_none_or(char::is_whitespace),
            '‒' | '{' | '[' | '$' => true,
            c => c.is_lowercase(),
        };
        if stop {
            return index;
        }
    }
    term.len()
}

/// The column titles a term starts with, as written: `HOST(S)`; `OPTIONS`, `IN OPTIONS`,
/// `OUT OPTIONS`.
fn column_titles(term: &str) -> Vec<String> {
    let term = term.replace(" and ", ", ");
    let end = column_phrase_end(&term);
    term[..end]
        .trim_end_matches([' ', '-'])
        .split(',')
        .map(str::trim)
        .filter(|title| title.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect()
}

/// Every column entry of a page, under each of its names; names documented by several
/// entries (conntrack's SOURCE for formats 1–3) get all of them.
fn columns(page: &Page, renderer: &mut Renderer, generated: &mut Generated) {
    let mut by_name: Vec<(String, String)> = Vec::new();
    let lists = page.column_lists();
    for (entry, body) in lists.iter().flat_map(|list| entries_with_bodies(list)) {
        let names = column_names(&entry_term(entry));
        let summarize = names
            .iter()
            .any(|name| SUMMARIZED_COLUMNS.contains(&(page.id.as_str(), name.as_str())));
        let text = entry_text(page, entry, body, renderer, summarize);
        for name in names {
            match by_name.iter_mut().find(|(existing, _)| *existing == name) {
                Some((_, previous)) => merge_texts(previous, &text),
                None => by_name.push((name, text.clone())),
            }
        }
    }
    for (name, text) in by_name {
        generated.columns.push(((page.id.clone(), name), text));
    }
}

/// The Description of a page: its purpose, its text (nested lists as their terms) and the
/// list of its columns.
fn description(page: &Page, renderer: &mut Renderer, generated: &mut Generated) {
    let Some(section) = page.section("Description") else {
        return;
    };
    let column_lists = if page.id == "conf" {
        Vec::new()
    } else {
        page.column_lists()
    };
    let header = match (find(&page.root, "refname"), find(&page.root, "refpurpose")) {
        (Some(name), Some(purpose)) => Some(format!(
            "**{}** — {}",
            name.text(),
            renderer.inline_content(purpose)
        )),
        _ => None,
    };
    renderer.summarize_lists = true;
    let mut columns_listed = false;
    let mut blocks: Vec<Block> = Vec::new();
    let mut run: Vec<Node> = Vec::new();
    for node in &section.children {
        match node {
            Node::Element(element) if element.name == "title" => {}
            Node::Element(element)
                if column_lists.iter().any(|list| std::ptr::eq(*list, element)) =>
            {
                // One line naming the columns, where the (first) list of columns was.
                if columns_listed {
                    continue;
                }
                columns_listed = true;
                blocks.extend(renderer.flow(&run));
                run.clear();
                let mut titles: Vec<String> = Vec::new();
                for entry in column_lists.iter().flat_map(|list| list.elements()) {
                    for title in column_titles(&entry_term(entry)) {
                        let title = code_span(&title);
                        if !titles.contains(&title) {
                            titles.push(title);
                        }
                    }
                }
                if !titles.is_empty() {
                    blocks.push(Block {
                        text: format!("Columns: {}.", titles.join(", ")),
                        paragraph: true,
                    });
                }
            }
            node => run.push(node.clone()),
        }
    }
    blocks.extend(renderer.flow(&run));
    renderer.summarize_lists = false;
    let text = finish(header, &Renderer::join(&blocks), page);
    generated.descriptions.push((page.id.clone(), text));
}

/// The rules sections: the first list of the rules page's Description (ALL ... NEW).
fn sections(page: &Page, renderer: &mut Renderer, generated: &mut Generated) {
    let Some(list) = page
        .section("Description")
        .and_then(|section| section.child("variablelist"))
    else {
        return;
    };
    for (entry, body) in entries_with_bodies(list) {
        let name = entry_term(entry);
        let text = entry_text(page, entry, body, renderer, false);
        generated.add("section", &name, text);
    }
}

/// The nested list of the column entry named `column` (`ACTION`, `POLICY`, `OPTIONS`, ...).
fn nested_list<'a>(page: &'a Page, column: &str) -> Option<&'a Element> {
    let entry = page.column_entry(column)?;
    entry.child("listitem")?.child("variablelist")
}

/// The built-in actions of the ACTION column: each entry under the names its term gives
/// (`A_DROP and A_DROP!` → both). Placeholders (`action`, `macro`) are not in bold and are
/// skipped. The rules page comes first; blrules adds what it alone documents.
fn actions(page: &Page, renderer: &mut Renderer, generated: &mut Generated) {
    let Some(list) = nested_list(page, "ACTION") else {
        return;
    };
    for (entry, body) in entries_with_bodies(list) {
        let Some(term) = entry.child("term") else {
            continue;
        };
        if !starts_bold(term) {
            continue;
        }
        let names = action_names(&term.text());
        let known = generated.categories.get("action");
        let new_names: Vec<String> = names
            .into_iter()
            .filter(|name| known.is_none_or(|known| known.iter().all(|(key, _)| key != name)))
            .collect();
        if new_names.is_empty() {
            continue;
        }
        let text = entry_text(page, entry, body, renderer, false);
        for name in new_names {
            generated.add("action", &name, text.clone());
        }
    }
}

/// Whether the first text of an element is inside `<emphasis role="bold">`.
fn starts_bold(element: &Element) -> bool {
    fn first_text_bold(nodes: &[Node], bold: bool) -> Option<bool> {
        for node in nodes {
            match node {
                Node::Text(text) if text.trim().is_empty() => {}
                Node::Text(_) => return Some(bold),
                Node::Element(element) => {
                    let here = bold
                        || (element.name == "emphasis"
                            && element.attribute("role") == Some("bold"));
                    if let Some(result) = first_text_bold(&element.children, here) {
                        return Some(result);
                    }
                }
            }
        }
        None
    }
    first_text_bold(&element.children, false).unwrap_or(false)
}

/// The action names a term documents: `A_ACCEPT, A_ACCEPT+ and A_ACCEPT!`, `NFQUEUE![(...)]`,
/// `ACCEPT|CONTINUE|WHITELIST`, `LOG:level`, `?COMMENT` (also `COMMENT`, its 4.4 spelling).
fn action_names(term: &str) -> Vec<String> {
    let mut names = Vec::new();
    for piece in split_top_level(term, &['|', ','])
        .iter()
        .flat_map(|part| part.split(" and "))
        .flat_map(|part| part.split(" AND "))
    {
        let piece = piece.trim();
        let name_len = piece
            .char_indices()
            .find(|&(index, c)| {
                !(c.is_ascii_alphanumeric() || c == '_' || (index == 0 && c == '?'))
            })
            .map_or(piece.len(), |(index, _)| index);
        let mut name = piece[..name_len].to_string();
        if let Some(suffix) = piece[name_len..]
            .chars()
            .next()
            .filter(|c| matches!(c, '!' | '+' | '-'))
        {
            name.push(suffix);
        }
        if name.is_empty() || name == "?" {
            continue;
        }
        // The 5.1 page spells CONNMARK's entry `CONMARK(...)`; its text says CONNMARK.
        if name == "CONMARK" {
            name = "CONNMARK".to_string();
        }
        if let Some(bare) = name.strip_prefix('?') {
            names.push(bare.to_string());
        }
        names.push(name);
    }
    names
}

/// `text` split at `separators` outside brackets and parentheses.
fn split_top_level<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (index, ch) in text.char_indices() {
        match ch {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth -= 1,
            c if depth == 0 && separators.contains(&c) => {
                parts.push(&text[start..index]);
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Each entry of a column's nested list (policies, zone/interface/host options), keyed by the
/// name its term starts with (`routeback[={0|1}]` → `routeback`).
fn column_entries(
    page: &Page,
    column: &str,
    category: &'static str,
    renderer: &mut Renderer,
    generated: &mut Generated,
) {
    let Some(list) = nested_list(page, column) else {
        return;
    };
    for (entry, body) in entries_with_bodies(list) {
        let term = entry_term(entry);
        let name: String = term
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if name.is_empty() {
            continue;
        }
        let text = entry_text(page, entry, body, renderer, false);
        generated.add(category, &name, text);
    }
}

/// The zone types, with the family-specific spellings each entry names (`ip` is also `ipv4`
/// and `ipv6`).
fn zone_types(page: &Page, renderer: &mut Renderer, generated: &mut Generated) {
    let Some(list) = nested_list(page, "TYPE") else {
        return;
    };
    for (entry, body) in entries_with_bodies(list) {
        let name = entry_term(entry);
        let text = entry_text(page, entry, body, renderer, false);
        generated.add("zone_type", &name, text.clone());
        let mut options = Vec::new();
        if let Some(item) = body.child("listitem") {
            item.descendants("option", &mut options);
        }
        for option in options {
            let alias = option.text();
            if alias != name && alias.starts_with(&name) {
                generated.add("zone_type", &alias, text.clone());
            }
        }
    }
}

/// shorewall.conf settings: the list of the OPTIONS section, keyed by the name before `=`,
/// with the literal values their term lists (`[Yes|No]`, `[filter|mangle]`).
fn conf_options(page: &Page, renderer: &mut Renderer, generated: &mut Generated) {
    let Some(list) = page
        .section("OPTIONS")
        .and_then(|section| section.child("variablelist"))
    else {
        return;
    };
    for (entry, body) in entries_with_bodies(list) {
        let term = entry_term(entry);
        let Some((name, spec)) = term.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let text = entry_text(page, entry, body, renderer, false);
        generated.add("conf_option", name, text);
        let mut placeholders = Vec::new();
        if let Some(term) = entry.child("term") {
            collect_placeholders(term, &mut placeholders);
        }
        let values = conf_values(spec, &placeholders);
        if !values.is_empty() {
            generated.conf_values.push((name.to_string(), values));
        }
    }
}

/// Texts in `<replaceable>` or non-bold `<emphasis>`: placeholders, not literal values.
fn collect_placeholders(element: &Element, out: &mut Vec<String>) {
    for child in element.elements() {
        let placeholder = child.name == "replaceable"
            || (child.name == "emphasis" && child.attribute("role") != Some("bold"));
        if placeholder {
            out.push(child.text());
        } else {
            collect_placeholders(child, out);
        }
    }
}

/// The literal alternatives of a value syntax: `[Yes|No]` → `Yes`, `No`;
/// `[pathname|systemd]` → `systemd` (`pathname` is a placeholder).
fn conf_values(spec: &str, placeholders: &[String]) -> Vec<String> {
    let mut spec = spec.trim();
    loop {
        let stripped = strip_enclosing(spec, '[', ']').or_else(|| strip_enclosing(spec, '{', '}'));
        match stripped {
            Some(inner) => spec = inner,
            None => break,
        }
    }
    let mut values = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (index, ch) in spec
        .char_indices()
        .chain(std::iter::once((spec.len(), '|')))
    {
        match ch {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth -= 1,
            '|' if depth == 0 => {
                let value = spec[start..index].trim();
                let literal = value == "-"
                    || (value.starts_with(|c: char| c.is_ascii_alphanumeric())
                        && value
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')));
                if literal && !placeholders.iter().any(|p| p == value) {
                    values.push(value.to_string());
                }
                start = index + 1;
            }
            _ => {}
        }
    }
    values
}

/// `inner` if `text` is `open inner close` with the brackets matching each other.
fn strip_enclosing(text: &str, open: char, close: char) -> Option<&str> {
    let inner = text.strip_prefix(open)?.strip_suffix(close)?;
    let mut depth = 0i32;
    for ch in inner.chars() {
        match ch {
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    (depth == 0).then_some(inner)
}

/// Log levels: the syslog levels (by name and number) from shorewall-logging's Syslog Levels
/// section, NFLOG from its ulogd section, ULOG and `none` from the rules page's ACTION column.
fn log_levels(
    logging: &Page,
    rules: Option<&Page>,
    renderer: &mut Renderer,
    generated: &mut Generated,
) {
    if let Some(section) = logging.section("Syslog Levels") {
        let children = &section.children;
        let list_index = children.iter().position(
            |node| matches!(node, Node::Element(element) if element.name == "simplelist"),
        );
        if let Some(Node::Element(list)) = list_index.and_then(|index| children.get(index)) {
            let after = list_index.map_or(&children[..0], |index| &children[index + 1..]);
            let common = Renderer::join(&renderer.flow(after));
            for member in list.elements().filter(|member| member.name == "member") {
                let line = renderer.inline_content(member);
                let text = finish(Some(line), &common, logging);
                let mut bold = Vec::new();
                member.descendants("emphasis", &mut bold);
                if let Some(name) = bold.first().map(|emphasis| emphasis.text()) {
                    generated.add("log_level", &name, text.clone());
                }
                let number: String = member
                    .text()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if !number.is_empty() {
                    generated.add("log_level", &number, text);
                }
            }
        }
    }
    if let Some(section) =
        logging.section("Configuring a Separate Log for Shorewall Messages (ulogd)")
    {
        let nodes: Vec<Node> = section
            .children
            .iter()
            .filter(|node| !matches!(node, Node::Element(e) if e.name == "title"))
            .cloned()
            .collect();
        let blocks = renderer.flow(&nodes);
        let mut from_nflog = blocks
            .iter()
            .skip_while(|block| !block.text.contains("NFLOG"))
            .cloned()
            .collect::<Vec<_>>();
        if !from_nflog.is_empty() {
            from_nflog.insert(
                0,
                Block {
                    text: code_span("NFLOG"),
                    paragraph: true,
                },
            );
            let text = finish(None, &Renderer::join(&from_nflog), logging);
            generated.add("log_level", "NFLOG", text);
        }
    }
    let Some(rules) = rules else {
        return;
    };
    let Some(item) = rules
        .column_entry("ACTION")
        .and_then(|entry| entry.child("listitem"))
    else {
        return;
    };
    // The ACTION column's own paragraphs, after its list of targets.
    let paragraphs: Vec<&Element> = item
        .elements()
        .filter(|element| element.name != "variablelist")
        .collect();
    let starting = |prefix: &str| {
        paragraphs
            .iter()
            .position(|element| element.text().starts_with(prefix))
    };
    if let Some(index) = paragraphs
        .iter()
        .position(|element| element.text().contains("as a log level"))
    {
        let blocks = renderer.flow(&[Node::Element(paragraphs[index].clone())]);
        let text = finish(Some(code_span("ULOG")), &Renderer::join(&blocks), rules);
        generated.add("log_level", "ULOG", text);
    }
    if let Some(index) = starting("The target may optionally be followed") {
        // That paragraph, the one on actions and the list ending in `none!`.
        let nodes: Vec<Node> = paragraphs
            .iter()
            .skip(index)
            .take(3)
            .map(|element| Node::Element((*element).clone()))
            .collect();
        let blocks = renderer.flow(&nodes);
        let text = finish(Some(code_span("none")), &Renderer::join(&blocks), rules);
        generated.add("log_level", "none", text);
    }
}

/// The distinct texts, each emitted once as a constant `T<index>`.
#[derive(Default)]
struct Texts<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Texts<'a> {
    fn index_of(&mut self, text: &'a str) -> usize {
        *self.index.entry(text).or_insert_with(|| {
            self.list.push(text);
            self.list.len() - 1
        })
    }
}

/// Rust source for the generated texts: one constant per distinct text, a `match` per
/// category, and the name lists.
fn generate_code(generated: &Generated) -> String {
    let mut texts = Texts::default();
    let mut code = String::new();
    code.push_str("// Generated by server/build.rs from docs/manpages/*.xml. Do not edit.\n\n");

    let mut arms = String::new();
    for ((page, column), text) in &generated.columns {
        let index = texts.index_of(text);
        let _ = writeln!(arms, "        ({page:?}, {column:?}) => Some(T{index}),");
    }
    let _ = writeln!(
        code,
        "/// The text of column `column` of manpage `page` (`rules`, `zones`, ...).\n\
         fn page_column(page: &str, column: &str) -> Option<&'static str> {{\n    \
         match (page, column) {{\n{arms}        _ => None,\n    }}\n}}\n"
    );

    let mut arms = String::new();
    for (page, text) in &generated.descriptions {
        let index = texts.index_of(text);
        let _ = writeln!(arms, "        {page:?} => Some(T{index}),");
    }
    let _ = writeln!(
        code,
        "/// The Description of manpage `page`.\n\
         fn page_description(page: &str) -> Option<&'static str> {{\n    \
         match page {{\n{arms}        _ => None,\n    }}\n}}\n"
    );

    for category in CATEGORIES {
        let entries = generated
            .categories
            .get(category)
            .map_or(&[][..], Vec::as_slice);
        let mut arms = String::new();
        for (key, text) in entries {
            let index = texts.index_of(text);
            let _ = writeln!(arms, "        {key:?} => Some(T{index}),");
        }
        let names: Vec<String> = entries.iter().map(|(key, _)| format!("{key:?}")).collect();
        let upper = category.to_ascii_uppercase();
        let _ = writeln!(
            code,
            "/// Generated `{category}` texts by name.\n\
             fn generated_{category}(name: &str) -> Option<&'static str> {{\n    \
             match name {{\n{arms}        _ => None,\n    }}\n}}\n\n\
             /// The names of the generated `{category}` texts, in manpage order.\n\
             const {upper}_NAMES: &[&str] = &[{}];\n",
            names.join(", ")
        );
    }

    let mut arms = String::new();
    for (name, values) in &generated.conf_values {
        let values: Vec<String> = values.iter().map(|value| format!("{value:?}")).collect();
        let _ = writeln!(arms, "        {name:?} => &[{}],", values.join(", "));
    }
    let _ = writeln!(
        code,
        "/// The literal values a shorewall.conf setting's syntax lists.\n\
         fn generated_conf_values(name: &str) -> &'static [&'static str] {{\n    \
         match name {{\n{arms}        _ => &[],\n    }}\n}}\n"
    );

    for (index, text) in texts.list.iter().enumerate() {
        let _ = writeln!(code, "const T{index}: &str = {text:?};");
    }
    code
}
