//! The small text helpers of Shorewall's `Config.pm` that decide how values are split and
//! numbers read: `split_list` and its variants, `numeric_value`, `in_hex`.

use super::{error, Result};

/// `split_list`: a comma list without empty elements (an empty text is an empty list, as
/// Perl's `split` makes it).
pub fn split_list<'a>(list: &'a str, what: &str) -> Result<Vec<&'a str>> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    if misplaced_comma(list) {
        return error(format!("Invalid {what} list ({list})"));
    }
    Ok(list.split(',').collect())
}

/// A list with an empty element (`,a`, `a,`, `a,,b`) or a lone `!` (`!,a`, `a,!`). Every
/// column of every rule goes through this, so it looks at the bytes once.
pub fn misplaced_comma(list: &str) -> bool {
    let bytes = list.as_bytes();
    bytes.first() == Some(&b',')
        || bytes.last() == Some(&b',')
        || bytes.ends_with(b",!")
        || bytes
            .windows(2)
            .any(|it| it[1] == b',' && (it[0] == b',' || it[0] == b'!'))
}

/// `split_list1`: a comma list whose elements may be parenthesized lists (kept together,
/// parentheses removed).
pub fn split_list1(list: &str, what: &str) -> Result<Vec<String>> {
    if misplaced_comma(list) {
        return error(format!("Invalid {what} list ({list})"));
    }
    if !list.contains(['(', ')']) {
        return Ok(list.split(',').map(str::to_owned).collect());
    }
    let mut out = Vec::new();
    let mut element = String::new();
    for part in list.split(',') {
        let opens = part.matches('(').count();
        let closes = part.matches(')').count();
        if opens > 0 {
            if !element.is_empty() || opens > 1 {
                return error(format!("Invalid {what} list ({list})"));
            }
            let part = part.replacen('(', "", 1);
            if closes > 0 {
                if closes > 1 {
                    return error(format!("Invalid {what} list ({list})"));
                }
                out.push(part.replacen(')', "", 1));
            } else {
                element = part;
            }
        } else if closes > 0 {
            if element.is_empty() || closes != 1 {
                return error(format!("Invalid {what} list ({list})"));
            }
            out.push(format!("{element},{}", part.replacen(')', "", 1)));
            element.clear();
        } else if !element.is_empty() {
            element.push(',');
            element.push_str(part);
        } else {
            out.push(part.to_owned());
        }
    }
    Ok(out)
}

/// `split_list2` (separator `:`) and `split_list3` (separator `,`): lists whose elements may
/// contain nested parentheses.
pub fn split_nested(list: &str, separator: char, what: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut element = String::new();
    let mut open: i64 = 0;
    let mut in_element = false;
    for part in list.split(separator) {
        let opens = part.matches('(').count() as i64;
        let closes = part.matches(')').count() as i64;
        if opens > 0 {
            open += opens;
            if !in_element {
                element = part.to_owned();
                in_element = true;
            } else {
                element.push(separator);
                element.push_str(part);
            }
            if closes > 0 {
                open -= closes;
                if open == 0 {
                    out.push(std::mem::take(&mut element));
                    in_element = false;
                } else if open < 0 {
                    return error(format!("Invalid {what} ({list})"));
                }
            }
        } else if closes > 0 {
            if !in_element {
                return error(format!("Invalid {what} ({list})"));
            }
            element.push(separator);
            element.push_str(part);
            open -= closes;
            if open == 0 {
                out.push(std::mem::take(&mut element));
                in_element = false;
            } else if open < 0 {
                return error(format!("Invalid {what} ({list})"));
            }
        } else if !in_element {
            out.push(part.to_owned());
        } else {
            element.push(separator);
            element.push_str(part);
        }
    }
    if open != 0 {
        return error(format!("Invalid {what} ({list})"));
    }
    Ok(out)
}

/// `split_list2`: splits `ACTION:level:tag` keeping `(...)` together.
pub fn split_list2(list: &str, what: &str) -> Result<Vec<String>> {
    if list.starts_with(':') {
        return error(format!("Invalid {what} ({list})"));
    }
    // Perl's split drops trailing empty fields; an empty field elsewhere is an error.
    let mut parts = split_nested(list.trim_end_matches(':'), ':', what)?;
    if parts.iter().any(|it| it.is_empty()) {
        return error(format!("Invalid {what} ({list})"));
    }
    while parts.last().is_some_and(|it| it.is_empty()) {
        parts.pop();
    }
    Ok(parts)
}

/// `split_list3`: action parameters; omitted parameters become `-`.
pub fn split_list3(list: &str, what: &str) -> Result<Vec<String>> {
    let mut list = list.to_owned();
    if list.starts_with(',') {
        list.insert(0, '-');
    }
    if list.ends_with(',') {
        list.push('-');
    }
    while list.contains(",,") {
        list = list.replace(",,", ",-,");
    }
    let mut parts = split_nested(&list, ',', what)?;
    while parts.last().is_some_and(|it| it.is_empty()) {
        parts.pop();
    }
    Ok(parts)
}

/// `numeric_value`: decimal, `0x` hex or leading-zero octal; `None` if it is none of them.
pub fn numeric_value(text: &str) -> Option<i64> {
    let lower = text.to_ascii_lowercase();
    let (negative, digits) = match lower.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, lower),
    };
    let value = if let Some(hex) = digits.strip_prefix("0x") {
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        i64::from_str_radix(hex, 16).ok()?
    } else if digits.starts_with('0') {
        if !digits.chars().all(|c| ('0'..='7').contains(&c)) {
            return None;
        }
        i64::from_str_radix(&digits, 8).ok()?
    } else {
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()?
    };
    Some(if negative { -value } else { value })
}

/// `in_hex`: a value as `0x..` (kept as written when it is already hex).
pub fn in_hex(text: &str) -> String {
    if text.starts_with("0x") {
        return text.to_owned();
    }
    match numeric_value(text) {
        Some(value) => format!("{value:#x}"),
        None => text.to_owned(),
    }
}

/// Whether a column value is given (`supplied`: defined and not empty).
pub fn supplied(value: &str) -> bool {
    !value.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_shorewall() {
        assert_eq!(split_list("a,b", "x").unwrap(), ["a", "b"]);
        assert!(split_list("a,,b", "x").is_err());
        assert_eq!(split_list1("a,(b,c),d", "x").unwrap(), ["a", "b,c", "d"]);
        assert_eq!(
            split_list2("SSH(ACCEPT):info:tag", "x").unwrap(),
            ["SSH(ACCEPT)", "info", "tag"]
        );
        assert_eq!(
            split_list2("NFLOG(1,2):x", "x").unwrap(),
            ["NFLOG(1,2)", "x"]
        );
        assert_eq!(
            split_list3(",a,,b(c,d),", "x").unwrap(),
            ["-", "a", "-", "b(c,d)", "-"]
        );
        assert_eq!(numeric_value("0x10"), Some(16));
        assert_eq!(numeric_value("010"), Some(8));
        assert_eq!(numeric_value("12"), Some(12));
        assert_eq!(numeric_value("1x"), None);
        assert_eq!(in_hex("255"), "0xff");
    }
}
