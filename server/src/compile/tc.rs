//! Traffic shaping (`Tc.pm process_tc`, `process_tcpri`): what the tc files put into the
//! ip6tables rules, and Shorewall's errors on them.
//!
//! Only the files of the TC_ENABLED mode in effect are read: none with `No`, tcinterfaces and
//! tcpri with `Simple`, tcdevices, tcclasses and tcfilters with `Internal` and `Shared`.
//! Simple traffic shaping makes `tc` commands from tcinterfaces (no ip6tables rules, but its
//! errors stop the compilation) and MARK rules in the mangle `tcfor` and `tcpost` chains from
//! tcpri.
//! The complex traffic shaping files are read in `tc_complex`.

use crate::model::{self, ConfigRecord};

use super::addresses::{match_net, Side};
use super::chains::TableId;
use super::lists::{numeric_value, split_list};
use super::lower::Compiler;
use super::matches as m;
use super::{error, unsupported, Result};

/// TC_ENABLED=Yes (`get_configuration`): the tcstart script must be found along CONFIG_PATH
/// (the library directories hold none).
/// Its `tc` commands are no ip6tables input, so the ruleset is TC_ENABLED=No's.
pub(crate) fn require_tcstart(
    model: &model::Model,
    env: &model::Environment<'_>,
    config: &super::config::CompileConfig,
) -> std::result::Result<(), super::lower::Failure> {
    if !config.tc_enabled.eq_ignore_ascii_case("yes") {
        return Ok(());
    }
    if env.vfs.exists(&model.dir.join("tcstart")) {
        return Ok(());
    }
    // The other directories of a CONFIG_PATH of the configuration's own may hold it.
    if model.settings.supplied("CONFIG_PATH").is_some() {
        return Err(super::lower::Failure {
            kind: super::FatalKind::Unsupported,
            message: "TC_ENABLED=Yes with a tcstart script outside the configuration directory is not supported by the preview yet".to_owned(),
            site: model.settings.site("TC_ENABLED"),
            place: None,
        });
    }
    Err(super::lower::Failure {
        kind: super::FatalKind::Error,
        message: "Unable to find tcstart file".to_owned(),
        site: model.settings.site("TC_ENABLED"),
        place: None,
    })
}

