//! Complex traffic shaping (TC_ENABLED=Internal or Shared, `Tc.pm process_traffic_shaping`):
//! the tcdevices, tcclasses and tcfilters files.
//!
//! They make `tc` commands, which are no ip6tables input, so what matters here is every error
//! and warning Shorewall gives on them, in its order, and the classes they define: the mangle
//! file's CLASSIFY names one of them (`%classids`) and goes out through its device.

use std::collections::HashMap;

use crate::model::{self, ConfigRecord};

use super::addresses::validate_net;
use super::lists::{numeric_value, split_list, split_list1};
use super::lower::Compiler;
use super::matches as m;
use super::tc::rate_to_kbit;
use super::{error, unsupported, Result};

/// What the complex shaping files defined.
#[derive(Default, Clone)]
pub(crate) struct ComplexTc {
    devices: Vec<Device>,
    /// Device number → index in `devices` (`@devnums`).
    numbers: HashMap<u64, usize>,
    /// `devnum:classnum` in hex → index in `devices` (`%classids`).
    classids: HashMap<String, usize>,
}

/// A CLASSIFY class as the mangle file sees it.
pub(crate) struct ClassifyClass<'a> {
    /// The device's name as written in tcdevices.
    pub device: &'a str,
    /// Whether the device is an IFB (has REDIRECTED devices).
    pub redirected: bool,
    /// Whether the class has no sub-classes.
    pub leaf: bool,
}

impl ComplexTc {
    /// The class `classid` (`devnum:classnum`, as the mangle file normalized it), if defined.
    pub(crate) fn class(&self, classid: &str, classnum: u64) -> Option<ClassifyClass<'_>> {
        let device = self.devices.get(*self.classids.get(classid)?)?;
        Some(ClassifyClass {
            device: &device.name,
            redirected: device.redirected,
            leaf: device.class(classnum).is_some_and(|it| it.leaf),
        })
    }
}

#[derive(Clone)]
struct Device {
    name: String,
    number: u64,
    classify: bool,
    flow: String,
    pfifo: bool,
    hfsc: bool,
    redirected: bool,
    in_bandwidth: bool,
    /// OUT-BANDWIDTH in kbit/s.
    full: f64,
    default: u64,
    guarantee: f64,
    filterpri: u64,
    /// The next class number with TC_BITS >= 14 (`nextclass`).
    nextclass: u64,
    /// In definition order (`@tcclasses`).
    classes: Vec<(u64, Class)>,
    /// The record that defined the device (the place of its "No default class" error).
    place: (std::path::PathBuf, u32),
}

impl Device {
    fn class(&self, number: u64) -> Option<&Class> {
        self.classes
            .iter()
            .find(|(it, _)| *it == number)
            .map(|it| &it.1)
    }

    fn class_mut(&mut self, number: u64) -> Option<&mut Class> {
        self.classes
            .iter_mut()
            .find(|(it, _)| *it == number)
            .map(|it| &mut it.1)
    }
}

#[derive(Default, Clone)]
struct Class {
    rate: f64,
    ceiling: f64,
    lsceil: f64,
    dmax: String,
    flow: String,
    pfifo: bool,
    red: bool,
    fq_codel: bool,
    leaf: bool,
    guarantee: f64,
}

/// Perl's truth of a string: false when empty or `0`.
fn truthy(text: &str) -> bool {
    !text.is_empty() && text != "0"
}

/// `hex_value`: hex digits read as a number (`None` for anything else).
fn hex_value(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 16 {
        return Some(u64::MAX);
    }
    u64::from_str_radix(if digits.is_empty() { "0" } else { digits }, 16).ok()
}

/// `normalize_hex`: lower case, leading zeros collapsed to one.
fn normalize_hex(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let zeros = lower.len() - lower.trim_start_matches('0').len();
    if zeros > 0 {
        format!("0{}", &lower[zeros..])
    } else {
        lower
    }
}

