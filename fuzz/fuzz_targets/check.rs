//! Fuzz target: the model and `check`'s report of a generated directory
//! (`shorewall_tests::fuzzing::check`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shorewall_tests::fuzzing::check(data));
