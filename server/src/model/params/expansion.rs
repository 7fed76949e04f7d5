//! Expands the words of `params` as dash does, without running anything: the value of every
//! variable set so far, `${...}` operators (which may assign, or stop the shell), arithmetic
//! where it is exact. A value that depends on what we cannot know (the environment, a command's
//! output) is unknown; one that does not depend on it is known.

use crate::model::{diagnostic::Site, expand::Value};

use super::{
    arithmetic::{self, Outcome},
    pattern::{self, Pattern, PatternByte, Removal},
    word::{Form, Name, Operator, Part, Word},
    Param, Params,
};

/// Variables set before `params` runs, whose values we do not know: the environment, and
/// what Shorewall's getparams sets before it sources `params` (from shorewallrc and lib.cli).
const SET_BEFORE_PARAMS: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "SHELL",
    "PWD",
    "LANG",
    "TERM",
    "HOSTNAME",
    "TZ",
    "IFS",
    "OPTIND",
    "PPID",
    "PS1",
    "PS2",
    "PS4",
    "PRODUCT",
    "CONFIG_PATH",
    "ANNOTATED",
    "BUILD",
    "CONFDIR",
    "HOST",
    "INITDIR",
    "INITFILE",
    "INITSOURCE",
    "LEFTSHIFT",
    "LIBEXECDIR",
    "MANDIR",
    "PERLLIBDIR",
    "PREFIX",
    "SBINDIR",
    "SERVICEDIR",
    "SERVICEFILE",
    "SHAREDIR",
    "SHOREWALL_CAPVERSION",
    "SHOREWALL_LIBVERSION",
    "SPARSE",
    "STOPSERVICEFILE",
    "SYSCONFDIR",
    "SYSCONFFILE",
    "VARDIR",
    "VARLIB",
    "g_basedir",
    "g_confdir",
    "g_family",
    "g_lite",
    "g_product",
    "g_sharedir",
    "g_tool",
];

/// The longest value a pattern is matched against.
const MAX_MATCHED_LEN: usize = 4096;

/// The shell stopped: dash's message (`NAME: parameter not set`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stopped(pub(super) String);

/// What a variable holds.
enum State {
    Unset,
    Set(String),
    /// Maybe set, to a value we do not know.
    Unknown,
}

/// An expansion's bytes, each with whether it is quoted (literal in a pattern); `None` when
/// unknown.
type Expanded = Option<Vec<PatternByte>>;

/// The shell state that words are expanded in.
pub(super) struct Expander<'p> {
    pub(super) params: &'p mut Params,
    /// Where assignments made by `${x:=w}` are recorded.
    pub(super) site: Site,
    /// Whether an expansion that was needed runs a command or is arithmetic we do not evaluate.
    pub(super) not_evaluated: bool,
}