/// A number as Perl prints it (`%.15g`).
fn perl_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (14 - magnitude).clamp(0, 20) as usize;
    let text = format!("{value:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// `validate_filter_priority`.
fn filter_priority(priority: &str, kind: &str) -> Result<u64> {
    match numeric_value(priority).filter(|it| (1..=65535).contains(it)) {
        Some(it) => Ok(it as u64),
        None => error(format!("Invalid {kind} priority ({priority})")),
    }
}

/// `process_flow`: the keys of a `flow=` option.
fn process_flow(flow: &str) -> Result<String> {
    const KEYS: [&str; 17] = [
        "src",
        "dst",
        "proto",
        "proto-src",
        "proto-dst",
        "iif",
        "priority",
        "mark",
        "nfct",
        "nfct-src",
        "nfct-dst",
        "nfct-proto-src",
        "nfct-proto-dst",
        "rt-classid",
        "sk-uid",
        "sk-gid",
        "vlan-tag",
    ];
    for key in flow.split(',') {
        // Perl's `split` drops trailing empty fields.
        if key.is_empty() && flow.trim_end_matches(',').is_empty() {
            continue;
        }
        if !KEYS.contains(&key) {
            return error(format!("Invalid flow key ({key})"));
        }
    }
    Ok(flow.to_owned())
}

/// `convert_rate`: RATE, CEIL or LSCEIL in kbit/s, `full` standing for the limit `full`.
fn convert_rate(full: f64, rate: &str, column: &str, max: &str) -> Result<f64> {
    let value = if has_word(rate, "full") {
        let text = replace_word(rate, "full", &perl_number(full));
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"*/+()-".contains(&b))
        {
            return error(format!("Invalid {column} ({rate})"));
        }
        match Arithmetic::evaluate(&text) {
            Some(it) => it.trunc(),
            None => return error(format!("Invalid {column} ({rate})")),
        }
    } else {
        rate_to_kbit(rate)?
    };
    if value == 0.0 {
        return error(format!("{column} may not be zero"));
    }
    if value > full {
        return error(format!(
            "{column} ({rate}) exceeds {max} ({}kbit)",
            perl_number(full)
        ));
    }
    Ok(value)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The positions of `word` in `text` between word boundaries (`\bword\b`).
fn word_positions(text: &str, word: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    text.match_indices(word)
        .map(|it| it.0)
        .filter(|&at| {
            let before = at == 0 || !is_word_byte(bytes[at - 1]);
            let end = at + word.len();
            let after = end >= bytes.len() || !is_word_byte(bytes[end]);
            before && after
        })
        .collect()
}

fn has_word(text: &str, word: &str) -> bool {
    !word_positions(text, word).is_empty()
}

fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for at in word_positions(text, word) {
        out.push_str(&text[last..at]);
        out.push_str(with);
        last = at + word.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Perl's `eval` of an expression of numbers, `+ - * / **` and parentheses; `None` where
/// Perl's would fail (a syntax error, a division by zero).
struct Arithmetic<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Arithmetic<'_> {
    fn evaluate(text: &str) -> Option<f64> {
        let mut parser = Arithmetic {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = parser.sum()?;
        (parser.at == parser.bytes.len()).then_some(value)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn sum(&mut self) -> Option<f64> {
        let mut value = self.product()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.at += 1;
            if self.peek() == Some(op) {
                // `++`/`--` would modify a constant.
                return None;
            }
            let right = self.product()?;
            value = if op == b'+' {
                value + right
            } else {
                value - right
            };
        }
        Some(value)
    }

    fn product(&mut self) -> Option<f64> {
        let mut value = self.unary()?;
        loop {
            match self.peek() {
                Some(b'*') if self.bytes.get(self.at + 1) != Some(&b'*') => {
                    self.at += 1;
                    value *= self.unary()?;
                }
                Some(b'/') => {
                    self.at += 1;
                    let right = self.unary()?;
                    if right == 0.0 {
                        return None;
                    }
                    value /= right;
                }
                _ => return Some(value),
            }
        }
    }

    fn unary(&mut self) -> Option<f64> {
        match self.peek() {
            Some(b'-') => {
                self.at += 1;
                if self.peek() == Some(b'-') {
                    return None;
                }
                Some(-self.unary()?)
            }
            Some(b'+') => {
                self.at += 1;
                if self.peek() == Some(b'+') {
                    return None;
                }
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Option<f64> {
        let base = self.primary()?;
        if self.peek() == Some(b'*') && self.bytes.get(self.at + 1) == Some(&b'*') {
            self.at += 2;
            let exponent = self.unary()?;
            return Some(base.powf(exponent));
        }
        Some(base)
    }

    fn primary(&mut self) -> Option<f64> {
        if self.peek() == Some(b'(') {
            self.at += 1;
            let value = self.sum()?;
            if self.peek() != Some(b')') {
                return None;
            }
            self.at += 1;
            return Some(value);
        }
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        let digits = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        if digits.is_empty() {
            return None;
        }
        if digits.len() > 1 && digits.starts_with('0') {
            // A leading zero makes an octal literal.
            return u64::from_str_radix(digits, 8).ok().map(|it| it as f64);
        }
        digits.parse().ok()
    }
}

/// `convert_delay`: DMAX, kept as the text Perl keeps (its truth matters).
fn convert_delay(delay: &str) -> Result<String> {
    if !truthy(delay) {
        return Ok(String::new());
    }
    let number = delay.strip_suffix("ms").unwrap_or(delay);
    let (int, frac) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |it: &str| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit());
    if digits(int) && digits(frac) {
        return Ok(number.to_owned());
    }
    error(format!("Invalid Delay ({delay})"))
}

/// `convert_size`: UMAX.
fn convert_size(size: &str) -> Result<String> {
    if !truthy(size) {
        return Ok(String::new());
    }
    let number = size.strip_suffix('b').unwrap_or(size);
    if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(number.to_owned());
    }
    error(format!("Invalid Size ({size})"))
}

/// `%tosoptions`.
fn tos_option(name: &str) -> Option<&'static str> {
    Some(match name {
        "tos-minimize-delay" => "0x10/0x10",
        "tos-maximize-throughput" => "0x08/0x08",
        "tos-maximize-reliability" => "0x04/0x04",
        "tos-minimize-cost" => "0x02/0x02",
        "tos-normal-service" => "0x00/0x1e",
        _ => return None,
    })
}

/// `0x` and two lower-case hex digits.
fn tos_byte(text: &str) -> bool {
    text.len() == 4
        && text.starts_with("0x")
        && text[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `0xNN` or `0xNN/0xNN`.
fn valid_tos(text: &str) -> bool {
    match text.split_once('/') {
        Some((value, mask)) => tos_byte(value) && tos_byte(mask),
        None => tos_byte(text),
    }
}

/// The address family a tcfilters record is read in (`IPV4`, `IPV6`, `ALL` lines).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

const ICMP: u8 = 1;
const TCP: u8 = 6;
const UDP: u8 = 17;
const SCTP: u8 = 132;

impl Compiler<'_> {
    /// `process_traffic_shaping`: tcdevices, tcclasses and tcfilters, then the default class of
    /// each device, then the class ids CLASSIFY may name.
    pub(crate) fn process_traffic_shaping(&mut self) -> Result<()> {
        let mut devnum: u64 = 0;
        for record in model::read_config_records(self.model, self.env, "tcdevices") {
            self.enter_record(&record)?;
            self.validate_tc_device(&record, &mut devnum)?;
        }
        let devnum = if devnum > 10 { 10 } else { 1 };
        for record in model::read_config_records(self.model, self.env, "tcclasses") {
            self.enter_record(&record)?;
            self.validate_tc_class(&record, devnum)?;
        }
        let mut families = vec![Family::V6];
        for record in model::read_config_records(self.model, self.env, "tcfilters") {
            self.enter_record(&record)?;
            let directive = record.columns.iter().skip(1).all(|it| it == "-");
            match record.column(0) {
                "IPV4" if directive => families = vec![Family::V4],
                "IPV6" if directive => families = vec![Family::V6],
                "ALL" if directive => families = vec![Family::V4, Family::V6],
                _ => {
                    for family in families.clone() {
                        self.process_tc_filter(&record, family)?;
                    }
                }
            }
        }
        for device in &self.complex_tc.devices {
            if device.default == 0 {
                self.place = Some(device.place.clone());
                return error(format!(
                    "No default class defined for device {}",
                    device.name
                ));
            }
        }
        let mut classids = HashMap::new();
        for (index, device) in self.complex_tc.devices.iter().enumerate() {
            for (number, _) in &device.classes {
                classids.insert(format!("{:x}:{number:x}", device.number), index);
            }
        }
        self.complex_tc.classids = classids;
        self.place = None;
        Ok(())
    }

    /// `validate_tc_device`: a tcdevices record.
    fn validate_tc_device(&mut self, record: &ConfigRecord, devnum: &mut u64) -> Result<()> {
        let column = |idx: usize| record.column(idx);
        let (mut device, inband, outband, options, redirected) =
            (column(0), column(1), column(2), column(3), column(4));
        if device == "-" {
            return error("INTERFACE must be specified");
        }
        if outband == "-" {
            return error("Invalid tcdevices entry");
        }
        let tc = &self.complex_tc;
        let number;
        if device.contains(':') {
            let mut parts = device.splitn(3, ':');
            let given = parts.next().unwrap_or("");
            device = parts.next().unwrap_or("");
            if let Some(rest) = parts.next() {
                return error(format!(
                    "Invalid NUMBER:INTERFACE ({device}:{given}:{rest})"
                ));
            }
            let given = normalize_hex(given);
            number = match hex_value(&given).filter(|it| (1..256).contains(it)) {
                Some(it) => it,
                None => return error(format!("Invalid device NUMBER ({given})")),
            };
            if tc.numbers.contains_key(&number) {
                return error(format!("Duplicate interface number ({given})"));
            }
        } else {
            *devnum += 1;
            while tc.numbers.contains_key(devnum) {
                *devnum += 1;
            }
            if *devnum > 255 {
                return error("Attempting to assign a device number > 255");
            }
            number = *devnum;
        }
        if tc.devices.iter().any(|it| it.name == device) {
            return error(format!("Duplicate INTERFACE ({device})"));
        }
        if device.contains([':', '+']) {
            return error(format!("Invalid INTERFACE name ({device})"));
        }
        let (mut classify, mut pfifo, mut flow, mut hfsc, mut linklayer, mut connmark) =
            (false, false, String::new(), false, false, false);
        if options != "-" {
            for option in split_list1(options, "option")? {
                let value = |name: &str| option.strip_prefix(name).filter(|it| !it.is_empty());
                if option == "classify" {
                    classify = true;
                } else if let Some(keys) = option.strip_prefix("flow=") {
                    if pfifo {
                        return error("The 'flow' option is not allowed with 'pfifo'");
                    }
                    flow = process_flow(keys)?;
                } else if option == "pfifo" {
                    if truthy(&flow) {
                        return error("The 'pfifo'' option is not allowed with 'flow='");
                    }
                    pfifo = true;
                } else if option == "hfsc" {
                    hfsc = true;
                } else if option == "htb" {
                    hfsc = false;
                } else if let Some(layer) = option
                    .strip_prefix("linklayer=")
                    .filter(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_lowercase()))
                {
                    if !matches!(layer, "ethernet" | "atm" | "adsl") {
                        return error(format!("Invalid linklayer ({layer})"));
                    }
                    linklayer = true;
                } else if let Some((name, text)) = ["overhead", "mtu", "mpu", "tsize"]
                    .iter()
                    .find_map(|name| Some((*name, value(&format!("{name}="))?)))
                {
                    if numeric_value(text).is_none() {
                        return error(format!("Invalid {name} ({text})"));
                    }
                    if !linklayer {
                        return error(format!("'{name}' requires 'linklayer'"));
                    }
                } else if option == "connmark" {
                    if !self.caps().has("CONNMARK_ACTION") {
                        return error(
                            "The 'connmark' option requires CONNMARK Target in your kernel and iptables",
                        );
                    }
                    connmark = true;
                } else {
                    return error(format!("Unknown device option ({option})"));
                }
            }
        }
        let redirected = if redirected == "-" {
            Vec::new()
        } else {
            split_list(redirected, "device")?
        };
        if !redirected.is_empty() {
            if inband != "-" && truthy(inband) {
                return error("IFB devices may not have IN-BANDWIDTH");
            }
            if !connmark {
                classify = true;
            }
            for rdevice in &redirected {
                if rdevice.contains([':', '+']) {
                    return error(format!("Invalid device name ({rdevice})"));
                }
                let Some(rdev) = self
                    .complex_tc
                    .devices
                    .iter()
                    .find(|it| it.name == *rdevice)
                else {
                    return error(format!(
                        "REDIRECTED device ({rdevice}) has not been defined in this file"
                    ));
                };
                if rdev.in_bandwidth {
                    return error("IN-BANDWIDTH must be zero for REDIRECTED devices");
                }
            }
        } else if connmark {
            return error("Option connmark can only be used when setting up a IFB device");
        }
        self.validate_in_bandwidth(inband)?;
        let full = rate_to_kbit(outband)?;
        let tc = &mut self.complex_tc;
        tc.numbers.insert(number, tc.devices.len());
        tc.devices.push(Device {
            name: device.to_owned(),
            number,
            classify,
            flow,
            pfifo,
            hfsc,
            redirected: !redirected.is_empty(),
            in_bandwidth: inband != "-" && inband != "0",
            full,
            default: 0,
            guarantee: 0.0,
            filterpri: 0,
            nextclass: 2,
            classes: Vec::new(),
            place: (record.path.clone(), record.line),
        });
        Ok(())
    }

    /// `dev_by_number`: a device by its number (all digits) or its name.
    fn dev_by_number(&self, dev: &str) -> Result<usize> {
        if !dev.is_empty() && dev.bytes().all(|b| b.is_ascii_digit()) {
            let number = dev.trim_start_matches('0').parse::<u64>().unwrap_or(0);
            return match self.complex_tc.numbers.get(&number) {
                Some(it) => Ok(*it),
                None => error(format!("Undefined INTERFACE number ({dev})")),
            };
        }
        match self.complex_tc.devices.iter().position(|it| it.name == dev) {
            Some(it) => Ok(it),
            None => error(format!("Unknown INTERFACE ({dev})")),
        }
    }

    /// A device name that is all hex digits and not a device's name is a device number.
    fn device_by_hex_or_name(&self, device: &str) -> Result<usize> {
        let is_name = self.complex_tc.devices.iter().any(|it| it.name == device);
        match hex_value(device) {
            Some(number) if !is_name => self.dev_by_number(&number.to_string()),
            _ => self.dev_by_number(device),
        }
    }

    /// `validate_tc_class`: a tcclasses record.
    fn validate_tc_class(&mut self, record: &ConfigRecord, devnum: u64) -> Result<()> {
        let column = |idx: usize| record.column(idx);
        let (devclass, mark, rate, ceil, prio, options) = (
            column(0),
            column(1),
            column(2),
            column(3),
            column(4),
            column(5),
        );
        if devclass == "-" {
            return error("INTERFACE must be specified");
        }
        if ceil == "-" {
            return error("CEIL must be specified");
        }
        let mut classnumber: Option<u64> = Some(0);
        let mut parentclass: u64 = 1;
        let index;
        let number;
        if devclass.contains(':') {
            let mut parts = devclass.splitn(4, ':');
            let device = parts.next().unwrap_or("");
            let given = parts.next();
            let subnumber = parts.next();
            if parts.next().is_some() {
                return error(format!("Invalid INTERFACE:CLASS ({devclass})"));
            }
            let is_name = self.complex_tc.devices.iter().any(|it| it.name == device);
            if let (Some(device_number), false) = (hex_value(device), is_name) {
                classnumber = given.and_then(hex_value);
                index = self.dev_by_number(&device_number.to_string())?;
                number = device_number;
            } else {
                classnumber = given.and_then(hex_value);
                index = self.dev_by_number(device)?;
                number = self.complex_tc.devices[index].number;
            }
            if let Some(subnumber) = subnumber {
                let Some(parent) = classnumber.filter(|it| *it != 0) else {
                    return error(format!("Invalid interface/class number ({devclass})"));
                };
                parentclass = parent;
                classnumber = hex_value(subnumber);
            }
            let Some(class) = classnumber.filter(|it| *it != 0 && *it < 0x8000) else {
                return error(format!("Invalid interface/class number ({devclass})"));
            };
            if class == 1 {
                return error("Reserved class number (1)");
            }
            if self.complex_tc.devices[index].class(class).is_some() {
                return error(format!(
                    "Duplicate interface:class number ({number}:{class}}}"
                ));
            }
        } else {
            index = self.dev_by_number(devclass)?;
            if self.complex_tc.devices[index].classify {
                return error("Missing class NUMBER");
            }
        }
        let mut classnumber = classnumber.unwrap_or(0);
        let tc_max = self.config.tc_max;
        let tc_bits = self.config.tc_bits;
        let mut bump_nextclass = false;
        let device = &self.complex_tc.devices[index];
        let full = device.full;
        if !device.hfsc && numeric_value(prio).is_none() {
            return error(format!("Invalid PRIO ({prio})"));
        }
        if mark != "-" {
            if tc_bits == 0 {
                return error("MARK may not be specified when TC_BITS=0");
            }
            if device.classify {
                return error(
                    "MARK may not be specified for an interface with the 'classify' option",
                );
            }
            let (mark, priority) = mark.split_once(':').unwrap_or((mark, ""));
            if !priority.is_empty() {
                filter_priority(priority, "mark")?;
            } else if prio == "-" {
                return error("Missing mark priority");
            }
            let Some(markval) = numeric_value(mark) else {
                return error("Invalid MARK ()");
            };
            if markval > tc_max as i64 {
                return error("MARK value too large");
            }
            if markval == 0 {
                return error("MARK value must be non-zero");
            }
            if classnumber != 0 {
                if device.class(classnumber).is_some() {
                    return error(format!("Duplicate Class NUMBER ({classnumber})"));
                }
            } else {
                classnumber = if tc_bits >= 14 {
                    device.nextclass
                } else {
                    hex_value(&format!("{devnum}{markval}")).unwrap_or(0)
                };
                if device.class(classnumber).is_some() {
                    return error(format!("Duplicate MARK ({mark})"));
                }
                if tc_bits >= 14 {
                    bump_nextclass = true;
                }
            }
        } else if device.class(classnumber).is_some() {
            return error(format!("Duplicate Class NUMBER ({classnumber})"));
        }
        let (mut ratemax, mut ceilmax) = (full, full);
        let (mut ratename, mut ceilname) = ("OUT-BANDWIDTH", "OUT-BANDWIDTH");
        if parentclass != 1 {
            let parentnum = format!("{parentclass:x}");
            let Some(parent) = device.class(parentclass) else {
                return error(format!("Unknown Parent class ({parentnum})"));
            };
            if truthy(&parent.dmax) {
                return error(format!(
                    "The class ({parentnum}) specifies UMAX and/or DMAX; it cannot serve as a parent"
                ));
            }
            if truthy(&parent.flow) {
                return error(format!(
                    "The class ({parentnum}) specifies 'flow'; it cannot serve as a parent"
                ));
            }
            if parent.red {
                return error(format!(
                    "The class ({parentnum}) specifies 'red'; it cannot serve as a parent "
                ));
            }
            if parent.lsceil != 0.0 {
                return error(format!(
                    "The class ({parentnum}) has an 'ls' curve; it cannot serve as a parent "
                ));
            }
            if device.default == parentclass {
                return error(format!(
                    "The default class ({parentnum}) may not have sub-classes"
                ));
            }
            ratemax = parent.rate;
            ratename = "the parent class's RATE";
            ceilmax = parent.ceiling;
            ceilname = "the parent class's CEIL";
        }
        let hfsc = device.hfsc;
        if bump_nextclass {
            self.complex_tc.devices[index].nextclass += 1;
        }
        // `^(.+):(.+)`: the last colon with text on both sides.
        let ls_split = ceil
            .match_indices(':')
            .map(|it| it.0)
            .rev()
            .find(|&at| at > 0 && at + 1 < ceil.len());
        let (lsceil_text, ceil) = match ls_split {
            Some(at) => {
                if !hfsc {
                    return error("An LS rate may only be specified for HFSC classes");
                }
                (&ceil[..at], &ceil[at + 1..])
            }
            None => ("", ceil),
        };
        let mut dmax = String::new();
        let rate_value = if hfsc {
            if rate == "-" {
                if lsceil_text.is_empty() {
                    return error("A RATE must be supplied");
                }
                0.0
            } else {
                let mut parts = rate.splitn(4, ':');
                let trate = parts.next().unwrap_or("");
                let delay = parts.next().unwrap_or("");
                let size = parts.next().unwrap_or("");
                if parts.next().is_some() {
                    return error(format!("Invalid RATE ({rate})"));
                }
                let value = convert_rate(ratemax, trate, "RATE", ratename)?;
                dmax = convert_delay(delay)?;
                let umax = convert_size(size)?;
                if truthy(&umax) && !truthy(&dmax) {
                    return error("DMAX must be specified when UMAX is specified");
                }
                value
            }
        } else {
            convert_rate(ratemax, rate, "RATE", ratename)?
        };
        let parent_warning = if parentclass != 1 {
            let device = &mut self.complex_tc.devices[index];
            device.class_mut(parentclass).and_then(|parent| {
                parent.leaf = false;
                parent.guarantee += rate_value;
                (parent.guarantee > parent.rate).then(|| {
                    format!(
                        "Total RATE of sub classes ({}kbits) exceeds RATE of parent class ({}kbits)",
                        perl_number(parent.guarantee),
                        perl_number(parent.rate)
                    )
                })
            })
        } else {
            let device = &mut self.complex_tc.devices[index];
            device.guarantee += rate_value;
            (device.guarantee > full).then(|| {
                format!(
                    "Total RATE of classes ({}kbits) exceeds OUT-BANDWIDTH ({}kbits)",
                    perl_number(device.guarantee),
                    perl_number(full)
                )
            })
        };
        if let Some(message) = parent_warning {
            self.warn_at_place(message);
        }
        let ceiling = convert_rate(ceilmax, ceil, "CEIL", ceilname)?;
        let lsceil = if lsceil_text.is_empty() {
            0.0
        } else {
            convert_rate(ceilmax, lsceil_text, "LSCEIL", ceilname)?
        };
        let mut class = Class {
            rate: rate_value,
            ceiling,
            lsceil,
            dmax,
            leaf: true,
            ..Class::default()
        };
        let device = &mut self.complex_tc.devices[index];
        device.classes.push((classnumber, class.clone()));
        if rate_value != 0.0 && ceiling != 0.0 && rate_value > ceiling {
            return error(format!(
                "RATE ({}) exceeds CEIL ({})",
                perl_number(rate_value),
                perl_number(ceiling)
            ));
        }
        if options != "-" {
            self.class_options(&mut class, index, classnumber, prio, options)?;
        }
        let device = &self.complex_tc.devices[index];
        if !device.classify && mark == "-" {
            return error("Missing MARK");
        }
        if !truthy(&class.flow) {
            class.flow = device.flow.clone();
        }
        if !truthy(&class.flow) && !class.pfifo {
            class.pfifo = device.pfifo;
        }
        if let Some(slot) = self.complex_tc.devices[index].class_mut(classnumber) {
            *slot = class;
        }
        Ok(())
    }

    /// The OPTIONS column of a tcclasses record.
    fn class_options(
        &mut self,
        class: &mut Class,
        index: usize,
        classnumber: u64,
        prio: &str,
        options: &str,
    ) -> Result<()> {
        for option in split_list1(&options.to_ascii_lowercase(), "option")? {
            let (name, pri) = match option.split_once(':') {
                Some((name, pri)) => (name.to_owned(), Some(pri)),
                None => (option.clone(), None),
            };
            let supplied_pri = pri.filter(|it| !it.is_empty());
            let mut option = name;
            let tos_named = tos_option(&option);
            if option.starts_with("tos=") && option.len() > 4 || tos_named.is_some() {
                if let Some(pri) = supplied_pri {
                    filter_priority(pri, "mark")?;
                } else if prio == "-" {
                    return error("Missing TOS priority");
                }
                if let Some(value) = tos_named {
                    option = format!("tos={value}");
                }
            } else if let Some(pri) = supplied_pri {
                option = format!("{option}:{pri}");
            }
            let device = &mut self.complex_tc.devices[index];
            if option == "default" {
                if device.default != 0 {
                    return error(format!(
                        "Only one default class may be specified for device {}",
                        device.name
                    ));
                }
                device.default = classnumber;
            } else if let Some(pri) = tcp_ack(&option) {
                match pri {
                    Some(pri) => {
                        filter_priority(pri, "tcp-ack")?;
                    }
                    None if prio == "-" => return error("Missing tcp-ack priority"),
                    None => {}
                }
            } else if option
                .strip_prefix("tos=")
                .is_some_and(|it| tos_byte(it) || valid_tos(it) && it.contains('/'))
            {
            } else if let Some(keys) = option.strip_prefix("flow=") {
                if class.pfifo {
                    return error("The 'flow' option is not allowed with 'pfifo'");
                }
                if class.red {
                    return error("The 'flow' option is not allowed with 'red'");
                }
                class.flow = process_flow(keys)?;
            } else if option == "pfifo" {
                if truthy(&class.flow) {
                    return error("The 'pfifo' option is not allowed with 'flow='");
                }
                if class.red {
                    return error("The 'pfifo' option is not allowed with 'red='");
                }
                if class.fq_codel {
                    return error("The 'pfifo' option is not allowed with 'fq_codel='");
                }
                class.pfifo = true;
            } else if option
                .strip_prefix("occurs=")
                .is_some_and(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()))
            {
                return error("The 'occurs' option is only valid for IPv4");
            } else if let Some(limit) = option
                .strip_prefix("limit=")
                .filter(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()))
            {
                if class.pfifo {
                    self.warn_at_place("limit ignored with pfifo queuing".to_owned());
                }
                let value = limit.parse::<u64>().unwrap_or(u64::MAX);
                if !(3..=128).contains(&value) {
                    return error(format!("Invalid limit ({limit})"));
                }
            } else if let Some(list) = option.strip_prefix("red=") {
                if truthy(&class.flow) {
                    return error("The 'red=' option is not allowed with 'flow='");
                }
                if class.pfifo {
                    return error("The 'red=' option is not allowed with 'pfifo'");
                }
                if class.fq_codel {
                    return error("The 'pfifo' option is not allowed with 'fq_codel='");
                }
                class.red = true;
                red_options(list)?;
            } else if option == "fq_codel" || option.starts_with("fq_codel=") && option.len() > 9 {
                if class.red {
                    return error("The 'fq_codel' option is not allowed with 'red='");
                }
                if class.pfifo {
                    return error("The 'fq_codel' option is not allowed with 'pfifo'");
                }
                class.fq_codel = true;
                let list = option
                    .replacen("fq_codel=", "", 1)
                    .replacen("fq_codel", "", 1);
                codel_options(&list)?;
            } else {
                return error(format!("Unknown option ({option})"));
            }
        }
        Ok(())
    }

    /// `process_tc_filter`: a tcfilters record, once per protocol.
    fn process_tc_filter(&mut self, record: &ConfigRecord, family: Family) -> Result<()> {
        let column = |idx: usize| record.column(idx);
        let devclass = column(0);
        if devclass == "-" {
            return error("CLASS must be specified");
        }
        for proto in split_list(column(3), "Protocol")? {
            let filter = Filter {
                devclass,
                source: column(1),
                dest: column(2),
                proto,
                ports: column(4),
                sports: column(5),
                tos: column(6),
                length: column(7),
                priority: column(8),
                family,
            };
            self.process_tc_filter1(&filter)?;
        }
        Ok(())
    }

    /// `process_tc_filter1` (u32 filters) or, with BASIC_FILTERS, `process_tc_filter2`: their
    /// checks are the same, in another order.
    fn process_tc_filter1(&mut self, filter: &Filter<'_>) -> Result<()> {
        let basic = self.config.basic_filters;
        let mut parts = filter.devclass.splitn(3, ':');
        let device = parts.next().unwrap_or("");
        let class = parts.next().unwrap_or("");
        if parts.next().is_some() || !truthy(device) || !truthy(class) {
            return error(format!("Invalid INTERFACE:CLASS ({})", filter.devclass));
        }
        let index = self.device_by_hex_or_name(device)?;
        let tc = &mut self.complex_tc;
        let devref = &mut tc.devices[index];
        if filter.priority == "-" {
            devref.filterpri += 1;
            if devref.filterpri > 65535 {
                return error("Filter priority overflow");
            }
        } else {
            let prio = filter_priority(filter.priority, "filter")?;
            devref.filterpri = devref.filterpri.max(prio);
        }
        let devnum = format!("{:x}", devref.number);
        let Some(classnum) = hex_value(class) else {
            return error(format!("Invalid CLASS ({class})"));
        };
        let Some(tcref) = devref.class(classnum) else {
            return error(format!("Unknown CLASS ({})", filter.devclass));
        };
        if !tcref.leaf {
            self.warn_at_place(format!(
                "Filter specifying a non-leaf CLASS ({devnum}:{class}) ignored"
            ));
            return Ok(());
        }
        let mut have_rule = false;
        if !basic {
            for net in [filter.source, filter.dest] {
                if net != "-" {
                    self.filter_net(net, filter.family)?;
                    have_rule = true;
                }
            }
        }
        if filter.tos != "-" {
            let value = tos_option(filter.tos).unwrap_or(filter.tos);
            if !valid_tos(value) {
                return error(format!("Invalid TOS ({})", filter.tos));
            }
            have_rule = true;
        }
        if filter.length != "-" {
            let length = numeric_value(filter.length).unwrap_or(0);
            if ![32, 64, 128, 256, 512, 1024, 2048, 4096, 8192].contains(&length) {
                return error(format!("Invalid LENGTH ({})", filter.length));
            }
            have_rule = true;
        }
        let mut protonumber = 0;
        if filter.proto != "-" {
            // `icmp` is ipv6-icmp only in an IPv6 compilation.
            let v4_icmp = filter.family == Family::V4
                && matches!(filter.proto.split(':').next(), Some("icmp" | "ICMP"));
            let number = if v4_icmp {
                Some(ICMP)
            } else {
                m::resolve_proto(self.names(), filter.proto)
            };
            let Some(number) = number else {
                return error(format!("Unknown PROTO ({})", filter.proto));
            };
            protonumber = number;
            if number != 0 {
                have_rule = true;
            }
        }
        if filter.ports == "-" && filter.sports == "-" {
            if !basic && !have_rule {
                self.warn_at_place("Degenerate tcfilter ignored".to_owned());
                return Ok(());
            }
        } else {
            if protonumber == 0 {
                return error("Ports may not be specified without a PROTO");
            }
            self.filter_ports(filter, protonumber)?;
        }
        if basic {
            for (net, side) in [(filter.source, "SOURCE"), (filter.dest, "DEST")] {
                if net == "-" {
                    continue;
                }
                if net.starts_with('+') {
                    return unsupported(format!(
                        "An ipset in the {side} column of the tcfilters file (BASIC_FILTERS=Yes) is not supported by the preview yet"
                    ));
                }
                self.filter_net(net, filter.family)?;
                have_rule = true;
            }
            if !have_rule {
                self.warn_at_place("Degenerate filter ignored".to_owned());
            }
        }
        Ok(())
    }

    /// `decompose_net` / `decompose_net_u32`: the SOURCE or DEST of a filter.
    fn filter_net(&self, net: &str, family: Family) -> Result<()> {
        if family == Family::V4 {
            return validate_4net(net);
        }
        // `validate_net( $net, 0 )`: no host names.
        match validate_net(net) {
            Err(failure) if failure.message.starts_with("Unknown Host (") => error(
                failure
                    .message
                    .replacen("Unknown Host", "Invalid IPv6 Address", 1),
            ),
            other => other.map(drop),
        }
    }

    /// The DPORT and SPORT columns of a filter (`expand_port_range`).
    fn filter_ports(&self, filter: &Filter<'_>, protonumber: u8) -> Result<()> {
        let proto = protonumber.to_string();
        if filter.ports == "-" {
            if !matches!(protonumber, TCP | UDP | SCTP) {
                return error("Only TCP, UDP and SCTP may specify SOURCE PORT");
            }
            for range in split_list(filter.sports, "port list")? {
                self.expand_port_range(&proto, range)?;
            }
            return Ok(());
        }
        if !matches!(protonumber, TCP | UDP | SCTP | ICMP) {
            return error("Only TCP, UDP, SCTP and ICMP may specify DEST PORT");
        }
        let basic = self.config.basic_filters;
        if protonumber == ICMP && basic {
            if filter.family == Family::V6 {
                return error("ICMP not allowed with IPv6");
            }
            if filter.sports != "-" {
                return error("SOURCE PORT(S) are not allowed with ICMP");
            }
            return unsupported(
                "ICMP types in an IPV4 part of the tcfilters file are not supported by the preview yet",
            );
        }
        let ports = split_list(filter.ports, "port list")?;
        for range in &ports {
            if protonumber == ICMP {
                if filter.family == Family::V6 {
                    return error("ICMP not allowed with IPv6");
                }
                if filter.sports != "-" {
                    return error("SOURCE PORT(S) are not allowed with ICMP");
                }
                return unsupported(
                    "ICMP types in an IPV4 part of the tcfilters file are not supported by the preview yet",
                );
            }
            self.expand_port_range(&proto, range)?;
            if !basic && filter.sports != "-" {
                for sport in split_list(filter.sports, "port list")? {
                    self.expand_port_range(&proto, sport)?;
                }
            }
        }
        if basic && filter.sports != "-" {
            for sport in split_list(filter.sports, "port list")? {
                self.expand_port_range(&proto, sport)?;
            }
        }
        Ok(())
    }

    /// `expand_port_range`: only its errors.
    fn expand_port_range(&self, proto: &str, range: &str) -> Result<()> {
        let Some(colon) = range.rfind(':') else {
            m::validate_port(self.names(), proto, range)?;
            return Ok(());
        };
        let (first, last) = (&range[..colon], &range[colon + 1..]);
        if first.is_empty() && last.is_empty() {
            return error(format!("Invalid port range ({range})"));
        }
        let first = if truthy(first) { first } else { "1" };
        let last = if last.is_empty() { "65535" } else { last };
        let low = m::validate_port(self.names(), proto, first)?;
        let high = m::validate_port(self.names(), proto, last)?;
        let value = |it: &str| it.parse::<u64>().unwrap_or(0);
        if value(&low) > value(&high) {
            return error(format!("Invalid port range ({range})"));
        }
        Ok(())
    }

    /// The class CLASSIFY names with TC_ENABLED=Internal or Shared.
    pub(crate) fn complex_tc(&self) -> &ComplexTc {
        &self.complex_tc
    }
}

