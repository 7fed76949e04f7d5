//! The Shorewall 4.x files that 5.2.8 no longer reads but warns about when a configuration
//! still has them (`Misc.pm process_tos`, `add_common_rules`, `compile_stop_firewall`): the
//! tos, blacklist, tcrules and routestopped files, which `update` converts.

use std::path::PathBuf;

use crate::model::{self, catalog};

use super::lower::{Compiler, Warning};

impl Compiler<'_> {
    /// `process_tos`: a tos file with a record is read and ignored, with a warning on its
    /// first record.
    pub(crate) fn warn_tos_file(&mut self) {
        let records = model::read_config_records(self.model, self.env, "tos");
        if let Some(first) = records.first() {
            self.warnings.push(Warning {
                message: "Use of the tos file is no longer supported -- use the TOS target in \
                          the mangle file instead"
                    .to_owned(),
                site: None,
                place: Some((first.path.clone(), first.line)),
            });
        }
    }

    /// `add_common_rules`: a blacklist file, empty or not, is ignored with a warning.
    pub(crate) fn warn_blacklist_file(&mut self) {
        if let Some(path) = self.legacy_file("blacklist") {
            let product = self.product();
            self.warn(format!(
                "The blacklist file is no longer supported -- use '{product} update' to convert {} to the equivalent blrules file",
                path.display()
            ));
        }
    }

    /// `setup_mangle`: a tcrules file, empty or not, is ignored with a warning.
    pub(crate) fn warn_tcrules_file(&mut self) {
        if let Some(path) = self.legacy_file("tcrules") {
            let product = self.product();
            self.warn(format!(
                "The tcrules file is no longer supported -- use '{product} update' to convert {} to an equivalent 'mangle' file",
                path.display()
            ));
        }
    }

    /// `compile_stop_firewall`: a routestopped file, empty or not, is ignored with a warning.
    pub(crate) fn warn_routestopped_file(&mut self) {
        if let Some(path) = self.legacy_file("routestopped") {
            let product = self.product();
            self.warn(format!(
                "The routestopped file is no longer supported - use '{product} update' to convert {} to an equivalent 'stoppedrules' file",
                path.display()
            ));
        }
    }

    /// Where Shorewall finds the file `name` (`find_file`), when it is there.
    fn legacy_file(&self, name: &str) -> Option<PathBuf> {
        let model = self.model;
        let path = catalog::config_file_path(
            &model.settings,
            &model.dir,
            model.family,
            self.env.vfs,
            name,
        );
        self.env.vfs.exists(&path).then_some(path)
    }

    /// `shorewall6` or `shorewall`, as the messages name the command.
    fn product(&self) -> &'static str {
        self.model.family.conf_file_name().trim_end_matches(".conf")
    }
}