impl Compiler<'_> {
    /// `process_tc`: the files of the TC_ENABLED mode that are read before the providers.
    pub(crate) fn process_tc(&mut self) -> Result<()> {
        match self.config.tc_enabled.as_str() {
            "Simple" => self.process_tcinterfaces(),
            "Internal" | "Shared" => self.process_traffic_shaping(),
            _ => Ok(()),
        }
    }

    /// `process_tcinterfaces` (`process_simple_device` for each record): only errors come out
    /// of it here, its `tc` commands are no ip6tables rules.
    fn process_tcinterfaces(&mut self) -> Result<()> {
        let mut devices: Vec<String> = Vec::new();
        for record in model::read_config_records(self.model, self.env, "tcinterfaces") {
            self.enter_record(&record)?;
            let column = |idx: usize| record.column(idx);
            let (device, kind, in_rate, out_part) = (column(0), column(1), column(2), column(3));
            if device == "-" {
                return error("INTERFACE must be specified");
            }
            if devices.iter().any(|it| it == device) {
                return error(format!("Duplicate INTERFACE ({device})"));
            }
            if device.contains([':', '+']) {
                return error(format!("Invalid INTERFACE name ({device})"));
            }
            devices.push(device.to_owned());
            if device.contains('*') {
                return error(format!("Invalid interface ({device})"));
            }
            if self.topo.known_interface(device).is_none() {
                return error(format!("Unknown interface( {device} )"));
            }
            if kind != "-" && !matches!(kind.to_ascii_lowercase().as_str(), "external" | "internal")
            {
                return error(format!("Invalid TYPE ({kind})"));
            }
            self.validate_in_bandwidth(in_rate)?;
            if out_part != "-" {
                validate_out_bandwidth(out_part)?;
            }
        }
        self.place = None;
        Ok(())
    }

    /// `process_in_bandwidth`: the IN-BANDWIDTH column of tcinterfaces and tcdevices.
    pub(crate) fn validate_in_bandwidth(&self, in_rate: &str) -> Result<()> {
        if in_rate == "-" || in_rate == "0" {
            return Ok(());
        }
        if let Some(estimated) = in_rate.strip_prefix('~') {
            if !self.caps().has("BASIC_FILTER") {
                return error(
                    "An estimated policing filter requires Basic Filter in your kernel and iptables",
                );
            }
            let mut rate = estimated;
            if estimated.contains(':') {
                let mut parts = estimated.splitn(3, ':');
                rate = parts.next().unwrap_or("");
                let interval = parts.next().filter(|it| !it.is_empty());
                let decay = parts.next().filter(|it| !it.is_empty());
                let (Some(interval), Some(decay)) = (interval, decay) else {
                    return error(format!("Invalid IN-BANDWIDTH ({in_rate})"));
                };
                if !matches!(
                    interval,
                    "250ms" | "500ms" | "1sec" | "2sec" | "4sec" | "8sec"
                ) {
                    return error(format!("Invalid Interval ({interval})"));
                }
                let decays = [
                    "500ms", "1sec", "2sec", "4sec", "8sec", "16sec", "32sec", "64sec",
                ];
                if !decays.contains(&decay) {
                    return error(format!("Invalid Decay ({decay})"));
                }
                let seconds = |it: &str| it.trim_end_matches("sec").parse::<u32>().unwrap_or(0);
                let twice = if decay.contains("ms") {
                    interval == "250ms"
                } else {
                    interval.contains("ms") || seconds(decay) > seconds(interval)
                };
                if !twice {
                    return error("Decay must be at least twice the interval");
                }
            }
            rate_to_kbit(rate)?;
            return Ok(());
        }
        let mut band = in_rate;
        if let Some((rate, burst)) = in_rate.split_once(':') {
            if !is_size(burst, false) {
                return error(format!("Invalid burst ({burst})"));
            }
            band = rate;
        }
        rate_to_kbit(band)?;
        Ok(())
    }

    /// `process_tcpri` (TC_ENABLED=Simple): each record's MARK rules in the mangle `tcfor`
    /// (INTERFACE) or `tcpost` chain, in file order, before the mangle file's.
    pub(crate) fn process_tcpri(&mut self) -> Result<()> {
        if self.config.tc_enabled != "Simple" {
            return Ok(());
        }
        for record in model::read_config_records(self.model, self.env, "tcpri") {
            self.enter_record_with_origin(&record)?;
            self.process_tc_priority(&record)?;
        }
        self.place = None;
        self.chains.comment.clear();
        self.chains.origin.clear();
        Ok(())
    }

    /// `process_tc_priority`: one record, once per protocol of its PROTO list.
    fn process_tc_priority(&mut self, record: &ConfigRecord) -> Result<()> {
        let column = |idx: usize| record.column(idx);
        // `?FORMAT 2` inserts SPORT after DPORT.
        let (band, protos, dports) = (column(0), column(1), column(2));
        let (sports, rest) = if record.format >= 2 {
            (column(3), 4)
        } else {
            ("-", 3)
        };
        let (address, interface, helper) = (column(rest), column(rest + 1), column(rest + 2));
        if band == "-" {
            return error("BAND must be specified");
        }
        let columns = [protos, dports, sports, address, interface, helper];
        if columns.iter().all(|it| *it == "-") {
            return error("Invalid tcpri entry");
        }
        if !numeric_value(band).is_some_and(|it| (1..=3).contains(&it)) {
            return error(format!("Invalid PRIORITY ({band})"));
        }
        for proto in split_list(protos, "Protocol")? {
            let entry = Priority {
                band,
                proto,
                dports,
                sports,
                address,
                interface,
                helper,
                format: record.format,
            };
            self.process_tc_priority1(&entry)?;
        }
        Ok(())
    }

    /// `process_tc_priority1`: the rules of one protocol of a record.
    fn process_tc_priority1(&mut self, entry: &Priority<'_>) -> Result<()> {
        let mut rule = self.do_helper(entry.helper)?;
        rule.push_str(&format!("-j MARK --set-mark {}", entry.band));
        if self.caps().has("EXMARK") {
            rule.push_str(&format!("/{:#x}", self.config.tc_mask));
        }
        let no_ports = entry.dports == "-" && entry.sports == "-";
        if entry.interface != "-" {
            if entry.address != "-" || entry.proto != "-" || !no_ports {
                return error("Invalid combination of columns");
            }
            // `match_source_dev`: an undeclared interface is matched by its name.
            if entry.interface.contains('*') {
                return error(format!("Invalid interface ({})", entry.interface));
            }
            let physical = self.topo.physical_of(entry.interface);
            let bridge = self
                .topo
                .known_interface(entry.interface)
                .filter(|it| it.option("port"))
                .map(|it| self.topo.physical_of(&it.bridge));
            let dev = match bridge {
                _ if physical == "+" => String::new(),
                Some(bridge) => format!("-i {bridge} -m physdev --physdev-in {physical} "),
                None => format!("-i {physical} "),
            };
            self.chains
                .add_rule(TableId::Mangle, "tcfor", &format!("{dev}{rule}"), true)?;
            return Ok(());
        }
        if entry.address != "-" {
            if entry.proto != "-" || !no_ports {
                return error("Invalid combination of columns");
            }
            let source = match_net(entry.address, Side::Source)?;
            self.chains
                .add_rule(TableId::Mangle, "tcpost", &format!("{source}{rule}"), true)?;
            return Ok(());
        }
        if entry.proto.starts_with("ipp2p") {
            return unsupported("ipp2p in the tcpri file is not supported by the preview");
        }
        let proto = m::do_proto(
            self.names(),
            self.caps(),
            entry.proto,
            entry.dports,
            entry.sports,
        )?;
        self.chains
            .add_rule(TableId::Mangle, "tcpost", &format!("{proto}{rule}"), true)?;
        if entry.dports != "-" && entry.format == 1 {
            // Format 1's PORT matches the source port too.
            let number = m::resolve_proto(self.names(), entry.proto);
            if !matches!(number, Some(1 | 58)) {
                let proto = m::do_proto(self.names(), self.caps(), entry.proto, "-", entry.dports)?;
                self.chains
                    .add_rule(TableId::Mangle, "tcpost", &format!("{proto}{rule}"), true)?;
            }
        }
        Ok(())
    }
}