/// The columns of one protocol of a tcfilters record.
struct Filter<'r> {
    devclass: &'r str,
    source: &'r str,
    dest: &'r str,
    proto: &'r str,
    ports: &'r str,
    sports: &'r str,
    tos: &'r str,
    length: &'r str,
    priority: &'r str,
    family: Family,
}

/// `validate_4net( $net, 0 )`: an IPv4 network of a filter in an `IPV4` or `ALL` part.
fn validate_4net(text: &str) -> Result<()> {
    let mut parts = text.splitn(3, '/');
    let net = parts.next().unwrap_or("");
    let (vlsm, rest) = (parts.next(), parts.next());
    if net.is_empty() {
        return error("Missing address");
    }
    if let Some(at) = net.find('+') {
        if net[at + 1..].starts_with('[') {
            return error(format!(
                "An ipset list ({net}) is not allowed in this context"
            ));
        }
        let name = net.strip_prefix('+').filter(|it| {
            it.starts_with(|c: char| c.is_ascii_alphabetic())
                && it
                    .chars()
                    .all(|c| c == '-' || c == '_' || c.is_alphanumeric())
        });
        return error(if name.is_some() {
            format!("An ipset name ({net}) is not allowed in this context")
        } else {
            format!("Invalid ipset name ({net})")
        });
    }
    // Perl's `split /\./` drops trailing empty fields.
    let valid = |address: &str| {
        let fields: Vec<&str> = address.trim_end_matches('.').split('.').collect();
        fields.len() == 4
            && fields.iter().all(|it| {
                !it.is_empty()
                    && it.bytes().all(|b| b.is_ascii_digit())
                    && it.parse::<u64>().is_ok_and(|it| it < 256)
            })
    };
    match vlsm {
        Some(vlsm) => {
            if !(!vlsm.is_empty()
                && vlsm.bytes().all(|b| b.is_ascii_digit())
                && vlsm.parse::<u64>().is_ok_and(|it| it <= 32))
            {
                return error(format!("Invalid VLSM ({vlsm})"));
            }
            if rest.is_some() {
                return error(format!("Invalid Network address ({text})"));
            }
            if !valid(net) {
                return error(format!("Invalid IP address ({net})"));
            }
        }
        None => {
            if !valid(net) {
                return error(format!("Invalid IP Address ({net})"));
            }
        }
    }
    Ok(())
}

