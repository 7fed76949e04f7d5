//! Reading a column file the way Shorewall's `read_a_line` does: `?IF` evaluation, `INCLUDE`,
//! `?COMMENT`, `?SECTION`, `?SET`, `?REQUIRE`, `?ERROR`/`?WARNING`/`?INFO`, the 4.4 spellings, and
//! `$VARIABLE` expansion of every record before its columns are split.

use std::path::{Path, PathBuf};

use shorewall_syntax::{
    ast::{self, AstNode},
    parse, FileKind, FileType, SyntaxKind, TextRange,
};

use crate::model::{
    conditional::{self, ConditionContext},
    diagnostic::{Diagnostic, Site},
    expand::{self, ExpandProblem, Value, Variables, UNKNOWN},
    files::Origin,
    Capabilities, Ctx, FileId, ReadError,
};

/// How deep INCLUDEs may nest (Shorewall's INCLUDE_LIMIT).
const INCLUDE_LIMIT: usize = 20;

/// The highest ?FORMAT a file allows (`open_file`'s `$max_format`).
fn max_format(kind: FileKind) -> u32 {
    match kind {
        FileKind::Interfaces
        | FileKind::Macro
        | FileKind::Action
        | FileKind::Actions
        | FileKind::Snat
        | FileKind::TcPri => 2,
        FileKind::Conntrack => 3,
        _ => 1,
    }
}

/// Whether ?COMMENT is allowed in a file (`open_file`'s `$comments_allowed`).
pub(crate) fn comments_allowed(kind: FileKind) -> bool {
    // The files Shorewall opens with `$comments_allowed` (`open_file NAME, MAX, 1`).
    matches!(
        kind,
        FileKind::Rules
            | FileKind::BlRules
            | FileKind::Macro
            | FileKind::Action
            | FileKind::Accounting
            | FileKind::Conntrack
            | FileKind::Maclist
            | FileKind::Mangle
            | FileKind::Masq
            | FileKind::Nat
            | FileKind::Netmap
            | FileKind::Secmarks
            | FileKind::Snat
            | FileKind::StoppedRules
            | FileKind::TcPri
            | FileKind::TcRules
            | FileKind::Tunnels
    )
}

/// How a file is read.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadOptions {
    /// The parameters of the action whose body this is (`$1`, `@1`, ...).
    pub(crate) action_params: Option<Vec<Value>>,
    /// Whether `?SECTION` is allowed.
    pub(crate) sections: bool,
    /// The named variables of the action invocation (`@chain`, `@caller`, `@loglevel`,
    /// `@logtag`, `@action`, `@disposition`; `@0` and `$0` are `chain`), when the compiler
    /// reads a body for one invocation.
    pub(crate) action_vars: Option<Vec<(String, String)>>,
    /// The rule that invokes the action whose body this is (where Shorewall reports a
    /// missing `?REQUIRE` capability).
    pub(crate) call_site: Option<Site>,
    /// The file whose columns the records have, when not the file's own: the body of an
    /// action declared with the `mangle` or `nat` option has the mangle or snat file's.
    pub(crate) columns_of: Option<FileKind>,
}

/// What reading a file yields, in order.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Record(Line),
    Section {
        name: String,
        site: Site,
    },
    /// `DEFAULTS a,b,...` in an action body.
    Defaults {
        args: Vec<String>,
        site: Site,
    },
}

/// One record, expanded, with its columns by schema position.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub(crate) file: FileId,
    pub(crate) record: ast::Record,
    /// The record without its trailing comment.
    pub(crate) site: Site,
    /// The value of each schema column (`-` when absent); unknown parts are [`UNKNOWN`].
    pub(crate) values: Vec<String>,
    /// Where each schema column is (the record's range when it is absent or moved).
    pub(crate) ranges: Vec<TextRange>,
    /// `;;` raw matches, expanded.
    pub(crate) raw_matches: Option<String>,
    /// The `?COMMENT` in effect.
    pub(crate) comment: Option<String>,
    /// The `?FORMAT` in effect (1 when none).
    pub(crate) format: u32,
    /// Whether a `?FORMAT` line set it (an inline action's body starts in format 1 in the snat
    /// and mangle files, where the reader starts it in 2).
    pub(crate) format_given: bool,
    /// How many positional columns the expanded record has: Shorewall rejects a record with
    /// more than its file's columns ("too many columns") when it splits the line.
    pub(crate) columns_given: usize,
}

impl Line {
    pub(crate) fn value(&self, idx: usize) -> &str {
        self.values.get(idx).map_or("-", String::as_str)
    }

    /// Whether column `idx` has a value (not `-`).
    pub(crate) fn has(&self, idx: usize) -> bool {
        self.value(idx) != "-"
    }

    pub(crate) fn is_known(&self, idx: usize) -> bool {
        !self.value(idx).contains(UNKNOWN)
    }

    pub(crate) fn site_of(&self, idx: usize) -> Site {
        Site {
            file: self.file,
            range: self.ranges.get(idx).copied().unwrap_or(self.site.range),
        }
    }
}

/// How Shorewall's `read_a_line` takes a `?NAME` line.
enum Reading {
    /// As the directive it names.
    Directive,
    /// As a directive it refuses, with its message (`process_compiler_directive`).
    Invalid(String),
    /// As a record, which fails when it is read, with the message of that failure.
    Record(String),
}

/// The names `read_a_line` sends to `process_compiler_directive` (a prefix match).
const DIRECTIVE_PREFIXES: [&str; 12] = [
    "IF", "ELSE", "ELSIF", "ENDIF", "SET", "RESET", "FORMAT", "COMMENT", "ERROR", "WARNING",
    "INFO", "REQUIRE",
];