impl Expander<'_> {
    /// The value of an assignment's word (no field splitting, no pathname expansion).
    pub(super) fn value(&mut self, word: &Word) -> Result<Value, Stopped> {
        Ok(match self.expand(word)? {
            Some(bytes) => text(bytes.into_iter().map(|it| it.0).collect()),
            None => Value::Unknown,
        })
    }

    /// Sets a variable, as the shell does under `set -a` (so that Shorewall sees it).
    pub(super) fn assign(&mut self, name: &str, value: Value) {
        self.params.set(Param {
            name: name.to_owned(),
            value,
            site: self.site,
        });
    }

    pub(super) fn expand(&mut self, word: &Word) -> Result<Expanded, Stopped> {
        let mut res = Some(Vec::new());
        for part in &word.0 {
            let piece = self.part(part)?;
            res = res.zip(piece).map(|(mut res, piece)| {
                res.extend(piece);
                res
            });
        }
        Ok(res)
    }

    fn part(&mut self, part: &Part) -> Result<Expanded, Stopped> {
        Ok(match part {
            Part::Text { text, quoted } => Some(text.bytes().map(|it| (it, *quoted)).collect()),
            Part::Tilde => None,
            Part::CommandSubstitution => {
                self.not_evaluated = true;
                None
            }
            Part::Arithmetic(expression) => {
                let Some(expression) = self.expand(expression)? else {
                    return Ok(None);
                };
                let expression: Vec<u8> = expression.into_iter().map(|it| it.0).collect();
                let expression = String::from_utf8_lossy(&expression);
                let params = &*self.params;
                let lookup = |name: &str| match state(params, &Name::Variable(name.to_owned())) {
                    State::Unset => Ok(None),
                    State::Set(value) => Ok(Some(value)),
                    State::Unknown => Err(()),
                };
                match arithmetic::evaluate(&expression, &lookup) {
                    Outcome::Value(value) => {
                        Some(value.to_string().bytes().map(|it| (it, true)).collect())
                    }
                    Outcome::Unknown => None,
                    Outcome::NotEvaluated => {
                        self.not_evaluated = true;
                        None
                    }
                    Outcome::Stopped(message) => return Err(Stopped(message)),
                }
            }
            Part::Parameter(parameter) => {
                let quoted = parameter.quoted;
                let state = state(self.params, &parameter.name);
                let with_quoting = |value: &str| -> Expanded {
                    Some(value.bytes().map(|it| (it, quoted)).collect())
                };
                match &parameter.form {
                    Form::Value => match state {
                        State::Unset => Some(Vec::new()),
                        State::Set(value) => with_quoting(&value),
                        State::Unknown => None,
                    },
                    Form::Length => match state {
                        State::Unset => with_quoting("0"),
                        State::Set(value) => with_quoting(&value.len().to_string()),
                        State::Unknown => None,
                    },
                    Form::Operator(operator, word) => {
                        self.operator(&parameter.name, state, *operator, word, quoted)?
                    }
                }
            }
        })
    }

    fn operator(
        &mut self,
        name: &Name,
        state: State,
        operator: Operator,
        word: &Word,
        quoted: bool,
    ) -> Result<Expanded, Stopped> {
        // Whether the variable counts as set (`None`: unknown).
        let is_set = |colon: bool| match &state {
            State::Unset => Some(false),
            State::Set(value) => Some(!(colon && value.is_empty())),
            State::Unknown => None,
        };
        let value = |state: &State| -> Expanded {
            match state {
                State::Unset => Some(Vec::new()),
                State::Set(value) => Some(value.bytes().map(|it| (it, quoted)).collect()),
                State::Unknown => None,
            }
        };
        // The word's expansion, quoted as a whole when the `${` is.
        let mark = |expanded: Expanded| -> Expanded {
            expanded.map(|it| it.into_iter().map(|(b, q)| (b, q || quoted)).collect())
        };
        Ok(match operator {
            Operator::Default { colon } => match is_set(colon) {
                Some(true) => value(&state),
                Some(false) => mark(self.expand(word)?),
                None => None,
            },
            Operator::Alternative { colon } => match is_set(colon) {
                Some(true) => mark(self.expand(word)?),
                Some(false) => Some(Vec::new()),
                None => None,
            },
            Operator::Assign { colon } => match (is_set(colon), name) {
                (Some(true), _) => value(&state),
                (Some(false), Name::Variable(variable)) => {
                    let expanded = self.expand(word)?;
                    let assigned = match &expanded {
                        Some(bytes) => text(bytes.iter().map(|it| it.0).collect()),
                        None => Value::Unknown,
                    };
                    self.assign(variable, assigned);
                    // The result is the variable's new value, quoted as the `${` is.
                    expanded.map(|it| it.into_iter().map(|(b, _)| (b, quoted)).collect())
                }
                // A special parameter cannot be assigned (dash stops), but ours are unknown;
                // a variable of unknown value keeps an unknown value.
                (Some(false), Name::Special(_)) | (None, _) => None,
            },
            Operator::Error { colon } => match is_set(colon) {
                Some(true) => value(&state),
                Some(false) => {
                    let message = match self.expand(word)? {
                        Some(bytes) if !bytes.is_empty() => String::from_utf8_lossy(
                            &bytes.iter().map(|it| it.0).collect::<Vec<_>>(),
                        )
                        .into_owned(),
                        _ if colon => "parameter not set or null".to_owned(),
                        _ => "parameter not set".to_owned(),
                    };
                    return Err(Stopped(format!("{}: {message}", name.text())));
                }
                None => None,
            },
            Operator::RemoveSmallestSuffix
            | Operator::RemoveLargestSuffix
            | Operator::RemoveSmallestPrefix
            | Operator::RemoveLargestPrefix => {
                let removal = match operator {
                    Operator::RemoveSmallestSuffix => Removal::SmallestSuffix,
                    Operator::RemoveLargestSuffix => Removal::LargestSuffix,
                    Operator::RemoveSmallestPrefix => Removal::SmallestPrefix,
                    _ => Removal::LargestPrefix,
                };
                let pattern = self.expand(word)?;
                match (&state, pattern) {
                    // Matching is quadratic in the value's length: a huge one is not followed.
                    (State::Set(value), _) if value.len() > MAX_MATCHED_LEN => {
                        self.not_evaluated = true;
                        None
                    }
                    // Nothing to remove from nothing.
                    (State::Unset, _) => Some(Vec::new()),
                    (State::Set(value), _) if value.is_empty() => Some(Vec::new()),
                    (State::Set(value), Some(pattern)) => match Pattern::new(&pattern) {
                        Some(pattern) => {
                            let rest = pattern::remove(value.as_bytes(), &pattern, removal);
                            Some(rest.into_iter().map(|it| (it, quoted)).collect())
                        }
                        None => {
                            self.not_evaluated = true;
                            None
                        }
                    },
                    _ => None,
                }
            }
        })
    }
}

/// What a name holds in the shell that runs `params`.
fn state(params: &Params, name: &Name) -> State {
    match name {
        // getparams' arguments ($1 the params file, $2 CONFIG_PATH, $3 the family) and the
        // shell's own state: not followed.
        Name::Special(_) => State::Unknown,
        Name::Variable(name) => match params.get(name).map(|it| &it.value) {
            Some(Value::Known(value)) => State::Set(value.clone()),
            Some(Value::Unknown) => State::Unknown,
            None if SET_BEFORE_PARAMS.contains(&name.as_str()) => State::Unknown,
            None => State::Unset,
        },
    }
}

/// A shell value as text; one that is not UTF-8 (a pattern cut a character in two) is unknown.
fn text(bytes: Vec<u8>) -> Value {
    match String::from_utf8(bytes) {
        Ok(it) => Value::Known(it),
        Err(_) => Value::Unknown,
    }
}
