//! Giving freed memory back to the system once the server is quiet.
//!
//! glibc's allocator keeps what is freed for later allocations and returns memory to the
//! system only from the top of its main heap. After a 10,000-line file has been reparsed,
//! remodelled and compiled a few times, most of the server's resident memory is such free
//! space, spread over the arenas of the threads that did the work (with another process on
//! the same two cores, VmRSS 60 MB with 26 MB in use). `malloc_trim` returns the free pages
//! of every arena. It costs a few milliseconds and holds each arena's lock meanwhile, so it
//! runs only when the server has been idle for a while ([`crate::ide::big_work`]).

/// Returns the allocator's free pages to the system (glibc on Linux; elsewhere nothing).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn release_free_memory() {
    // SAFETY: `malloc_trim` takes no pointers and has no preconditions: it walks the
    // allocator's own free lists under the allocator's locks, from any thread, at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Returns the allocator's free pages to the system (glibc on Linux; elsewhere nothing).
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_free_memory() {}