/// Reads a `?NAME` line as Shorewall does: a line that starts with one of the directive
/// names is a directive, which must then match `?(IF\s+|ELSE|ELSIF\s+|ENDIF|SET\s+|...)`;
/// `?SECTION name` and `?INCLUDE file` are handled later; anything else is a record.
fn shorewall_reading(directive: &ast::Directive, kind: FileKind) -> Reading {
    if !directive.has_question_mark() {
        return Reading::Directive;
    }
    let Some(token) = directive.name_token() else {
        return Reading::Directive;
    };
    let written = token.text().to_owned();
    let name = directive.name();
    let text = directive.syntax().text().to_string();
    let after = text
        .get(usize::from(token.text_range().end() - directive.syntax().text_range().start())..)
        .unwrap_or("");
    let separated = after.starts_with([' ', '\t']);
    let line = text.trim().to_owned();
    let as_record = || {
        Reading::Record(match kind {
            FileKind::Rules | FileKind::BlRules | FileKind::Action | FileKind::Macro => {
                format!("Unknown ACTION ({written})")
            }
            FileKind::Zones => format!("Invalid zone name ({written})"),
            _ => format!("Invalid compiler directive ({written})"),
        })
    };
    match name.as_str() {
        "SECTION" | "INCLUDE" if !separated => return as_record(),
        "SECTION" | "INCLUDE" => return Reading::Directive,
        _ => {}
    }
    if !DIRECTIVE_PREFIXES.iter().any(|it| name.starts_with(it)) {
        return as_record();
    }
    let needs_argument = matches!(
        name.as_str(),
        "IF" | "ELSIF"
            | "SET"
            | "RESET"
            | "FORMAT"
            | "ERROR"
            | "WARNING"
            | "INFO"
            | "WARNING!"
            | "INFO!"
            | "REQUIRE"
    );
    if needs_argument && separated {
        return Reading::Directive;
    }
    // `ELSE`, `ENDIF` and `COMMENT` match with anything after them (`ELSIF` needs a space,
    // so `?ELSIF` alone is no directive at all).
    if name.starts_with("ENDIF") {
        return if directive.argument().is_empty() && name == "ENDIF" {
            Reading::Directive
        } else {
            Reading::Invalid("Invalid ?ENDIF".to_owned())
        };
    }
    if name.starts_with("ELSE") && !name.starts_with("ELSIF") {
        return if directive.argument().is_empty() && name == "ELSE" {
            Reading::Directive
        } else {
            Reading::Invalid("Invalid ?ELSE".to_owned())
        };
    }
    if name.starts_with("COMMENT") {
        return Reading::Directive;
    }
    Reading::Invalid(format!("Invalid compiler directive ({line})"))
}

struct Frame {
    parent_active: bool,
    taken: bool,
    active: bool,
    unknown: bool,
}

struct Reader<'c, 'e, 'o> {
    ctx: &'c mut Ctx<'e>,
    opts: ReadOptions,
    comment: Option<String>,
    events: Vec<Event>,
    /// Shown each event as it is read.
    observer: Option<&'o mut dyn FnMut(&Event)>,
    include_from: Vec<Site>,
    include_stack: Vec<PathBuf>,
}

/// Reads `file` and returns its events.
pub(crate) fn read(ctx: &mut Ctx<'_>, file: FileId, opts: ReadOptions) -> Vec<Event> {
    read_observed(ctx, file, opts, None)
}

/// [`read`], showing `observer` each event as soon as it is read.
pub(crate) fn read_observed(
    ctx: &mut Ctx<'_>,
    file: FileId,
    opts: ReadOptions,
    observer: Option<&mut dyn FnMut(&Event)>,
) -> Vec<Event> {
    let path = ctx
        .model
        .files
        .get(file)
        .map(|it| it.path.clone())
        .unwrap_or_default();
    let mut reader = Reader {
        ctx,
        opts,
        comment: None,
        events: Vec::new(),
        observer,
        include_from: Vec::new(),
        include_stack: vec![path],
    };
    reader.read_file(file);
    reader.events
}

