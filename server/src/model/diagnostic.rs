//! Diagnostics: what is wrong, where, how badly, under a stable code.
//!
//! Codes are kebab-case and never renamed once released (`docs/diagnostics.md` lists them).
//! Messages name the offending text; where Shorewall 5.2.8 has a message for the same mistake,
//! ours says the same thing, so that users can search for either.

use shorewall_syntax::TextRange;

use crate::model::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// A note that is neither: e.g. "zones were not checked".
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Site {
    pub file: FileId,
    pub range: TextRange,
}

/// A text replacement that fixes a diagnostic (4.4 spellings, for instance).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub label: String,
    pub site: Site,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub site: Site,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// Other places that explain this one (the macro line an error comes from, the first
    /// definition of a duplicate).
    pub related: Vec<(Site, String)>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn error(code: &'static str, site: Site, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            site,
            severity: Severity::Error,
            code,
            message: message.into(),
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn warning(code: &'static str, site: Site, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, site, message)
        }
    }

    pub fn info(code: &'static str, site: Site, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Info,
            ..Diagnostic::error(code, site, message)
        }
    }

    pub fn with_related(mut self, site: Site, message: impl Into<String>) -> Diagnostic {
        self.related.push((site, message.into()));
        self
    }

    pub fn with_fix(
        mut self,
        label: impl Into<String>,
        site: Site,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.fix = Some(Fix {
            label: label.into(),
            site,
            replacement: replacement.into(),
        });
        self
    }
}

/// Every diagnostic code, with a one-line summary (the table of `docs/diagnostics.md`, checked
/// by a test).
pub const CODES: &[(&str, &str)] = &[
    ("syntax-error", "the line cannot be read as Shorewall syntax"),
    ("too-many-columns", "a record has more columns than its file allows"),
    ("forbidden-character", "quotes, backslashes or non-ASCII characters in a column"),
    ("unbalanced-conditional", "?IF without ?ENDIF, or ?ELSE/?ELSIF/?ENDIF without ?IF"),
    ("unreadable-file", "a file that is missing, too large, binary or not UTF-8"),
    ("include-not-found", "INCLUDE of a file that does not exist"),
    ("include-error", "an INCLUDE that is malformed, nested too deeply or circular"),
    ("undefined-variable", "a $VARIABLE that neither params nor shorewall6.conf defines"),
    ("params-not-evaluated", "a params line we do not run, leaving its variable unknown"),
    ("params-failed", "a params line that stops the shell (${NAME:?message}), so Shorewall stops"),
    ("invalid-conditional", "a ?IF/?ELSIF expression we cannot evaluate, or a malformed directive"),
    ("directive-message", "an ?ERROR, ?WARNING or ?INFO directive that is reached"),
    ("unknown-setting", "a shorewall6.conf option that Shorewall 5.2.8 does not know"),
    ("invalid-setting", "a shorewall6.conf value Shorewall 5.2.8 rejects"),
    ("old-spelling", "a Shorewall 4.4 spelling: an error where 5.2.8 rejects it, a warning where it still accepts it"),
    ("zones-not-checked", "no zones file: zone names were not checked"),
    ("missing-file", "a file Shorewall needs is missing or empty"),
    ("invalid-zone-name", "a zone name Shorewall rejects"),
    ("zone-name-too-long", "a zone name longer than LOGFORMAT allows"),
    ("duplicate-zone", "a zone defined twice"),
    ("invalid-zone-type", "an unknown zone type"),
    ("invalid-zone-option", "an unknown or malformed zone option"),
    ("unknown-zone", "a zone that the zones file does not define"),
    ("unknown-interface", "an interface that the interfaces file does not define"),
    ("duplicate-interface", "an interface defined twice"),
    ("invalid-interface-option", "an unknown or malformed interface option"),
    ("invalid-host", "a malformed hosts file entry"),
    ("invalid-policy", "an unknown policy or a malformed policy entry"),
    ("duplicate-policy", "a policy for a zone pair that already has one"),
    ("unknown-action", "an action or macro that is not defined"),
    ("invalid-action", "an action used with the wrong parameters or in the wrong place"),
    ("macro-needs-parameter", "a macro whose body uses PARAM, invoked without one"),
    ("invalid-log-level", "an unknown log level"),
    ("log-prefix-truncated", "a log prefix longer than 29 characters, which Shorewall shortens"),
    ("missing-zone", "a rule without a SOURCE or DEST zone"),
    ("invalid-address", "an address, network or host name Shorewall cannot use"),
    ("wrong-address-family", "an IPv4 address in an IPv6 configuration, or the reverse"),
    ("invalid-prefix-length", "a prefix length (VLSM) out of range"),
    ("unknown-protocol", "a protocol name or number that does not exist"),
    ("invalid-port", "a port number out of range or an unknown service name"),
    ("invalid-port-range", "a port range whose first port is above its last"),
    ("port-without-protocol", "DPORT or SPORT without a PROTO that has ports"),
    ("invalid-rate", "a malformed RATE"),
    ("rate-with-drop", "a RATE on a DROP rule, which Shorewall does not allow"),
    ("section-order", "a ?SECTION that repeats or comes out of order"),
    ("action-not-allowed-in-section", "an action that its ?SECTION does not allow"),
    ("fastaccept-established", "rules in the ESTABLISHED or RELATED section with FASTACCEPT=Yes"),
    ("user-requires-firewall-source", "USER/GROUP on a rule whose SOURCE is not the firewall"),
    ("mac-in-dest", "a MAC address in DEST, which netfilter cannot match"),
    ("invalid-column", "a value that its column does not accept"),
    ("missing-capability", "a feature that needs a kernel or iptables capability the capabilities lack"),
    ("ignored-column", "a column Shorewall ignores in this rule"),
    ("empty-zone", "a zone with no interface or host (a warning)"),
    ("compile-error", "a mistake the compiler finds in a file the model does not check (masq, snat, conntrack, ...)"),
    ("compile-warning", "a warning of the compiler that the model does not give, on the record it is about"),
];
