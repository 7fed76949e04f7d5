//! The work that allocates a large file's worth of memory in small pieces (the syntax tree of
//! a large file, the model of its directory, the whole-file requests: symbols, folding,
//! semantic tokens) runs on one thread, whichever request asks.
//!
//! The allocator (glibc's) gives each thread an arena of its own and keeps what is freed in
//! it for that arena's later use. Requests run on whichever blocking thread is free, so every
//! thread that once parsed a 10,000-line file kept the tree's worth of freed memory after the
//! next edit replaced that tree: tens of megabytes over a few threads. On one thread, the next
//! tree reuses the space of the last one.

use std::{
    any::Any,
    cell::Cell,
    panic::{self, AssertUnwindSafe},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Mutex, OnceLock,
    },
};

use shorewall_syntax::Parse;

/// A text at least this long (in bytes) is parsed, and its directory modelled, on the thread.
pub(crate) const BIG: usize = 64 * 1024;

/// A job someone waits for.
type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    static ON_THE_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `job` on the big-work thread and returns what it returns (a panic in it is resumed
/// here). On the thread itself, or when it cannot be started, runs `job` here.
pub(crate) fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
    if ON_THE_THREAD.with(Cell::get) {
        return job();
    }
    let Some(sender) = sender() else {
        return job();
    };
    let (reply, answer) = mpsc::sync_channel::<Result<T, Box<dyn Any + Send>>>(1);
    let job: Job = Box::new(move || {
        let _ = reply.send(panic::catch_unwind(AssertUnwindSafe(job)));
    });
    let sent = match sender.lock() {
        Ok(it) => it.send(job),
        Err(poisoned) => poisoned.into_inner().send(job),
    };
    if let Err(mpsc::SendError(job)) = sent {
        job();
    }
    match answer.recv() {
        Ok(Ok(it)) => it,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        // The job was dropped without running: only if the thread is gone, which it never is
        // (it catches panics).
        Err(_) => panic::resume_unwind(Box::new("the big-work thread is gone")),
    }
}

/// [`run`] if `len` (of the text the job works on) is at least [`BIG`], else `job()` here.
pub(crate) fn run_if_big<T: Send + 'static>(
    len: usize,
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    if len >= BIG {
        run(job)
    } else {
        job()
    }
}

/// Drops the syntax tree of `parse` on a thread of its own that runs only when a core is
/// otherwise idle, without waiting: freeing the tree of a 10,000-line file takes several
/// milliseconds of CPU. Done on the thread that replaced the tree it slowed that keystroke
/// several times over; done on the big-work thread at normal priority, even in small paced
/// batches, it delayed the requests that came next (their threads woke up on a busy core:
/// completion p99 about 5 ms in the lsp bench) or, paced further, let trees pile up.
/// The memory goes back to the arena of the thread that allocated it (glibc frees a chunk
/// into its own arena), where the next tree reuses it.
///
/// On a machine whose cores are never idle the freeing thread would not run at all, and an
/// unprivileged thread cannot leave the idle policy again; so once [`WAITING_AT_MOST`] trees
/// wait for it, the next one is freed by the big-work thread, between its jobs.
pub(crate) fn drop_tree_later(parse: Parse) {
    static FREEING: OnceLock<Option<Mutex<mpsc::Sender<Parse>>>> = OnceLock::new();
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    let freeing = FREEING.get_or_init(|| {
        let (sender, trees) = mpsc::channel::<Parse>();
        let started = std::thread::Builder::new()
            .name("shorewall-ls freeing".to_owned())
            .spawn(move || {
                crate::thread_priority::lower_this_thread();
                for parse in trees {
                    drop(parse);
                    WAITING.fetch_sub(1, Ordering::Relaxed);
                }
            });
        started.ok().map(|_| Mutex::new(sender))
    });
    let parse = match freeing {
        Some(sender) if WAITING.load(Ordering::Relaxed) < WAITING_AT_MOST => {
            WAITING.fetch_add(1, Ordering::Relaxed);
            let sent = match sender.lock() {
                Ok(it) => it.send(parse),
                Err(poisoned) => poisoned.into_inner().send(parse),
            };
            match sent {
                Ok(()) => return,
                Err(mpsc::SendError(parse)) => {
                    WAITING.fetch_sub(1, Ordering::Relaxed);
                    parse
                }
            }
        }
        _ => parse,
    };
    let Some(sender) = sender() else {
        return;
    };
    let job: Job = Box::new(move || drop(parse));
    let sent = match sender.lock() {
        Ok(it) => it.send(job),
        Err(poisoned) => poisoned.into_inner().send(job),
    };
    // Not sent: dropped here.
    drop(sent);
}