impl Reader<'_, '_, '_> {
    fn push(&mut self, event: Event) {
        if let Some(observer) = &mut self.observer {
            observer(&event);
        }
        self.events.push(event);
    }

    fn read_file(&mut self, file: FileId) {
        let Some(source) = self.ctx.model.files.get(file) else {
            return;
        };
        let tree = source.parse.tree();
        let kind = source.kind;
        let text = source.text.clone();
        let mut frames: Vec<Frame> = Vec::new();
        // Macro and action bodies start in format 2 (`push_open`).
        let mut format = if matches!(kind, FileKind::Macro | FileKind::Action) {
            2
        } else {
            1
        };
        let mut format_given = false;
        for item in tree.items() {
            let active = frames.iter().all(|it| it.active && !it.unknown);
            let range = item.syntax().text_range();
            let site = Site { file, range };
            if let ast::Item::Directive(directive) = &item {
                let name = directive.name();
                match shorewall_reading(directive, kind) {
                    Reading::Directive => {}
                    Reading::Invalid(message) => {
                        // Shorewall checks the form of a directive line even in a branch it
                        // omits. ?ELSE and ?ENDIF still close their branch.
                        self.ctx
                            .diag(Diagnostic::error("invalid-conditional", site, message));
                        match name.as_str() {
                            "IF" => frames.push(Frame {
                                parent_active: active,
                                taken: false,
                                active: false,
                                unknown: true,
                            }),
                            "ELSIF" => {
                                if let Some(frame) = frames.last_mut() {
                                    frame.unknown = true;
                                }
                            }
                            "ELSE" | "ENDIF" => {
                                self.conditional(&mut frames, directive, &name, active, site)
                            }
                            _ => {}
                        }
                        continue;
                    }
                    Reading::Record(message) => {
                        if active {
                            self.ctx
                                .diag(Diagnostic::error("invalid-conditional", site, message));
                        } else {
                            self.ctx.omitted.push((file, range));
                        }
                        continue;
                    }
                }
                if matches!(name.as_str(), "IF" | "ELSIF" | "ELSE" | "ENDIF") {
                    self.conditional(&mut frames, directive, &name, active, site);
                    continue;
                }
            }
            if !active {
                self.ctx.omitted.push((file, range));
                continue;
            }
            match item {
                ast::Item::Directive(directive) => {
                    format_given |= directive.name() == "FORMAT";
                    self.directive(&directive, kind, site, &mut format)
                }
                ast::Item::Record(record) => {
                    self.record(file, kind, (format, format_given), record, &text)
                }
                ast::Item::EmbeddedBlock(_) => {
                    self.ctx.diag(Diagnostic::info(
                        "invalid-conditional",
                        site,
                        "embedded Perl or shell code is not run by shorewall-ls; what it does is not checked",
                    ));
                }
                _ => {}
            }
        }
    }

    fn conditional(
        &mut self,
        frames: &mut Vec<Frame>,
        directive: &ast::Directive,
        name: &str,
        active: bool,
        site: Site,
    ) {
        match name {
            "IF" => {
                let mut frame = Frame {
                    parent_active: active,
                    taken: false,
                    active: false,
                    unknown: false,
                };
                if active {
                    match self.evaluate(&directive.argument()) {
                        Ok(value) => {
                            frame.active = value;
                            frame.taken = value;
                        }
                        Err(message) => {
                            frame.unknown = true;
                            self.unknown_condition(site, &message);
                        }
                    }
                }
                frames.push(frame);
            }
            "ELSIF" => {
                let Some(frame) = frames.last() else { return };
                if frame.unknown || !frame.parent_active {
                    return;
                }
                if frame.taken {
                    if let Some(frame) = frames.last_mut() {
                        frame.active = false;
                    }
                    return;
                }
                let result = self.evaluate(&directive.argument());
                let Some(frame) = frames.last_mut() else {
                    return;
                };
                match result {
                    Ok(value) => {
                        frame.active = value;
                        frame.taken = value;
                    }
                    Err(message) => {
                        frame.unknown = true;
                        self.unknown_condition(site, &message);
                    }
                }
            }
            "ELSE" => {
                if let Some(frame) = frames.last_mut() {
                    frame.active = frame.parent_active && !frame.taken;
                    frame.taken = true;
                }
            }
            _ => {
                frames.pop();
            }
        }
    }

    fn unknown_condition(&mut self, site: Site, message: &str) {
        if message.starts_with("Action parameters") {
            self.error_on_line_one(site, message, "directive");
            return;
        }
        // Shorewall stops on these; on other expressions our evaluator may just be too simple.
        let fatal = message.starts_with("Unknown capability")
            || message.starts_with("missing ')'")
            || message.starts_with("unexpected end");
        let diagnostic = if fatal {
            Diagnostic::error("invalid-conditional", site, message.to_owned())
        } else {
            Diagnostic::warning(
                "invalid-conditional",
                site,
                format!("{message}: the lines of this ?IF are not checked"),
            )
        };
        self.ctx.diag(diagnostic);
    }

    /// `DEFAULTS` in an action body: values for the parameters not passed (or passed as `-`).
    fn defaults(&mut self, args: &[String], site: Site) {
        let Some(params) = self.opts.action_params.as_mut() else {
            return;
        };
        for (idx, default) in args.iter().enumerate() {
            match params.get_mut(idx) {
                Some(Value::Known(current)) if current.is_empty() => {
                    *current = default.clone();
                }
                Some(_) => {}
                None => {
                    while params.len() < idx {
                        params.push(Value::Known(String::new()));
                    }
                    params.push(Value::Known(default.clone()));
                }
            }
        }
        let supplied = |it: &Value| !matches!(it, Value::Known(text) if text.is_empty());
        if params.len() > args.len() && params[args.len()..].iter().any(supplied) {
            self.ctx.diag(Diagnostic::error(
                "invalid-action",
                site,
                "Too Many arguments to action",
            ));
        }
    }

    fn evaluate(&self, expression: &str) -> Result<bool, String> {
        let cond = ReaderCondition {
            ctx: self.ctx,
            params: self.opts.action_params.as_deref(),
        };
        conditional::evaluate(expression, &cond)
    }

    fn directive(
        &mut self,
        directive: &ast::Directive,
        kind: FileKind,
        site: Site,
        format: &mut u32,
    ) {
        let name = directive.name();
        let argument = directive.argument();
        let old = !directive.has_question_mark();
        match name.as_str() {
            "SECTION" => {
                if old {
                    self.old_spelling(directive, "SECTION", "?SECTION", kind, site.file);
                }
                if !self.opts.sections {
                    self.ctx.diag(Diagnostic::error(
                        "section-order",
                        site,
                        "This file does not allow ?SECTION",
                    ));
                    return;
                }
                let name = argument.trim().to_owned();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|it| it.is_ascii_alphanumeric() || it == '-' || it == '_')
                {
                    self.ctx.diag(Diagnostic::error(
                        "section-order",
                        site,
                        format!("Invalid SECTION name ({name})"),
                    ));
                    return;
                }
                self.push(Event::Section { name, site });
            }
            "COMMENT" => {
                if old {
                    self.old_spelling(directive, "COMMENT", "?COMMENT", kind, site.file);
                } else if !comments_allowed(kind) {
                    self.ctx.diag(Diagnostic::error(
                        "invalid-conditional",
                        site,
                        "?COMMENT is not allowed in this file",
                    ));
                    return;
                }
                let text = argument.trim();
                self.comment = (!text.is_empty()).then(|| text.to_owned());
            }
            "FORMAT" => {
                if old {
                    self.old_spelling(directive, "FORMAT", "?FORMAT", kind, site.file);
                }
                let max = max_format(kind);
                let expression = argument.split('#').next().unwrap_or("").trim();
                let message = if max < 2 {
                    Some("?FORMAT is not allowed in this file".to_owned())
                } else if expression.is_empty() {
                    Some("Missing format".to_owned())
                } else if !expression.bytes().all(|b| b.is_ascii_digit()) {
                    Some(format!("Invalid format ({expression})"))
                } else {
                    match expression.parse::<u32>() {
                        Ok(value) if (1..=max).contains(&value) => {
                            *format = value;
                            None
                        }
                        _ => Some(format!("Format must be between 1 and {max}")),
                    }
                };
                if let Some(message) = message {
                    self.ctx
                        .diag(Diagnostic::error("invalid-conditional", site, message));
                }
            }
            "INCLUDE" => self.include(directive, kind, site),
            "DEFAULTS" | "DEFAULT" => {
                let text = self.expand_line(argument.trim(), directive, site);
                let args: Vec<String> = text.split(',').map(str::to_owned).collect();
                self.defaults(&args, site);
                self.push(Event::Defaults { args, site });
            }
            "SET" => self.set(&argument, site),
            "RESET" => {
                let name = argument.trim().trim_start_matches(['$', '@']).to_owned();
                self.ctx.set_variables.remove(&name);
            }
            "REQUIRE" => {
                let capability = argument.trim();
                if self.opts.action_params.is_none() {
                    self.error_on_line_one(
                        site,
                        "?REQUIRE may only be used within action files",
                        "?REQUIRE",
                    );
                } else if !self.ctx.model.capabilities.is_known(capability) {
                    self.error_on_line_one(
                        site,
                        &format!("Unknown capability ({capability})"),
                        "?REQUIRE",
                    );
                } else if !self.ctx.model.capabilities.has(capability) {
                    let action = self
                        .opts
                        .action_vars
                        .as_deref()
                        .and_then(|vars| vars.iter().find(|(name, _)| name == "action"))
                        .map(|(_, value)| value.clone());
                    let message = match action {
                        Some(action) => format!(
                            "The {action} action requires the {} capability",
                            crate::model::capabilities::description(capability)
                        ),
                        None => format!("Required capability ({capability}) not available"),
                    };
                    let at = self.opts.call_site.unwrap_or(site);
                    let mut diagnostic = Diagnostic::error("invalid-conditional", at, message);
                    if at != site {
                        diagnostic = diagnostic.with_related(site, "the ?REQUIRE is here");
                    }
                    self.ctx.diag(diagnostic);
                }
            }
            "ERROR" | "WARNING" | "WARNING!" | "INFO" | "INFO!" => {
                let message = self.expand_text(&argument);
                let diagnostic = match name.as_str() {
                    "ERROR" => Diagnostic::error("directive-message", site, message),
                    "WARNING" | "WARNING!" => {
                        Diagnostic::warning("directive-message", site, message)
                    }
                    _ => Diagnostic::info("directive-message", site, message),
                };
                self.ctx.diag(diagnostic);
            }
            _ => {
                self.ctx.diag(Diagnostic::error(
                    "invalid-conditional",
                    site,
                    format!("Invalid compiler directive (?{name})"),
                ));
            }
        }
    }

    /// An error that Shorewall raises while it reads a directive, with `fatal_error` rather
    /// than `directive_error`: it names the line of the last record it began, which between
    /// records is none, so it says "line 1". The error is where Shorewall says it is, and its
    /// message names the directive's own line.
    fn error_on_line_one(&mut self, site: Site, message: &str, what: &str) {
        let Some(source) = self.ctx.model.files.get(site.file) else {
            return;
        };
        let line = source.line_index.line_col(site.range.start()).line + 1;
        let first = source
            .line_index
            .line_range(0)
            .unwrap_or(TextRange::empty(0.into()));
        let diagnostic = Diagnostic::error(
            "invalid-conditional",
            Site {
                file: site.file,
                range: first,
            },
            if line == 1 {
                message.to_owned()
            } else {
                format!("{message} (the {what} on line {line}; Shorewall 5.2.8 names line 1)")
            },
        )
        .with_related(site, format!("the {what} is here"));
        self.ctx.diag(diagnostic);
    }

    /// A 4.4 spelling: 5.2.8 rejects `SECTION`, `COMMENT` and `FORMAT` without `?`. The message
    /// says what the real compiler says and how to fix it; reading goes on as if it were fixed.
    fn old_spelling(
        &mut self,
        directive: &ast::Directive,
        old: &str,
        new: &str,
        kind: FileKind,
        file: FileId,
    ) {
        let Some(token) = directive.name_token() else {
            return;
        };
        let site = Site {
            file,
            range: token.text_range(),
        };
        let what = match kind {
            FileKind::Interfaces | FileKind::Zones | FileKind::Hosts | FileKind::Policy => {
                format!("Unknown zone ({old})")
            }
            _ => format!("Unknown ACTION ({old})"),
        };
        let message = format!("{what}: Shorewall 5 writes '{new}', not the 4.4 spelling '{old}'");
        self.ctx
            .diag(Diagnostic::error("old-spelling", site, message).with_fix(
                format!("Replace '{old}' with '{new}'"),
                site,
                new,
            ));
    }

    fn set(&mut self, argument: &str, site: Site) {
        let argument = argument.trim();
        let error = |ctx: &mut Ctx<'_>, message: String| {
            ctx.diag(Diagnostic::error("invalid-conditional", site, message));
        };
        if argument.is_empty() {
            error(self.ctx, "Missing SET variable".to_owned());
            return;
        }
        let (var, expression) = argument
            .split_once(char::is_whitespace)
            .unwrap_or((argument, ""));
        let expression = expression.trim();
        let (sigil, name) = match var.strip_prefix('@') {
            Some(name) => ('@', name),
            None => ('$', var.strip_prefix('$').unwrap_or(var)),
        };
        let valid = match sigil {
            '@' => name
                .chars()
                .next()
                .is_some_and(|it| it.is_ascii_alphanumeric()),
            _ => {
                name.chars()
                    .next()
                    .is_some_and(|it| it.is_ascii_alphabetic())
                    && name
                        .chars()
                        .all(|it| it.is_ascii_alphanumeric() || it == '_')
            }
        };
        if !valid {
            error(self.ctx, format!("Invalid SET variable ({var})"));
            return;
        }
        if expression.is_empty() {
            error(self.ctx, "Missing SET expression".to_owned());
            return;
        }
        let value = match self.evaluate_value(expression) {
            Ok(value) if !value.contains(UNKNOWN) => Value::Known(value),
            Err(message) if message.starts_with("Action parameters") => {
                self.error_on_line_one(site, &message, "directive");
                Value::Unknown
            }
            _ => Value::Unknown,
        };
        if sigil == '@' {
            let Some(params) = self.opts.action_params.as_mut() else {
                error(
                    self.ctx,
                    "Shorewall variables may only be SET in the body of an action".to_owned(),
                );
                return;
            };
            match name.parse::<usize>() {
                Ok(index) if index > 0 => {
                    while params.len() < index {
                        params.push(Value::Known(String::new()));
                    }
                    params[index - 1] = value;
                }
                _ => {
                    let text = match &value {
                        Value::Known(it) => it.clone(),
                        Value::Unknown => UNKNOWN.to_string(),
                    };
                    let vars = self.opts.action_vars.get_or_insert_with(Vec::new);
                    vars.retain(|(it, _)| it != name);
                    vars.push((name.to_owned(), text));
                }
            }
            return;
        }
        self.ctx.set_variables.insert(name.to_owned(), value);
    }

    fn evaluate_value(&self, expression: &str) -> Result<String, String> {
        let cond = ReaderCondition {
            ctx: self.ctx,
            params: self.opts.action_params.as_deref(),
        };
        conditional::evaluate_value(expression, &cond)
    }

    /// Reports what went wrong expanding the variables of `node` (a record or a directive
    /// line), at each reference.
    fn report_expansion(
        &mut self,
        node: &shorewall_syntax::SyntaxNode,
        file: FileId,
        fallback: TextRange,
        problems: &[ExpandProblem],
    ) {
        let strict = !self.ctx.model.settings.is_yes("IGNOREUNKNOWNVARIABLES");
        for problem in problems {
            let (name, message, error) = match problem {
                ExpandProblem::Undefined(name) if strict => {
                    (name.clone(), format!("Undefined shell variable (${name})"), true)
                }
                ExpandProblem::Undefined(name) => (
                    name.clone(),
                    format!(
                        "${name} is not defined: Shorewall expands it to nothing (IGNOREUNKNOWNVARIABLES=Yes)"
                    ),
                    false,
                ),
                ExpandProblem::BadActionParam(name) if self.opts.action_params.is_some() => {
                    (name.clone(), format!("Undefined parameter (${name})"), strict)
                }
                ExpandProblem::BadActionParam(name) => (
                    name.clone(),
                    format!("Action parameters (${name}) may only be referenced within the body of an action"),
                    true,
                ),
                ExpandProblem::Loop => (String::new(), "Variable Expansion Loop".to_owned(), true),
            };
            let range = reference_range(node, &name).unwrap_or(fallback);
            let site = Site { file, range };
            self.ctx.diag(if error {
                Diagnostic::error("undefined-variable", site, message)
            } else {
                Diagnostic::warning("undefined-variable", site, message)
            });
        }
    }

    /// Expands a directive line's argument as `read_a_line` expands a record (INCLUDE,
    /// DEFAULTS), reporting undefined variables.
    fn expand_line(&mut self, text: &str, directive: &ast::Directive, site: Site) -> String {
        let vars = LineVariables {
            ctx: self.ctx,
            params: self.opts.action_params.as_deref(),
            vars: self.opts.action_vars.as_deref(),
        };
        let expansion = expand::expand(text, &vars);
        self.report_expansion(
            directive.syntax(),
            site.file,
            site.range,
            &expansion.problems,
        );
        expansion.text
    }

    fn expand_text(&self, text: &str) -> String {
        let vars = LineVariables {
            ctx: self.ctx,
            params: self.opts.action_params.as_deref(),
            vars: self.opts.action_vars.as_deref(),
        };
        expand::expand(text, &vars).text
    }

    fn include(&mut self, directive: &ast::Directive, kind: FileKind, site: Site) {
        let name = self.expand_line(directive.argument().trim(), directive, site);
        if name.is_empty() || name.split_whitespace().count() != 1 {
            self.ctx.diag(Diagnostic::error(
                "include-error",
                site,
                "Invalid INCLUDE command",
            ));
            return;
        }
        if self.include_stack.len() > INCLUDE_LIMIT {
            self.ctx.diag(Diagnostic::error(
                "include-error",
                site,
                "INCLUDEs/Scripts nested too deeply",
            ));
            return;
        }
        let path = self.resolve_include(&name);
        if self.include_stack.contains(&path) {
            self.ctx.diag(Diagnostic::error(
                "include-error",
                site,
                format!("INCLUDE of {} makes a cycle", path.display()),
            ));
            return;
        }
        let family = self.ctx.model.family;
        let loaded = self.ctx.model.files.load(
            self.ctx.env.vfs,
            &path,
            kind,
            family,
            Origin::Config,
            self.ctx.env.parse_cache,
        );
        match loaded {
            Ok(id) => {
                self.include_from.push(site);
                self.include_stack.push(path);
                self.read_file(id);
                self.include_stack.pop();
                self.include_from.pop();
            }
            Err(ReadError::NotFound) => {
                self.ctx.diag(Diagnostic::error(
                    "include-not-found",
                    site,
                    format!("INCLUDE file {} not found", path.display()),
                ));
            }
            Err(error) => {
                self.ctx.diag(Diagnostic::error(
                    "unreadable-file",
                    site,
                    format!("INCLUDE file {} cannot be read: {error}", path.display()),
                ));
            }
        }
    }

    /// `split_line2`'s checks of `{ column=value }` pairs: the column must be one of the
    /// file's, and `comment` only where ?COMMENT is allowed. Only the files whose column
    /// names we have checked against Shorewall's are checked.
    fn check_pair_names(
        &mut self,
        file: FileId,
        kind: FileKind,
        specs: &[shorewall_syntax::ColumnSpec],
        record: &ast::Record,
    ) {
        let checked = matches!(
            kind,
            FileKind::Rules
                | FileKind::BlRules
                | FileKind::Macro
                | FileKind::Action
                | FileKind::Zones
                | FileKind::Interfaces
                | FileKind::Hosts
                | FileKind::Policy
                | FileKind::Actions
        );
        if !checked {
            return;
        }
        for pair in record.pairs() {
            let Some(token) = pair.name_token() else {
                continue;
            };
            let name = token.text().to_ascii_lowercase();
            let site = Site {
                file,
                range: token.text_range(),
            };
            if name == "comment" {
                if !comments_allowed(kind) {
                    self.ctx.diag(Diagnostic::error(
                        "invalid-column",
                        site,
                        "\"comment\" is not allowed in this file",
                    ));
                }
            } else if !specs.iter().any(|it| it.keys.contains(&name.as_str())) {
                self.ctx.diag(Diagnostic::error(
                    "invalid-column",
                    site,
                    format!("Unknown column ({})", token.text()),
                ));
            }
        }
    }

    /// Shorewall's `find_file`: a name with a `/` is a path (taken relative to the
    /// configuration directory when relative); a bare name is looked up in the directory.
    fn resolve_include(&self, name: &str) -> PathBuf {
        let path = Path::new(name);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.ctx.model.dir.join(path)
        }
    }

    /// The columns of a record of a file of `kind` (or of the file given by `columns_of`).
    fn specs(&self, kind: FileKind, format: u32) -> &'static [shorewall_syntax::ColumnSpec] {
        match self.opts.columns_of {
            Some(other) => other.columns_for(format, self.ctx.model.family),
            None => kind.columns(format),
        }
    }

    fn record(
        &mut self,
        file: FileId,
        kind: FileKind,
        (format, format_given): (u32, bool),
        record: ast::Record,
        source: &str,
    ) {
        let specs = self.specs(kind, format);
        let content = record.content_range();
        let site = Site {
            file,
            range: content,
        };
        // Without a continuation (`\`), the text of a node is its slice of the file: taking it
        // is much cheaper than walking the node's tokens.
        let plain = slice(source, record.syntax().text_range()).filter(|it| !it.contains('\\'));
        let node_text = |column: &ast::Column| match plain {
            Some(_) => slice(source, column.syntax().text_range())
                .map_or_else(|| column.text(), str::to_owned),
            None => column.text(),
        };
        let has_refs = match plain {
            Some(text) => {
                (text.contains('$') || (self.opts.action_params.is_some() && text.contains('@')))
                    && self.has_references(&record)
            }
            None => self.has_references(&record),
        };
        let columns = columns_by_spec(&record, specs);
        let original_ranges: Vec<TextRange> = columns
            .iter()
            .map(|column| {
                column
                    .as_ref()
                    .map_or(content, |it| it.syntax().text_range())
            })
            .collect();
        let (values, raw_matches, columns_given) = if has_refs {
            self.expanded_columns(file, kind, format, &record, &columns, plain, source)
        } else {
            let values = columns
                .iter()
                .map(|column| column.as_ref().map_or_else(|| "-".to_owned(), node_text))
                .collect();
            (
                values,
                record.raw_matches().map(|it| raw_text(&it)),
                record.columns().count(),
            )
        };
        self.check_pair_names(file, kind, specs, &record);
        // `{ comment="..." }` is the comment of this record alone.
        let pair_comment = record
            .pairs()
            .find(|pair| {
                pair.name()
                    .is_some_and(|it| it.eq_ignore_ascii_case("comment"))
            })
            .and_then(|pair| pair.value())
            .map(|it| {
                let text = it.text();
                text.strip_prefix('"')
                    .and_then(|it| it.strip_suffix('"'))
                    .unwrap_or(&text)
                    .to_owned()
            });
        let line = Line {
            file,
            record,
            site,
            values,
            ranges: original_ranges,
            raw_matches,
            comment: pair_comment.or_else(|| self.comment.clone()),
            format,
            format_given,
            columns_given,
        };
        self.push(Event::Record(line));
    }

    /// Whether the record holds `$` references (or `@` parameters in an action body).
    fn has_references(&self, record: &ast::Record) -> bool {
        let in_action = self.opts.action_params.is_some();
        record.syntax().descendants_with_tokens().any(|it| {
            it.kind() == SyntaxKind::DOLLAR_REF
                || (in_action
                    && it.kind() == SyntaxKind::WORD
                    && it.as_token().is_some_and(|t| t.text().contains('@')))
        })
    }

    /// Expands the record's text as Shorewall does (the whole line, before columns are split)
    /// and reads the columns from the expanded text: their values, the `;;` matches and how
    /// many positional columns the expanded line has.
    #[allow(clippy::too_many_arguments)]
    fn expanded_columns(
        &mut self,
        file: FileId,
        kind: FileKind,
        format: u32,
        record: &ast::Record,
        columns: &[Option<ast::Column>],
        plain: Option<&str>,
        source: &str,
    ) -> (Vec<String>, Option<String>, usize) {
        let specs = self.specs(kind, format);
        // Without continuations and comments, the significant text is the record's text.
        let plain = plain.filter(|it| !it.contains('#'));
        let text = if let Some(text) = plain {
            text.to_owned()
        } else {
            let mut res = String::new();
            for token in ast::significant_tokens(record.syntax()) {
                if token.kind() != SyntaxKind::COMMENT {
                    res.push_str(token.text());
                }
            }
            res
        };
        let vars = LineVariables {
            ctx: self.ctx,
            params: self.opts.action_params.as_deref(),
            vars: self.opts.action_vars.as_deref(),
        };
        let mut expansion = expand::expand(&text, &vars);
        if self.opts.action_params.is_some() {
            expansion.text = expand_at_params(
                &expansion.text,
                self.opts.action_params.as_deref(),
                self.opts.action_vars.as_deref(),
            );
        }
        let substituted = match plain {
            _ if self.opts.action_params.is_some() => None,
            Some(text) => {
                substituted_text_columns(record, columns, &vars, &expansion.text, text, source)
            }
            None => substituted_columns(record, columns, &vars, &expansion.text),
        };
        self.report_expansion(
            record.syntax(),
            file,
            record.content_range(),
            &expansion.problems,
        );
        if let Some(columns) = substituted {
            // Plain values cannot move a column boundary.
            return (columns, None, record.columns().count());
        }
        let expanded = format!("?FORMAT {format}\n{}\n", expansion.text);
        let parse = parse(&expanded, FileType::new(kind, self.ctx.model.family));
        let Some(new_record) = parse.tree().records().next() else {
            return (vec!["-".to_owned(); specs.len()], None, 0);
        };
        let values = columns_by_spec(&new_record, specs)
            .iter()
            .map(|column| {
                column
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |it| it.text())
            })
            .collect();
        (
            values,
            new_record.raw_matches().map(|it| raw_text(&it)),
            new_record.columns().count(),
        )
    }
}

