//! interrupt: Ctrl-C during apply. The first press asks apply to stop after the running
//! statement (its progress is recorded, so a later apply resumes there) and says how to
//! abort at once; a second press sends the server a cancel request for the running
//! statement, so nothing keeps running there after bmdb is gone, and apply exits 1 with
//! the history saying where it stopped. A third press exits at once.

use crate::db::CancelHandle;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Presses of Ctrl-C seen so far.
static PRESSES: AtomicU32 = AtomicU32::new(0);
/// How to cancel the statement running on the apply's session.
static SESSION: Mutex<Option<CancelHandle>> = Mutex::new(None);
/// How long the second press waits for the cancelled statement to unwind apply (history,
/// lock release, summary) before exiting anyway.
const UNWIND_GRACE: Duration = Duration::from_secs(10);

/// Whether Ctrl-C was pressed: stop before the next statement.
pub fn requested() -> bool {
    PRESSES.load(Ordering::SeqCst) > 0
}

/// Whether a second press sent the server a cancel request.
pub fn cancelled() -> bool {
    PRESSES.load(Ordering::SeqCst) > 1
}

/// Install the handler (once per process; a CLI that installed its own keeps it) and
/// remember how to cancel what `session` runs.
pub fn install(session: CancelHandle) {
    *SESSION.lock().unwrap_or_else(|p| p.into_inner()) = Some(session);
    let _ = ctrlc::set_handler(on_press);
}

fn on_press() {
    match PRESSES.fetch_add(1, Ordering::SeqCst) + 1 {
        1 => eprintln!(
            "interrupt: apply stops after the running statement and records how far it got \
             (a later apply resumes there); press Ctrl-C again to cancel the running statement \
             on the server and exit now"
        ),
        2 => {
            let session = SESSION.lock().unwrap_or_else(|p| p.into_inner()).take();
            let Some(session) = session else {
                eprintln!("interrupted again: exiting now");
                std::process::exit(1);
            };
            eprintln!("interrupted again: cancelling the running statement on the server");
            if let Err(e) = session.cancel() {
                eprintln!(
                    "could not send the cancel request ({}); exiting now: the server may finish \
                     the statement, and the apply lock frees when its lease expires",
                    crate::db::redact_text(&format!("{e:#}"))
                );
                std::process::exit(1);
            }
            // the statement now fails on the server; apply records where it stopped,
            // releases its lock and exits 1. Should it not get there, exit anyway (on a
            // thread of its own, so that a third press is still heard).
            std::thread::spawn(|| {
                std::thread::sleep(UNWIND_GRACE);
                eprintln!("interrupted: exiting now; the apply lock frees when its lease expires");
                std::process::exit(1);
            });
        }
        _ => std::process::exit(1),
    }
}
