//! The work that allocates a large file's worth of memory in small pieces (the syntax tree of
//! a large file, the model of its directory, the whole-file requests: symbols, folding,
//! semantic tokens) runs on one thread, whichever request asks; the compile stage of the
//! diagnostics runs on a second one.
//!
//! The allocator (glibc's) gives each thread an arena of its own and keeps what is freed in
//! it for that arena's later use. Requests run on whichever blocking thread is free, so every
//! thread that once parsed a 10,000-line file kept the tree's worth of freed memory after the
//! next edit replaced that tree: tens of megabytes over a few threads. On one thread, the next
//! tree reuses the space of the last one.

use std::{
    any::Any,
    cell::Cell,
    collections::VecDeque,
    panic::{self, AssertUnwindSafe},
    sync::{mpsc, Mutex, OnceLock},
    time::Duration,
};

use shorewall_syntax::Parse;

/// A text at least this long (in bytes) is parsed, and its directory modelled, on the thread.
pub(crate) const BIG: usize = 64 * 1024;

/// Work sent to a thread.
type Task = Box<dyn FnOnce() + Send>;

/// What the thread is asked to do: a job someone waits for, or a tree to free when idle.
enum Job {
    Run(Task),
    Free(Parse),
}

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
    run_through(
        sender,
        Job::Run,
        |it| match it {
            Job::Run(task) => Some(task),
            Job::Free(_) => None,
        },
        job,
    )
}