/// The columns of a record whose references all expand to plain words (`$FW`, an address):
/// each column's text with its references replaced by their values. Such values cannot move a
/// column boundary (no blank, parenthesis, `;`, `{`, `#`, quote or `\`), so this is what
/// re-parsing the expanded line yields, without the parse. `None` (re-parse) when a value is
/// not plain or empty, when the record has pairs, raw matches or continuations, when a
/// reference is in the ACTION column (its value could make the line a directive), or when
/// expanding reference by reference does not give the line's expansion (`expanded`).
fn substituted_columns(
    record: &ast::Record,
    columns: &[Option<ast::Column>],
    vars: &dyn Variables,
    expanded: &str,
) -> Option<Vec<String>> {
    if record.pairs().next().is_some()
        || record.raw_matches().is_some()
        || record
            .syntax()
            .descendants()
            .any(|it| it.kind() == SyntaxKind::LINE_CONTINUATION)
    {
        return None;
    }
    let action = record.columns().next().map(|it| it.syntax().text_range());
    let mut rebuilt = String::with_capacity(expanded.len());
    let mut values: Vec<(TextRange, String)> = Vec::new();
    for token in ast::significant_tokens(record.syntax()) {
        match token.kind() {
            SyntaxKind::COMMENT => {}
            SyntaxKind::DOLLAR_REF => {
                let range = token.text_range();
                if action.is_some_and(|it| it.contains_range(range)) {
                    return None;
                }
                let value = expand::expand(token.text(), vars).text;
                if value.is_empty() || !value.bytes().all(is_plain) {
                    return None;
                }
                rebuilt.push_str(&value);
                values.push((range, value));
            }
            _ => rebuilt.push_str(token.text()),
        }
    }
    if rebuilt != expanded {
        return None;
    }
    let column_text = |column: &ast::Column| {
        let mut text = String::new();
        for token in ast::significant_tokens(column.syntax()) {
            match token.kind() {
                SyntaxKind::COMMENT => {}
                SyntaxKind::DOLLAR_REF => {
                    let range = token.text_range();
                    let value = values.iter().find(|(it, _)| *it == range);
                    text.push_str(value.map_or("", |(_, value)| value.as_str()));
                }
                _ => text.push_str(token.text()),
            }
        }
        text
    };
    Some(
        columns
            .iter()
            .map(|column| column.as_ref().map_or_else(|| "-".to_owned(), column_text))
            .collect(),
    )
}

