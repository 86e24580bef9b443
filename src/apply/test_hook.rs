//! test_hook: crash points for the kill -9 and Ctrl-C tests, compiled only into debug
//! builds (`#[cfg(debug_assertions)]` on this module; the tests run the debug binary). A
//! release binary has no such code: `crash_point` is an empty inline function there and
//! never reads the environment, so no variable can make a production apply block.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// With BMDB_TEST_PAUSE_AT=N the N-th point reached prints `BMDB_TEST_PAUSED <N> <label>`
/// on stderr and blocks, so a test can SIGKILL us there.
pub fn crash_point(label: &str) {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let Some(target) = std::env::var("BMDB_TEST_PAUSE_AT")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return;
    };
    let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    if n == target {
        eprintln!("BMDB_TEST_PAUSED {n} {label}");
        // Paused until killed, or interrupted (Ctrl-C), which lets the test see the lock
        // released on that exit path.
        while !super::interrupt::requested() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
