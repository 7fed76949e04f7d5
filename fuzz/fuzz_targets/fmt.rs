//! Fuzz target: the formatter's promises on one file of any kind (`shorewall_tests::fuzzing::fmt`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shorewall_tests::fuzzing::fmt(data));
