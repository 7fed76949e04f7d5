//! Fuzz target: a session through the language server's message path, in process
//! (`shorewall_tests::fuzzing::lsp`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shorewall_tests::fuzzing::lsp(data));
