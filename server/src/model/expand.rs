//! `$VARIABLE` expansion as Shorewall 5.2.8 does it (`Config.pm expand_variables`): the leftmost
//! `$NAME`, `${NAME}` or `$N` is replaced and the scan starts again from the beginning, so a value
//! that holds a `$` is expanded in turn, up to 100 replacements.

/// The value of a variable, as far as we know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Known(String),
    /// Set by something we do not evaluate (a shell command, the environment): any value.
    Unknown,
}

/// Where variables come from, in Shorewall's lookup order.
pub(crate) trait Variables {
    /// `$NAME`: params (and `FW`), then action parameters by name, then shorewall6.conf settings.
    fn lookup(&self, name: &str) -> Option<Value>;

    /// `$1`, `$2`, ...: the parameters of the action whose body is being read, if any.
    fn action_param(&self, _index: usize) -> Option<Value> {
        None
    }

    /// Whether an undefined variable is an error (IGNOREUNKNOWNVARIABLES=No) rather than empty.
    fn strict(&self) -> bool;

    /// Whether the text is in an action body (where `$1` may be used).
    fn in_action(&self) -> bool {
        false
    }
}

/// Why an expansion failed or is unsure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExpandProblem {
    /// `$NAME` is defined nowhere (an error only when `strict`).
    Undefined(String),
    /// `$1` outside an action body, or beyond the parameters passed.
    BadActionParam(String),
    /// More than 100 replacements.
    Loop,
}

/// Stands in the expanded text for the value of a variable we cannot know.
pub const UNKNOWN: char = '\u{1}';

/// The outcome of expanding a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expansion {
    /// The expanded text; an unknown value appears as [`UNKNOWN`].
    pub(crate) text: String,
    /// Whether some value was unknown.
    pub(crate) unknown: bool,
    pub(crate) problems: Vec<ExpandProblem>,
    /// The names that were expanded, in order.
    pub(crate) used: Vec<String>,
}

/// Finds the leftmost variable reference: (start, end, name, braced).
pub(crate) fn next_reference(text: &str) -> Option<(usize, usize, &str)> {
    let bytes = text.as_bytes();
    let mut idx = 0;
    while let Some(offset) = text.get(idx..)?.find('$') {
        let start = idx + offset;
        let mut pos = start + 1;
        let braced = bytes.get(pos) == Some(&b'{');
        if braced {
            pos += 1;
        }
        let name_start = pos;
        match bytes.get(pos) {
            Some(b) if b.is_ascii_digit() => {
                while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                    pos += 1;
                }
            }
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                while bytes
                    .get(pos)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    pos += 1;
                }
            }
            _ => {
                idx = start + 1;
                continue;
            }
        }
        let name_end = pos;
        if braced {
            if bytes.get(pos) != Some(&b'}') {
                idx = start + 1;
                continue;
            }
            pos += 1;
        }
        return Some((start, pos, &text[name_start..name_end]));
    }
    None
}

/// Expands every variable in `text`.
pub(crate) fn expand(text: &str, vars: &dyn Variables) -> Expansion {
    let mut res = Expansion {
        text: String::new(),
        unknown: false,
        problems: Vec::new(),
        used: Vec::new(),
    };
    if !text.contains('$') {
        res.text = text.to_owned();
        return res;
    }
    let mut current = text.to_owned();
    let mut count = 0;
    while let Some((start, end, name)) = next_reference(&current) {
        count += 1;
        if count > 100 {
            res.problems.push(ExpandProblem::Loop);
            break;
        }
        let value = if name.bytes().all(|b| b.is_ascii_digit()) {
            let index: usize = name.parse().unwrap_or(usize::MAX);
            match vars.action_param(index) {
                Some(value) => value,
                None => {
                    res.problems
                        .push(ExpandProblem::BadActionParam(name.to_owned()));
                    // As for an undefined variable: where Shorewall stops, the rest of the
                    // line is not judged.
                    if vars.strict() || !vars.in_action() {
                        Value::Unknown
                    } else {
                        Value::Known(String::new())
                    }
                }
            }
        } else {
            match vars.lookup(name) {
                Some(value) => value,
                None => {
                    res.problems.push(ExpandProblem::Undefined(name.to_owned()));
                    // Where it is an error, Shorewall stops there: what the line would mean
                    // without the value is not judged (no cascade of errors from an empty value).
                    if vars.strict() {
                        Value::Unknown
                    } else {
                        Value::Known(String::new())
                    }
                }
            }
        };
        res.used.push(name.to_owned());
        let value = match value {
            Value::Known(it) => it,
            Value::Unknown => {
                res.unknown = true;
                UNKNOWN.to_string()
            }
        };
        current.replace_range(start..end, &value);
    }
    res.text = current;
    res
}

/// A plain map of variables, for tests.
#[cfg(test)]
#[derive(Debug, Clone, Default)]
pub(crate) struct VariableMap {
    pub(crate) values: std::collections::HashMap<String, Value>,
    pub(crate) strict: bool,
}

#[cfg(test)]
impl Variables for VariableMap {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.values.get(name).cloned()
    }

    fn strict(&self) -> bool {
        self.strict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> VariableMap {
        let mut res = VariableMap::default();
        for (name, value) in pairs {
            res.values
                .insert((*name).to_owned(), Value::Known((*value).to_owned()));
        }
        res
    }

    #[test]
    fn expands_leftmost_first_and_again() {
        let vars = vars(&[("A", "x$B"), ("B", "y"), ("LOOP", "$LOOP")]);
        assert_eq!(expand("$A-${B}-$", &vars).text, "xy-y-$");
        assert_eq!(expand("${A", &vars).text, "${A");
        let res = expand("$LOOP", &vars);
        assert_eq!(res.problems, vec![ExpandProblem::Loop]);
        let res = expand("$NOPE:$1", &vars);
        assert_eq!(
            res.problems,
            vec![
                ExpandProblem::Undefined("NOPE".into()),
                ExpandProblem::BadActionParam("1".into())
            ]
        );
        // `$1` outside an action is an error even where `$NOPE` is not.
        assert_eq!(res.text, format!(":{UNKNOWN}"));
        let mut strict = vars.clone();
        strict.strict = true;
        assert_eq!(
            expand("$NOPE:$1", &strict).text,
            format!("{UNKNOWN}:{UNKNOWN}")
        );
    }

    #[test]
    fn unknown_values_make_unknown_text() {
        let mut vars = vars(&[]);
        vars.values.insert("X".into(), Value::Unknown);
        let res = expand("a$X", &vars);
        assert_eq!(res.text, format!("a{UNKNOWN}"));
        assert!(res.unknown && res.problems.is_empty());
    }
}