/// [`substituted_columns`] for a record without continuations or comments, from its text
/// (`text`, its slice of the file `source`) rather than its tokens: the references are found
/// as [`expand::expand`] finds them.
fn substituted_text_columns(
    record: &ast::Record,
    columns: &[Option<ast::Column>],
    vars: &dyn Variables,
    expanded: &str,
    text: &str,
    source: &str,
) -> Option<Vec<String>> {
    if record.pairs().next().is_some() || record.raw_matches().is_some() {
        return None;
    }
    let record_start = usize::from(record.syntax().text_range().start());
    // The ACTION column, relative to the record.
    let action = record.columns().next()?.syntax().text_range();
    let action = usize::from(action.start()).saturating_sub(record_start)
        ..usize::from(action.end()).saturating_sub(record_start);
    let mut rebuilt = String::with_capacity(expanded.len());
    let mut values: Vec<(usize, usize, String)> = Vec::new();
    let mut pos = 0;
    while let Some((start, end, _)) = text.get(pos..).and_then(expand::next_reference) {
        let (start, end) = (pos + start, pos + end);
        if start < action.end && end > action.start {
            return None;
        }
        let value = expand::expand(text.get(start..end)?, vars).text;
        if value.is_empty() || !value.bytes().all(is_plain) {
            return None;
        }
        rebuilt.push_str(text.get(pos..start)?);
        rebuilt.push_str(&value);
        values.push((start + record_start, end + record_start, value));
        pos = end;
    }
    rebuilt.push_str(text.get(pos..)?);
    if rebuilt != expanded {
        return None;
    }
    let mut res = Vec::with_capacity(columns.len());
    for column in columns {
        let Some(column) = column else {
            res.push("-".to_owned());
            continue;
        };
        let range = column.syntax().text_range();
        let (mut pos, end) = (usize::from(range.start()), usize::from(range.end()));
        let mut value = String::new();
        for (ref_start, ref_end, ref_value) in &values {
            if *ref_start >= pos && *ref_end <= end {
                value.push_str(source.get(pos..*ref_start)?);
                value.push_str(ref_value);
                pos = *ref_end;
            }
        }
        value.push_str(source.get(pos..end)?);
        res.push(value);
    }
    Some(res)
}

