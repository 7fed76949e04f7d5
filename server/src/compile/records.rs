//! Entering a record of a configuration file the compiler reads itself (providers, mangle,
//! snat, ...): where its errors, warnings and rules come from, and the check Shorewall's
//! `split_line` makes of its column count before anything else.

use shorewall_syntax::FileKind;

use crate::model::{comments_allowed, ConfigRecord};

use super::lower::Compiler;
use super::{error, Result};

impl Compiler<'_> {
    /// Makes `record` the place of the errors and warnings that follow, and fails as Shorewall
    /// does on a record with more columns than its file has.
    pub(crate) fn enter_record(&mut self, record: &ConfigRecord) -> Result<()> {
        self.place = Some((record.path.clone(), record.line));
        if comments_allowed(record.kind) {
            // The rules of the record carry the `?COMMENT` in effect (the file's readers
            // clear it after their last record, as Shorewall does at the end of a file).
            self.chains.comment = match &record.comment {
                Some(comment) if self.caps().has("COMMENTS") => comment.clone(),
                _ => String::new(),
            };
        }
        if record.too_many_columns {
            return error(format!(
                "Invalid {} entry (too many columns)",
                entry_description(record.kind)
            ));
        }
        Ok(())
    }

    /// [`Compiler::enter_record`], and the record is the origin of the rules that follow (its
    /// `file:line` for `--annotate` and TRACK_RULES).
    pub(crate) fn enter_record_with_origin(&mut self, record: &ConfigRecord) -> Result<()> {
        let name = record
            .path
            .file_name()
            .map(|it| it.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.chains.origin = format!("{name}:{}", record.line);
        self.enter_record(record)
    }
}

/// What `split_line` calls an entry of a file in its "Invalid ... entry" errors (the first
/// argument of each module's call: `Providers.pm`, `Rules.pm`, `Tc.pm`, ...). The rtrules
/// reader reads route_rules too.
fn entry_description(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Accounting => "Accounting File",
        FileKind::Conntrack => "Conntrack File",
        FileKind::Maclist => "maclist file",
        FileKind::Mangle => "mangle file",
        FileKind::Masq => "masq file",
        FileKind::Snat => "snat file",
        FileKind::Nat => "nat file",
        FileKind::Netmap => "netmap file",
        FileKind::Providers => "providers file",
        FileKind::RtRules => "rtrules file",
        FileKind::Routes => "routes file",
        FileKind::Tunnels => "tunnels file",
        FileKind::TcInterfaces => "tcinterfaces",
        FileKind::TcDevices => "tcdevices",
        FileKind::TcClasses => "tcclasses file",
        FileKind::TcFilters => "tcfilters file",
        FileKind::TcPri => "tcpri",
        FileKind::Secmarks => "Secmarks file",
        FileKind::Ecn => "ecn file entry",
        FileKind::StoppedRules => "stoppedrules file",
        _ => "configuration file",
    }
}
