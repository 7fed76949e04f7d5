//! Formatter options for a file: the project's defaults, then the `[format]` table of the
//! nearest `.shorewall-ls.toml` (in the file's directory or above it), then what the caller
//! says (CLI flags, editor settings). Keys are documented in `docs/formatting.md`:
//!
//! ```toml
//! [format]
//! align = true             # line columns up
//! use_tabs = false         # pad with spaces (true: tabs)
//! tab_width = 8            # columns start on multiples of this
//! max_column_width = 24    # a longer value does not widen its column for every line
//! ```

use std::path::{Path, PathBuf};

use shorewall_syntax::format::FormatOptions;

/// The name of the configuration file, looked up from a file's directory upwards.
pub const CONFIG_FILE_NAME: &str = ".shorewall-ls.toml";

/// The largest `tab_width` we accept.
pub const MAX_TAB_WIDTH: u32 = 16;

/// The largest `max_column_width` we accept.
pub const MAX_COLUMN_WIDTH: u32 = 256;

/// Formatter settings that may each be unset; a later layer's set values win.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormatSettings {
    pub align: Option<bool>,
    pub use_tabs: Option<bool>,
    pub tab_width: Option<u32>,
    pub max_column_width: Option<u32>,
}

impl FormatSettings {
    /// `self` with the values `over` sets replacing its own.
    pub fn overridden_by(self, over: FormatSettings) -> FormatSettings {
        FormatSettings {
            align: over.align.or(self.align),
            use_tabs: over.use_tabs.or(self.use_tabs),
            tab_width: over.tab_width.or(self.tab_width),
            max_column_width: over.max_column_width.or(self.max_column_width),
        }
    }

    /// The default options with these settings applied (`upgrade` stays off: it is asked for
    /// per run, never configured).
    pub fn to_options(self) -> FormatOptions {
        let defaults = FormatOptions::default();
        FormatOptions {
            align: self.align.unwrap_or(defaults.align),
            use_tabs: self.use_tabs.unwrap_or(defaults.use_tabs),
            tab_width: self.tab_width.unwrap_or(defaults.tab_width),
            max_column_width: self.max_column_width.unwrap_or(defaults.max_column_width),
            upgrade: false,
        }
    }
}

/// The options to use when nothing is configured.
pub fn default_options() -> FormatOptions {
    FormatSettings::default().to_options()
}

/// The nearest `.shorewall-ls.toml` in `dir` or a directory above it.
pub fn find_config_file(dir: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    start
        .ancestors()
        .map(|it| it.join(CONFIG_FILE_NAME))
        .find(|it| it.is_file())
}

/// The settings of the nearest configuration file above `dir` (none if there is none), and
/// the file they come from.
pub fn load_settings(dir: &Path) -> Result<(FormatSettings, Option<PathBuf>), String> {
    let Some(path) = find_config_file(dir) else {
        return Ok((FormatSettings::default(), None));
    };
    let text = std::fs::read_to_string(&path).map_err(|it| format!("{}: {it}", path.display()))?;
    let settings = parse_settings(&text).map_err(|it| format!("{}: {it}", path.display()))?;
    Ok((settings, Some(path)))
}

/// Reads the `[format]` table of a configuration file. Other tables are for other features and
/// are ignored here; an unknown key or a wrong value inside `[format]` is an error, so that a
/// typo does not go unnoticed.
pub fn parse_settings(text: &str) -> Result<FormatSettings, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|it: toml::de::Error| it.message().to_owned())?;
    let mut settings = FormatSettings::default();
    let Some(format) = table.get("format") else {
        return Ok(settings);
    };
    let format = format
        .as_table()
        .ok_or_else(|| "`format` must be a table ([format])".to_owned())?;
    for (key, value) in format {
        match key.as_str() {
            "align" => settings.align = Some(boolean(key, value)?),
            "use_tabs" => settings.use_tabs = Some(boolean(key, value)?),
            "tab_width" => settings.tab_width = Some(number(key, value, MAX_TAB_WIDTH)?),
            "max_column_width" => {
                settings.max_column_width = Some(number(key, value, MAX_COLUMN_WIDTH)?)
            }
            other => {
                return Err(format!(
                    "unknown key `{other}` in [format] (known: align, use_tabs, tab_width, \
                     max_column_width)"
                ))
            }
        }
    }
    Ok(settings)
}

fn boolean(key: &str, value: &toml::Value) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| format!("`{key}` must be true or false"))
}

fn number(key: &str, value: &toml::Value, max: u32) -> Result<u32, String> {
    value
        .as_integer()
        .and_then(|it| u32::try_from(it).ok())
        .filter(|it| (1..=max).contains(it))
        .ok_or_else(|| format!("`{key}` must be a whole number from 1 to {max}"))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;

    #[test]
    fn settings_from_toml() {
        let settings = parse_settings(
            "[format]\nalign = false\nuse_tabs = true\ntab_width = 4\nmax_column_width = 30\n\
             [check]\nwhatever = 1\n",
        );
        expect![[r#"
            Ok(
                FormatSettings {
                    align: Some(
                        false,
                    ),
                    use_tabs: Some(
                        true,
                    ),
                    tab_width: Some(
                        4,
                    ),
                    max_column_width: Some(
                        30,
                    ),
                },
            )
        "#]]
        .assert_debug_eq(&settings);
    }

    #[test]
    fn mistakes_are_errors() {
        let errors: Vec<String> = [
            "[format]\nalign = 1\n",
            "[format]\ntab_width = 0\n",
            "[format]\nmax_column_width = -3\n",
            "[format]\nuse-tabs = true\n",
            "format = 3\n",
            "[format\n",
        ]
        .iter()
        .map(|it| parse_settings(it).err().unwrap_or_default())
        .collect();
        expect![[r#"
            [
                "`align` must be true or false",
                "`tab_width` must be a whole number from 1 to 16",
                "`max_column_width` must be a whole number from 1 to 256",
                "unknown key `use-tabs` in [format] (known: align, use_tabs, tab_width, max_column_width)",
                "`format` must be a table ([format])",
                "invalid table header\nexpected `.`, `]`",
            ]
        "#]]
        .assert_debug_eq(&errors);
    }

    #[test]
    fn layers() {
        let file = FormatSettings {
            use_tabs: Some(true),
            tab_width: Some(4),
            ..FormatSettings::default()
        };
        let flags = FormatSettings {
            tab_width: Some(2),
            ..FormatSettings::default()
        };
        let options = file.overridden_by(flags).to_options();
        assert_eq!(
            options,
            FormatOptions {
                use_tabs: true,
                tab_width: 2,
                ..default_options()
            }
        );
        assert_eq!(
            FormatSettings::default().to_options(),
            FormatOptions::default()
        );
    }
}
