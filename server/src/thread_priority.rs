//! Background work that must never delay a request: the thread that does it asks the kernel
//! to run it only on a core nothing else wants (Linux's `SCHED_IDLE` policy).
//!
//! A thread at the normal policy, even at the lowest `nice`, still gets its time slice when a
//! request's thread wakes up on its core; an idle-policy thread is preempted at once. The one
//! place of `unsafe` in the project: the system call has no safe wrapper in std.

#![allow(unsafe_code)]

/// Moves the calling thread to the idle scheduling policy. Best effort: where the system
/// refuses or has no such policy, the thread keeps its priority.
pub(crate) fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid `sched_param` that outlives the call, and pid 0 names the
        // calling thread; the call reads `param` and changes nothing else of ours.
        let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
    }
}