/// How many trees may wait for the idle freeing thread (see [`drop_tree_later`]).
const WAITING_AT_MOST: usize = 2;

/// The thread's loop: jobs in order as they come.
fn serve(jobs: mpsc::Receiver<Job>) {
    ON_THE_THREAD.with(|it| it.set(true));
    for job in jobs {
        job();
    }
}

fn sender() -> Option<&'static Mutex<mpsc::Sender<Job>>> {
    static SENDER: OnceLock<Option<Mutex<mpsc::Sender<Job>>>> = OnceLock::new();
    SENDER
        .get_or_init(|| {
            let (sender, jobs) = mpsc::channel::<Job>();
            let started = std::thread::Builder::new()
                .name("shorewall-ls big work".to_owned())
                .spawn(move || serve(jobs));
            started.ok().map(|_| Mutex::new(sender))
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_jobs_and_resumes_their_panics() {
        assert_eq!(run(|| 1 + 1), 2);
        let nested = run(|| run(|| 3));
        assert_eq!(nested, 3);
        let caught = panic::catch_unwind(|| run(|| -> i32 { panic!("boom") }));
        assert!(caught.is_err());
        // The thread goes on after a panic.
        assert_eq!(run(|| 4), 4);
        let text = "ACCEPT net $FW\n".repeat(3000);
        let parse = shorewall_syntax::parse(
            &text,
            shorewall_syntax::FileType::new(
                shorewall_syntax::FileKind::Rules,
                shorewall_syntax::Family::Ipv6,
            ),
        );
        drop_tree_later(parse);
        assert_eq!(run(|| 5), 5);
    }

    /// The policy (`SCHED_IDLE` is 5) of this process's thread whose name starts with `name`
    /// (names are cut to 15 bytes), from field 41 of `/proc/self/task/TID/stat`.
    #[cfg(target_os = "linux")]
    fn policy_of_thread(name: &str) -> Option<u32> {
        std::fs::read_dir("/proc/self/task").ok()?.find_map(|task| {
            let task = task.ok()?.path();
            let comm = std::fs::read_to_string(task.join("comm")).ok()?;
            if !name.starts_with(comm.trim_end()) {
                return None;
            }
            let stat = std::fs::read_to_string(task.join("stat")).ok()?;
            // After the parenthesized name (which may hold spaces) come fields 3 onwards.
            let rest = stat.rsplit_once(") ")?.1;
            rest.split(' ').nth(41 - 3)?.parse().ok()
        })
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn trees_are_freed_by_a_thread_of_the_idle_policy_and_never_pile_up() {
        let text = "ACCEPT net $FW tcp 22\n".repeat(2000);
        let file_type = shorewall_syntax::FileType::new(
            shorewall_syntax::FileKind::Rules,
            shorewall_syntax::Family::Ipv6,
        );
        for _ in 0..8 {
            drop_tree_later(shorewall_syntax::parse(&text, file_type));
        }
        assert_eq!(policy_of_thread("shorewall-ls freeing"), Some(5));
        // Those beyond the few that may wait went to the big-work thread, which frees them
        // before it runs the next job.
        assert_eq!(run(|| 6), 6);
    }
}