/// The columns of one protocol of a tcpri record.
struct Priority<'r> {
    band: &'r str,
    proto: &'r str,
    dports: &'r str,
    sports: &'r str,
    address: &'r str,
    interface: &'r str,
    helper: &'r str,
    format: u32,
}

/// The OUT-BANDWIDTH column of tcinterfaces: `rate[:burst[:latency[:peak[:minburst]]]]`.
fn validate_out_bandwidth(out_part: &str) -> Result<()> {
    // Perl's list assignment of a `split` gives it a limit of one more than the variables: a
    // sixth field and what follows are dropped.
    let parts: Vec<&str> = out_part.splitn(6, ':').collect();
    let part = |idx: usize| parts.get(idx).copied().filter(|it| !it.is_empty());
    if parts.first().is_some_and(|it| it.is_empty()) {
        return error(format!("Invalid Out-BANDWIDTH ({out_part})"));
    }
    rate_to_kbit(parts.first().copied().unwrap_or(""))?;
    if let Some(burst) = part(1) {
        if !is_size(burst, true) {
            return error(format!("Invalid burst ({burst})"));
        }
    }
    if let Some(latency) = part(2) {
        let units = [
            "", "s", "sec", "secs", "ms", "msec", "msecs", "us", "usec", "usecs",
        ];
        if !number_with_unit(latency, true, &units) {
            return error(format!("Invalid latency ({latency})"));
        }
    }
    if let Some(peak) = part(3) {
        if !is_size(peak, true) {
            return error(format!("Invalid peak ({peak})"));
        }
    }
    if let Some(minburst) = part(4) {
        if !is_size(minburst, true) {
            return error(format!("Invalid minburst ({minburst})"));
        }
    }
    Ok(())
}

