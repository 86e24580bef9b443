//! lock: one row in `bmdb_lock` guards a database against two applies at once
//! (CockroachDB has no advisory locks). The holder renews a lease from a heartbeat thread on
//! its own session; a holder that died loses the lock when the lease runs out, or at once
//! when it ran on this host and its process is gone. Dropping the guard releases it.

use anyhow::{bail, Context, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const CREATE: &str = "CREATE TABLE IF NOT EXISTS bmdb_lock (
    id INT8 PRIMARY KEY,
    holder_id TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INT8 NOT NULL,
    since TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
)";

/// Who holds the lock, as the table says.
#[derive(Debug, Clone)]
pub struct Holder {
    pub holder_id: String,
    pub host: String,
    pub pid: i64,
    pub since: String,
    pub expires_at: String,
    pub expired: bool,
}

pub struct LockGuard {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    lost: Arc<AtomicBool>,
}

impl LockGuard {
    /// False once a heartbeat found the row gone or owned by someone else.
    pub fn still_held(&self) -> bool {
        !self.lost.load(Ordering::SeqCst)
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn this_host() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// Take the lock, waiting up to `timeout`; `session` is a session of its own for the heartbeat.
pub fn acquire(
    client: &mut postgres::Client,
    mut session: postgres::Client,
    timeout: Duration,
    lease: Duration,
    mut on_wait: impl FnMut(&Holder),
) -> Result<LockGuard> {
    client
        .batch_execute(CREATE)
        .context("could not create the lock table bmdb_lock")?;
    let host = this_host();
    let pid = i64::from(std::process::id());
    let holder_id = format!("{host}:{pid}:{}", nanos_now());
    let lease_text = format!("{} milliseconds", lease.as_millis());
    let deadline = Instant::now() + timeout;
    let mut reported = false;
    loop {
        let won = client
            .query(
                "INSERT INTO bmdb_lock (id, holder_id, host, pid, since, expires_at) \
                 VALUES (1, $1, $2, $3, now(), now() + $4::TEXT::INTERVAL) \
                 ON CONFLICT (id) DO UPDATE SET holder_id = excluded.holder_id, host = excluded.host, \
                 pid = excluded.pid, since = excluded.since, expires_at = excluded.expires_at \
                 WHERE bmdb_lock.expires_at < now() RETURNING holder_id",
                &[&holder_id, &host, &pid, &lease_text],
            )
            .context("could not take the apply lock in bmdb_lock")?;
        if won.len() == 1 {
            break;
        }
        let Some(holder) = current_holder(client)? else {
            continue; // released between our insert and this read
        };
        if holder.host == host && !process_alive(holder.pid) {
            // same machine and the process is gone: no need to wait for the lease
            client
                .execute(
                    "DELETE FROM bmdb_lock WHERE id = 1 AND holder_id = $1",
                    &[&holder.holder_id],
                )
                .context("could not clear the lock left by a dead process")?;
            continue;
        }
        if Instant::now() >= deadline {
            bail!(
                "another bmdb apply holds the lock on this database: host {}, pid {}, since {} \
                 (lease expires at {}); waited {}s (--lock-timeout). If that process is gone, \
                 the lock frees itself when the lease expires",
                holder.host,
                holder.pid,
                holder.since,
                holder.expires_at,
                timeout.as_secs()
            );
        }
        if !reported {
            on_wait(&holder);
            reported = true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    let lost = Arc::new(AtomicBool::new(false));
    let (stop, stopped) = mpsc::channel::<()>();
    let thread_lost = lost.clone();
    let beat = lease / 3;
    let thread = std::thread::spawn(move || loop {
        match stopped.recv_timeout(beat) {
            Err(RecvTimeoutError::Timeout) => {
                let renewed = session.execute(
                    "UPDATE bmdb_lock SET expires_at = now() + $2::TEXT::INTERVAL \
                     WHERE id = 1 AND holder_id = $1",
                    &[&holder_id, &lease_text],
                );
                if !matches!(renewed, Ok(1)) {
                    thread_lost.store(true, Ordering::SeqCst);
                }
            }
            // the guard was dropped: release on every exit path that unwinds
            _ => {
                let _ = session.execute(
                    "DELETE FROM bmdb_lock WHERE id = 1 AND holder_id = $1",
                    &[&holder_id],
                );
                return;
            }
        }
    });
    Ok(LockGuard {
        stop: Some(stop),
        thread: Some(thread),
        lost,
    })
}

pub fn current_holder(client: &mut postgres::Client) -> Result<Option<Holder>> {
    let row = client
        .query_opt(
            "SELECT holder_id, host, pid, since::TEXT, expires_at::TEXT, expires_at < now() \
             FROM bmdb_lock WHERE id = 1",
            &[],
        )
        .context("could not read the apply lock")?;
    Ok(row.map(|r| Holder {
        holder_id: r.get(0),
        host: r.get(1),
        pid: r.get(2),
        since: r.get(3),
        expires_at: r.get(4),
        expired: r.get(5),
    }))
}

fn nanos_now() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Whether a process of this host still runs; where it cannot be known, assume it does.
fn process_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}
