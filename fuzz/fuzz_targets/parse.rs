//! Fuzz target: the parser's invariants on one file of any kind (`shorewall_tests::fuzzing::parse`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shorewall_tests::fuzzing::parse(data));