/// Whether a byte of a variable's value cannot change how a line splits into columns.
fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"._-:/,!+~%*=".contains(&byte)
}

/// The text of `range` in `text`, if it is there.
fn slice(text: &str, range: TextRange) -> Option<&str> {
    text.get(usize::from(range.start())..usize::from(range.end()))
}

/// The column of each spec, as `Record::column_named` finds it (a `{ name=value }` pair of that
/// name, the last one, wins over the positional column), in one pass over the record.
fn columns_by_spec(
    record: &ast::Record,
    specs: &[shorewall_syntax::ColumnSpec],
) -> Vec<Option<ast::Column>> {
    let positional: Vec<ast::Column> = record.columns().collect();
    let pairs: Vec<(String, ast::Column)> = record
        .pairs()
        .filter_map(|pair| Some((pair.name()?.to_ascii_lowercase(), pair.value()?)))
        .collect();
    specs
        .iter()
        .enumerate()
        .map(|(idx, spec)| {
            pairs
                .iter()
                .rev()
                .find(|(name, _)| spec.keys.contains(&name.as_str()))
                .map(|(_, value)| value.clone())
                .or_else(|| positional.get(idx).cloned())
        })
        .collect()
}

/// The text after `;;`.
fn raw_text(raw: &ast::RawMatches) -> String {
    raw.text().trim_start_matches(";;").trim().to_owned()
}

