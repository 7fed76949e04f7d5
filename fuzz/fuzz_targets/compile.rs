//! Fuzz target: the model and the compiler on a generated directory
//! (`shorewall_tests::fuzzing::compile`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    shorewall_tests::fuzzing::compile(data);
});