/// `\d+(?:\.\d+)?(k|kb|m|mb|mbit|kbit|b)?` (`fraction`) or `\d+(k|kb|m|mb|mbit|kbit|b)?`.
fn is_size(text: &str, fraction: bool) -> bool {
    number_with_unit(
        text,
        fraction,
        &["", "k", "kb", "m", "mb", "mbit", "kbit", "b"],
    )
}

/// Digits, an optional `.digits` when `fraction`, then one of `units`.
fn number_with_unit(text: &str, fraction: bool, units: &[&str]) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let mut rest = &text[digits..];
    if fraction {
        if let Some(after) = rest.strip_prefix('.') {
            let decimals = after.bytes().take_while(u8::is_ascii_digit).count();
            if decimals > 0 {
                rest = &after[decimals..];
            }
        }
    }
    units.contains(&rest)
}

/// `rate_to_kbit`: a rate in kbit/s (`-` is 0); only its errors matter here.
pub(crate) fn rate_to_kbit(rate: &str) -> Result<f64> {
    if rate == "-" {
        return Ok(0.0);
    }
    let lower = rate.to_ascii_lowercase();
    let number = |text: &str| -> Option<f64> {
        let (int, frac) = text.split_once('.').unwrap_or((text, "1"));
        let digits = |it: &str| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit());
        (digits(int) && digits(frac))
            .then(|| text.parse().ok())
            .flatten()
    };
    let scaled = [
        ("kbit", 1.0),
        ("mbit", 1000.0),
        ("mbps", 8000.0),
        ("kbps", 8.0),
    ]
    .iter()
    .find_map(|(unit, factor)| {
        let value = lower.strip_suffix(unit)?;
        Some(number(value)? * factor)
    });
    if let Some(value) = scaled {
        return Ok(value);
    }
    // `bps` (case-sensitive) or no unit: bytes per second.
    let bytes = rate.strip_suffix("bps").unwrap_or(rate);
    match number(bytes) {
        Some(value) => Ok(value / 125.0),
        None => error(format!("Invalid Rate ({rate})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_shorewall_reads_them() {
        assert_eq!(rate_to_kbit("100kbit"), Ok(100.0));
        assert_eq!(rate_to_kbit("1.5MBIT"), Ok(1500.0));
        assert_eq!(rate_to_kbit("2mbps"), Ok(16000.0));
        assert_eq!(rate_to_kbit("1250"), Ok(10.0));
        assert_eq!(rate_to_kbit("1250bps"), Ok(10.0));
        assert!(rate_to_kbit("1250BPS").is_err());
        assert!(rate_to_kbit("fast").is_err());
        assert!(rate_to_kbit("1.kbit").is_err());
    }

    #[test]
    fn sizes_and_latencies_have_their_units() {
        assert!(is_size("10kb", false));
        assert!(!is_size("1.5kb", false));
        assert!(is_size("1.5kb", true));
        assert!(!is_size("10kbps", true));
        assert!(validate_out_bandwidth("10mbit:10kb:200ms:1mbit:1500b").is_ok());
        assert!(validate_out_bandwidth("10mbit::").is_ok());
        assert!(validate_out_bandwidth("10mbit:1:2:3:4:5").is_ok());
        assert!(validate_out_bandwidth(":10kb").is_err());
        assert!(validate_out_bandwidth("10mbit:10kb:2h").is_err());
    }
}