/// `tcp-ack(:(\d+|0x[0-0a-fA-F]))?$`, unanchored at the start: `Some(priority)` when it
/// matches (the priority when one is given).
fn tcp_ack(option: &str) -> Option<Option<&str>> {
    for (at, _) in option.match_indices("tcp-ack") {
        let rest = &option[at + 7..];
        if rest.is_empty() {
            return Some(None);
        }
        if let Some(pri) = rest.strip_prefix(':') {
            let digits = !pri.is_empty() && pri.bytes().all(|b| b.is_ascii_digit());
            let hex = pri.len() == 3
                && pri.starts_with("0x")
                && matches!(pri.as_bytes()[2], b'0' | b'a'..=b'f' | b'A'..=b'F');
            if digits || hex {
                return Some(Some(pri));
            }
        }
    }
    None
}

/// The `red=` option list of a class.
fn red_options(list: &str) -> Result<()> {
    #[derive(PartialEq)]
    enum Kind {
        Integer,
        Float,
        None,
    }
    let kind = |name: &str| match name {
        "min" | "max" | "limit" | "burst" | "avpkt" | "bandwidth" => Some(Kind::Integer),
        "probability" => Some(Kind::Float),
        "ecn" => Some(Kind::None),
        _ => None,
    };
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("avpkt".to_owned(), "1000".to_owned());
    for option in split_list(list, "'red' option list")? {
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (option, None),
        };
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase());
        // `([01]?\.)?(\d{1,8})`
        let parsed = value.map(|value| {
            let (fraction, digits) = match value.find('.') {
                Some(dot) if dot <= 1 && value[..dot].bytes().all(|b| b == b'0' || b == b'1') => {
                    (true, &value[dot + 1..])
                }
                _ => (false, value),
            };
            let ok = (1..=8).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
            (fraction, ok)
        });
        if !name_ok || parsed.as_ref().is_some_and(|it| !it.1) {
            return error(format!("Invalid RED option specification ({option})"));
        }
        let Some(opttype) = kind(name) else {
            return error(format!("Invalid RED option ({name})"));
        };
        match (value.filter(|it| truthy(it)), parsed) {
            (Some(value), Some((fraction, _))) => {
                if opttype == Kind::None {
                    return error(format!("The {name} option does not take a value"));
                }
                if fraction {
                    if opttype == Kind::Integer {
                        return error(format!("The {name} option requires an integer value"));
                    }
                    if value.parse::<f64>().unwrap_or(0.0) > 1.0 {
                        return error(format!("The value of {name} must be <= 1"));
                    }
                } else if opttype == Kind::Float {
                    return error(format!(
                        "The {name} option requires a value 0 <= value <= 1"
                    ));
                }
                values.insert(name.to_owned(), value.to_owned());
            }
            _ => {
                if opttype != Kind::None {
                    return error(format!("The {name} option requires a value"));
                }
                values.insert(name.to_owned(), value.unwrap_or("").to_owned());
            }
        }
    }
    let number = |name: &str| {
        values
            .get(name)
            .and_then(|it| it.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    for name in ["limit", "min", "max", "avpkt", "burst", "probability"] {
        if !values.get(name).is_some_and(|it| truthy(it)) {
            return error(format!("The {name} 'red' option is required"));
        }
    }
    if number("max") < 2.0 * number("min") {
        return error("The 'max' red option must be at least 2 * 'min'");
    }
    if number("limit") < 2.0 * number("min") {
        return error("The 'limit' red option must be at least 2 * 'max'");
    }
    Ok(())
}

/// The `fq_codel=` option list of a class.
fn codel_options(list: &str) -> Result<()> {
    #[derive(PartialEq)]
    enum Kind {
        Integer,
        Interval,
        None,
    }
    let kind = |name: &str| match name {
        "flows" | "limit" | "quantum" => Some(Kind::Integer),
        "target" | "interval" => Some(Kind::Interval),
        "ecn" | "noecn" => Some(Kind::None),
        _ => None,
    };
    let (mut ecn, mut noecn) = (false, false);
    for option in split_list(list, "'fq_codel' option list")? {
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (option, None),
        };
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase());
        // `(\d+)(ms)?`
        let parsed = value.map(|value| {
            let (digits, ms) = match value.strip_suffix("ms") {
                Some(digits) => (digits, true),
                None => (value, false),
            };
            let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            (ms, ok)
        });
        if !name_ok || parsed.as_ref().is_some_and(|it| !it.1) {
            return error(format!("Invalid fq_codel option specification ({option})"));
        }
        let Some(opttype) = kind(name) else {
            return error(format!("Invalid CODEL option ({name})"));
        };
        match (value.filter(|it| truthy(it)), parsed) {
            (Some(_), Some((ms, _))) => {
                if opttype == Kind::None {
                    return error(format!("The {name} option does not take a value"));
                }
                if ms {
                    if opttype == Kind::Integer {
                        return error(format!("The {name} option requires an integer value"));
                    }
                } else if opttype == Kind::Interval {
                    return error(format!("The {name} option requires an interval value"));
                }
            }
            _ => {
                if opttype != Kind::None {
                    return error(format!("The {name} option requires a value"));
                }
            }
        }
        ecn |= name == "ecn";
        noecn |= name == "noecn";
    }
    if ecn && noecn {
        return error("The 'ecn' and 'noecn' fq_codel options are mutually exclusive");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_rates_are_perl_arithmetic() {
        assert_eq!(convert_rate(100.0, "full/3", "RATE", "X"), Ok(33.0));
        assert_eq!(convert_rate(100.0, "full*3/4", "RATE", "X"), Ok(75.0));
        assert_eq!(convert_rate(100.0, "(full-10)/2", "RATE", "X"), Ok(45.0));
        assert_eq!(convert_rate(100.0, "full", "CEIL", "X"), Ok(100.0));
        assert!(convert_rate(100.0, "full/0", "RATE", "X").is_err());
        assert!(convert_rate(100.0, "full--1", "RATE", "X").is_err());
        assert!(convert_rate(100.0, "full/ 2", "RATE", "X").is_err());
        assert!(convert_rate(100.0, "full*2", "RATE", "X").is_err());
        assert!(convert_rate(100.0, "full/1000", "RATE", "X").is_err());
        assert_eq!(convert_rate(100.0, "10kbit", "RATE", "X"), Ok(10.0));
    }

    #[test]
    fn numbers_print_as_perl_prints_them() {
        assert_eq!(perl_number(100.0), "100");
        assert_eq!(perl_number(0.8), "0.8");
        assert_eq!(perl_number(0.1 + 0.2), "0.3");
        assert_eq!(normalize_hex("0010"), "010");
        assert_eq!(normalize_hex("A"), "a");
    }

    #[test]
    fn tcp_ack_matches_as_its_unanchored_pattern() {
        assert_eq!(tcp_ack("tcp-ack"), Some(None));
        assert_eq!(tcp_ack("tcp-ack:5"), Some(Some("5")));
        assert_eq!(tcp_ack("xtcp-ack"), Some(None));
        assert_eq!(tcp_ack("tcp-ack:0x1f"), None);
        assert_eq!(tcp_ack("tcp-acks"), None);
    }
}