/// Sends `job` as the message `wrap` makes of it to the thread behind `sender`, and waits for
/// what it returns (a panic in it is resumed here); when the thread is gone, `unwrap` takes it
/// back out of the message and it runs here.
fn run_through<T: Send + 'static, M>(
    sender: &Mutex<mpsc::Sender<M>>,
    wrap: fn(Task) -> M,
    unwrap: fn(M) -> Option<Task>,
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (reply, answer) = mpsc::sync_channel::<Result<T, Box<dyn Any + Send>>>(1);
    let task: Task = Box::new(move || {
        let _ = reply.send(panic::catch_unwind(AssertUnwindSafe(job)));
    });
    let sent = match sender.lock() {
        Ok(it) => it.send(wrap(task)),
        Err(poisoned) => poisoned.into_inner().send(wrap(task)),
    };
    if let Err(mpsc::SendError(message)) = sent {
        if let Some(task) = unwrap(message) {
            task();
        }
    }
    match answer.recv() {
        Ok(Ok(it)) => it,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        // The job was dropped without running: only if the thread is gone, which it never is
        // (it catches panics).
        Err(_) => panic::resume_unwind(Box::new("the thread is gone")),
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

/// Drops the syntax tree of `parse` on the big-work thread, without waiting, 150 records at
/// a time, between the thread's other jobs, with a pause after each batch: freeing
/// the tree of a 10,000-line file takes several milliseconds of CPU. Done at once it slowed
/// the keystroke that replaced the tree (whose diagnostics are computed meanwhile, on a
/// machine of two cores) several times over; in batches of a thousand it still kept a core
/// busy long enough to delay the requests that follow (p99 of completion and hover about
/// 5 ms in the lsp bench); and as one job, however paced, it made the thread's next jobs
/// (a parse, the whole-file requests) wait for all of it. A thread of its own at the idle
/// scheduling policy (`SCHED_IDLE`), freeing whole trees, kept less memory (VmRSS 45–46 MB
/// against 48–50) but lengthened the tails (hover p99 2.2–2.7 ms against 1.6–1.7,
/// keystroke 2.4–4.7 against 2.1–2.2, alternating idle runs), so it was taken out.
pub(crate) fn drop_tree_later(parse: Parse) {
    let Some(sender) = sender() else {
        return;
    };
    let sent = match sender.lock() {
        Ok(it) => it.send(Job::Free(parse)),
        Err(poisoned) => poisoned.into_inner().send(Job::Free(parse)),
    };
    // Not sent: dropped here.
    drop(sent);
}

/// How many top-level children of a tree (records, newlines, comments) are freed at once
/// (under 100 µs of work), and the pause after each batch when no job waits. In the lsp bench,
/// batches of 100 gave slightly shorter tails but kept trees longer (VmRSS 49–51 MB), 250
/// longer tails (hover p99 up to 5 ms); 150 kept it at 47 MB.
const PIECES_AT_ONCE: usize = 150;
const PAUSE: Duration = Duration::from_micros(600);

/// How long the thread must have had nothing to do before the allocator's free memory is
/// given back to the system: a pause in typing, long enough that the next keystroke does
/// not find it under way (it takes a few milliseconds).
const QUIET: Duration = Duration::from_millis(1000);

/// The thread's loop: jobs in order as they come; trees are freed a batch at a time when no
/// job has come for a [`PAUSE`] (or at once while more than one tree waits); after work,
/// once nothing has come for [`QUIET`], free memory goes back to the system.
fn serve(jobs: mpsc::Receiver<Job>) {
    ON_THE_THREAD.with(|it| it.set(true));
    // The top-level pieces of each tree to free; the rest of a tree goes when it comes.
    let mut to_free = VecDeque::new();
    // Whether work was done since memory was last given back.
    let mut worked = false;
    loop {
        let next = if to_free.is_empty() && !worked {
            jobs.recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        } else if to_free.is_empty() {
            match jobs.recv_timeout(QUIET) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    super::allocator::release_free_memory();
                    worked = false;
                    continue;
                }
                other => other,
            }
        } else if to_free.len() > 1 {
            // Trees come faster than they go: no pause, lest they pile up.
            jobs.try_recv().map_err(|it| match it {
                mpsc::TryRecvError::Empty => mpsc::RecvTimeoutError::Timeout,
                mpsc::TryRecvError::Disconnected => mpsc::RecvTimeoutError::Disconnected,
            })
        } else {
            jobs.recv_timeout(PAUSE)
        };
        worked = true;
        match next {
            Ok(Job::Run(job)) => job(),
            Ok(Job::Free(parse)) => {
                let pieces: Vec<_> = {
                    let root = parse.syntax();
                    let green = root.green();
                    green.children().map(|it| it.to_owned()).collect()
                };
                drop(parse);
                to_free.push_back(pieces);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(pieces) = to_free.front_mut() {
                    let pieces: &mut Vec<_> = pieces;
                    pieces.truncate(pieces.len().saturating_sub(PIECES_AT_ONCE));
                    if pieces.is_empty() {
                        to_free.pop_front();
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
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

/// Runs `job` on the compile thread, a second thread like the big-work one for the compile
/// stage of the diagnostics, and gives the allocator's free memory back after it. Apart from
/// the big-work thread, a compilation does not make the next keystroke's parse wait; on a
/// thread of its own, one compilation reuses the memory of the last instead of leaving its
/// peak in the arena of whichever blocking thread ran it (VmRSS 150–235 MB under load after
/// twenty pauses in typing, 10,000-line file).
pub(crate) fn run_on_compile_thread<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    static SENDER: OnceLock<Option<Mutex<mpsc::Sender<Task>>>> = OnceLock::new();
    let sender = SENDER.get_or_init(|| {
        let (sender, jobs) = mpsc::channel::<Task>();
        let started = std::thread::Builder::new()
            .name("shorewall-ls compile".to_owned())
            .spawn(move || {
                for job in jobs {
                    job();
                    super::allocator::release_free_memory();
                }
            });
        started.ok().map(|_| Mutex::new(sender))
    });
    let Some(sender) = sender else {
        return job();
    };
    run_through(sender, |task| task, Some, job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compile_thread_runs_jobs_and_resumes_their_panics() {
        let on = run_on_compile_thread(|| std::thread::current().name().map(str::to_owned));
        assert_eq!(on.as_deref(), Some("shorewall-ls compile"));
        let caught = panic::catch_unwind(|| run_on_compile_thread(|| -> i32 { panic!("boom") }));
        assert!(caught.is_err());
        assert_eq!(run_on_compile_thread(|| 5), 5);
    }

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
}
