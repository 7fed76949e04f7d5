//! Macro files as the editor shows them: where a macro is defined, what its header comment says
//! it does, and the lines it expands to.

use std::{path::PathBuf, sync::Arc};

use crate::{
    ide::db::Inputs,
    model::{builtin_library_file, Model},
};

/// The file of macro `name` for the directory of `model`, found as the model finds it: the
/// file it loaded, else the configuration directory, the library directories, the built-in copy.
pub(crate) fn macro_file(db: &Inputs, model: &Model, name: &str) -> Option<(PathBuf, Arc<str>)> {
    let file_name = format!("macro.{name}");
    if let Some(file) = model
        .catalog
        .macro_def(name)
        .and_then(|def| model.file(def.file))
    {
        return Some((file.path.clone(), file.text.clone()));
    }
    let library_dirs = match model.family {
        shorewall_syntax::Family::Ipv4 => &db.config.library_dirs_v4,
        shorewall_syntax::Family::Ipv6 => &db.config.library_dirs_v6,
    };
    let candidates = std::iter::once(&model.dir).chain(library_dirs.iter());
    for dir in candidates {
        let path = dir.join(&file_name);
        if let Some(text) = db.text(&path) {
            return Some((path, text));
        }
    }
    if !library_dirs.is_empty() {
        return None;
    }
    builtin_library_file(&file_name, model.family).map(|(path, text)| (path, Arc::from(text)))
}

/// What a macro's header comment says about it: the comment lines before the first rule or
/// `####` line, without the `Shorewall -- path` line.
pub(crate) fn macro_description(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            break;
        };
        if comment.starts_with("###") || comment.starts_with("ACTION") {
            break;
        }
        let comment = comment.trim();
        if comment.starts_with("Shorewall --") || comment.starts_with("Shorewall6 --") {
            continue;
        }
        if comment.is_empty() && lines.last().is_none_or(|it| it.is_empty()) {
            continue;
        }
        lines.push(comment);
    }
    while lines.last().is_some_and(|it| it.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The lines of a macro that are not comments or blank: its rules and directives.
pub(crate) fn macro_body(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| match line.find('#') {
            Some(idx) => line.get(..idx).unwrap_or(line),
            None => line,
        })
        .map(str::trim)
        .filter(|it| !it.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Markdown of a macro: its description, the rules it expands to, where it is.
pub(crate) fn macro_markdown(name: &str, path: &std::path::Path, text: &str) -> String {
    let mut res = format!("**macro {name}**\n\n");
    let description = macro_description(text);
    if !description.is_empty() {
        res.push_str(&description);
        res.push_str("\n\n");
    }
    let body = macro_body(text);
    if !body.is_empty() {
        res.push_str("Expands to:\n\n```\n");
        for line in body {
            res.push_str(&line);
            res.push('\n');
        }
        res.push_str("```\n\n");
    }
    res.push_str(&format!("Defined in `{}`", path.display()));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_and_body_of_a_library_macro() {
        let text = "#\n# Shorewall -- /usr/share/shorewall/macro.SSH\n#\n# This macro handles secure shell (SSH) traffic.\n#\n#####\n#ACTION\tSOURCE\n\nPARAM\t-\t-\ttcp\t22 # ssh\n";
        assert_eq!(
            macro_description(text),
            "This macro handles secure shell (SSH) traffic."
        );
        assert_eq!(macro_body(text), vec!["PARAM\t-\t-\ttcp\t22".to_owned()]);
    }
}