/// `@1`, `@{1}`, `@chain` in an action body.
fn expand_at_params(
    text: &str,
    params: Option<&[Value]>,
    vars: Option<&[(String, String)]>,
) -> String {
    let Some(params) = params else {
        return text.to_owned();
    };
    let named = |name: &str| -> Option<String> {
        vars?
            .iter()
            .find(|(it, _)| it == name)
            .map(|(_, value)| value.clone())
    };
    let mut res = String::new();
    let mut rest = text;
    while let Some(idx) = rest.find('@') {
        res.push_str(&rest[..idx]);
        let after = &rest[idx + 1..];
        let braced = after.starts_with('{');
        let body = if braced { &after[1..] } else { after };
        let len = body
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if len == 0 || (braced && !body[len..].starts_with('}')) {
            res.push('@');
            rest = after;
            continue;
        }
        let name = &body[..len];
        let value = match name.parse::<usize>() {
            Ok(0) => named("chain").unwrap_or_else(|| UNKNOWN.to_string()),
            Ok(n) => match params.get(n - 1) {
                Some(Value::Known(it)) => it.clone(),
                Some(Value::Unknown) => UNKNOWN.to_string(),
                None => String::new(),
            },
            Err(_) => match vars {
                Some(_) => named(name).unwrap_or_default(),
                None => UNKNOWN.to_string(),
            },
        };
        res.push_str(&value);
        rest = &body[len + usize::from(braced)..];
    }
    res.push_str(rest);
    res
}

/// The range of the `$name` reference in a record or directive.
fn reference_range(node: &shorewall_syntax::SyntaxNode, name: &str) -> Option<TextRange> {
    node.descendants_with_tokens()
        .filter_map(|it| it.into_token())
        .filter(|it| it.kind() == SyntaxKind::DOLLAR_REF)
        .find(|it| {
            let text = it.text().trim_start_matches('$');
            let text = text
                .strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or(text);
            text == name
        })
        .map(|it| it.text_range())
}

/// Variables for a record: params, `?SET`, settings; action parameters in an action body.
pub(crate) struct LineVariables<'a, 'e> {
    pub(crate) ctx: &'a Ctx<'e>,
    pub(crate) params: Option<&'a [Value]>,
    pub(crate) vars: Option<&'a [(String, String)]>,
}

impl Variables for LineVariables<'_, '_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.ctx.variable(name, true).or_else(|| {
            self.vars?
                .iter()
                .find(|(it, _)| it == name)
                .map(|(_, value)| Value::Known(value.clone()))
        })
    }

    fn action_param(&self, index: usize) -> Option<Value> {
        let params = self.params?;
        if index == 0 {
            let chain = self
                .vars
                .and_then(|vars| vars.iter().find(|(it, _)| it == "0"));
            return Some(chain.map_or(Value::Unknown, |(_, value)| Value::Known(value.clone())));
        }
        // A parameter neither passed nor defaulted is undefined (an error unless
        // IGNOREUNKNOWNVARIABLES=Yes).
        params.get(index - 1).cloned()
    }

    fn strict(&self) -> bool {
        !self.ctx.model.settings.is_yes("IGNOREUNKNOWNVARIABLES")
    }

    fn in_action(&self) -> bool {
        self.params.is_some()
    }
}

struct ReaderCondition<'a, 'e> {
    ctx: &'a Ctx<'e>,
    params: Option<&'a [Value]>,
}

impl ConditionContext for ReaderCondition<'_, '_> {
    fn variable(&self, name: &str) -> Option<Value> {
        // `evaluate_expression`: Shorewall's variables (params, the environment and, once
        // shorewall6.conf is read, its settings), then the capabilities by name.
        self.ctx.variable(name, true).or_else(|| {
            let caps = &self.ctx.model.capabilities;
            caps.is_known(name)
                .then(|| Value::Known(caps.value(name).unwrap_or("").to_owned()))
        })
    }

    fn action_param(&self, name: &str) -> Option<Value> {
        let params = self.params?;
        match name.parse::<usize>() {
            Ok(0) => Some(Value::Unknown),
            Ok(n) => Some(
                params
                    .get(n - 1)
                    .cloned()
                    .unwrap_or(Value::Known(String::new())),
            ),
            Err(_) => Some(Value::Unknown),
        }
    }

    fn in_action(&self) -> bool {
        self.params.is_some()
    }

    fn capabilities(&self) -> &Capabilities {
        &self.ctx.model.capabilities
    }

    fn is_ipv6(&self) -> bool {
        self.ctx.model.family == shorewall_syntax::Family::Ipv6
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::model::{self, Environment, MemoryVfs, RulesItem};

    /// The columns the reader gives each record of a rules file, after `$` expansion: values
    /// that are plain words are substituted in place (no re-parse); values with blanks or
    /// parentheses, empty values and references in ACTION make the line be re-parsed, as
    /// Shorewall splits the expanded line.
    #[test]
    fn expanded_columns() {
        let vfs = MemoryVfs::default()
            .with("/etc/shorewall6/shorewall6.conf", "IGNOREUNKNOWNVARIABLES=Yes\n")
            .with("/etc/shorewall6/zones", "fw firewall\nnet ipv6\n")
            .with(
                "/etc/shorewall6/params",
                "ADDR=2001:db8::1\nTWO='net $FW'\nPAREN='SSH(ACCEPT)'\nEMPTY=\nACT=ACCEPT\nPORT='tcp 80'\n",
            )
            .with(
                "/etc/shorewall6/rules",
                "ACCEPT\tnet:$ADDR\t$FW\ttcp\t22\n\
                 ACCEPT\t$TWO\ttcp\t23\n\
                 $PAREN\tnet\t$FW\n\
                 ACCEPT\t$EMPTY\tnet\t$FW\ttcp\n\
                 ACCEPT\tnet\t$FW\t$PORT\n\
                 $ACT\tnet\t$FW # $ADDR in a comment\n\
                 ACCEPT\tnet:${ADDR},$ADDR\t$FW\t\\\n  udp\t53\n",
            );
        let env = Environment::builtin(&vfs);
        let model = model::build(std::path::Path::new("/etc/shorewall6"), &env);
        let lines: Vec<String> = model
            .rules_files
            .rules
            .iter()
            .filter_map(|item| match item {
                RulesItem::Record(line) => Some(
                    line.columns
                        .iter()
                        .take(6)
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(" | "),
                ),
                RulesItem::Section(_) => None,
            })
            .collect();
        expect![[r#"
            ACCEPT | net:2001:db8::1 | fw | tcp | 22 | -
            ACCEPT | net | fw | tcp | 23 | -
            SSH(ACCEPT) | net | fw | - | - | -
            ACCEPT | net | fw | tcp | - | -
            ACCEPT | net | fw | tcp | 80 | -
            ACCEPT | net | fw | - | - | -
            ACCEPT | net:2001:db8::1,2001:db8::1 | fw | udp | 53 | -"#]]
        .assert_eq(&lines.join("\n"));
    }
}
