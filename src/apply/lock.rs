//! lock: one row in `bmdb_lock` guards a database against two applies at once
//! (CockroachDB has no advisory locks). The holder renews a lease from a heartbeat thread on
//! its own session; a holder that died loses the lock when the lease runs out, or at once
//! when it ran in this very PID namespace and boot and its process is gone. Dropping the
//! guard releases it.
//!
//! A hostname alone does not say a pid is ours to look up: containers with host networking
//! and CI runners share it across PID namespaces, and pids are reused. So `holder_id` (an
//! existing TEXT column: tables created by older releases keep working) also carries the
//! holder's process identity, `<host>:<pid>:<nanos> ns=<inode> boot=<id> start=<ticks>`.

use super::bootstrap::OwnTable;
use crate::db::cell;
use anyhow::{bail, Context, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const LOCK_TABLE: &str = "bmdb_lock";

/// The lock table as bmdb creates it (by `bootstrap::ensure`, before `acquire`) and the
/// columns it reads and writes.
pub const TABLE: OwnTable = OwnTable {
    name: LOCK_TABLE,
    create: CREATE,
    columns: &[
        ("id", "bigint"),
        ("holder_id", "text"),
        ("host", "text"),
        ("pid", "bigint"),
        ("since", "timestamp with time zone"),
        ("expires_at", "timestamp with time zone"),
    ],
};

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

/// Take the lock, waiting up to `timeout`; `session` is a session of its own for the
/// heartbeat. The table must exist (`bootstrap::ensure`).
pub fn acquire(
    client: &mut postgres::Client,
    mut session: postgres::Client,
    timeout: Duration,
    lease: Duration,
    mut on_wait: impl FnMut(&Holder),
) -> Result<LockGuard> {
    let host = this_host();
    let pid = i64::from(std::process::id());
    let me = ProcessIdentity::current(std::process::id());
    let holder_id = match &me {
        Some(id) => format!("{host}:{pid}:{} {}", nanos_now(), id.encode()),
        None => format!("{host}:{pid}:{}", nanos_now()),
    };
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
        if holder.host == host && me.as_ref().is_some_and(|me| holder_gone(me, &holder)) {
            // same namespace and boot, and that process is gone: no need to wait for the lease
            client
                .execute(
                    "DELETE FROM bmdb_lock WHERE id = 1 AND holder_id = $1",
                    &[&holder.holder_id],
                )
                .context("could not clear the lock left by a dead process")?;
            continue;
        }
        if super::interrupt::requested() {
            bail!("interrupted (Ctrl-C) while waiting for the apply lock; nothing was run");
        }
        if Instant::now() >= deadline {
            // a same-named host whose pid we cannot check: say why we did not take over
            let elsewhere = if holder.host == host {
                " in another PID namespace or boot of this host name"
            } else {
                ""
            };
            bail!(
                "another bmdb apply holds the lock on this database: host {}, pid {}, since {}{} \
                 (lease expires at {}); waited {}s (--lock-timeout). If that process is gone, \
                 the lock frees itself when the lease expires",
                holder.host,
                holder.pid,
                holder.since,
                elsewhere,
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

fn current_holder(client: &mut postgres::Client) -> Result<Option<Holder>> {
    let row = client
        .query_opt(
            "SELECT holder_id, host, pid, since, expires_at, expires_at < now() \
             FROM bmdb_lock WHERE id = 1",
            &[],
        )
        .context("could not read the apply lock")?;
    let Some(r) = row else {
        return Ok(None);
    };
    let of = Some("the lock row");
    Ok(Some(Holder {
        holder_id: cell(&r, 0, LOCK_TABLE, of)?,
        host: cell(&r, 1, LOCK_TABLE, of)?,
        pid: cell(&r, 2, LOCK_TABLE, of)?,
        since: crate::output::rfc3339(cell(&r, 3, LOCK_TABLE, of)?),
        expires_at: crate::output::rfc3339(cell(&r, 4, LOCK_TABLE, of)?),
        expired: cell(&r, 5, LOCK_TABLE, of)?,
    }))
}

fn nanos_now() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Who a process is, beyond its pid: its PID namespace, the boot it runs in, and its start
/// time (clock ticks since boot), so a pid reused by a new process does not look like it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessIdentity {
    pub pid_ns: u64,
    pub boot_id: String,
    pub start_ticks: u64,
}

impl ProcessIdentity {
    /// This process's identity as seen from itself; `None` off Linux or without /proc.
    #[cfg(target_os = "linux")]
    pub fn current(pid: u32) -> Option<ProcessIdentity> {
        use std::os::unix::fs::MetadataExt;
        let pid_ns = std::fs::metadata("/proc/self/ns/pid").ok()?.ino();
        let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        Some(ProcessIdentity {
            pid_ns,
            boot_id: boot_id.trim().to_string(),
            start_ticks: start_ticks(i64::from(pid))?,
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn current(_pid: u32) -> Option<ProcessIdentity> {
        None
    }

    /// The `ns=.. boot=.. start=..` words appended to `holder_id`.
    fn encode(&self) -> String {
        format!(
            "ns={} boot={} start={}",
            self.pid_ns, self.boot_id, self.start_ticks
        )
    }

    /// The identity recorded in a `holder_id`; `None` for rows written without one.
    fn decode(holder_id: &str) -> Option<ProcessIdentity> {
        let mut words = holder_id.split_whitespace().skip(1);
        let mut field = |key: &str| {
            words
                .next()
                .and_then(|w| w.strip_prefix(key))
                .map(str::to_string)
        };
        let pid_ns = field("ns=")?.parse().ok()?;
        let boot_id = field("boot=")?;
        let start_ticks = field("start=")?.parse().ok()?;
        Some(ProcessIdentity {
            pid_ns,
            boot_id,
            start_ticks,
        })
    }
}

/// Whether the holder surely no longer runs: it recorded our PID namespace and boot, and its
/// pid is gone or now belongs to a process that started at another time. Anything unknown
/// (an older row without an identity, another namespace or boot) counts as running.
fn holder_gone(me: &ProcessIdentity, holder: &Holder) -> bool {
    let Some(theirs) = ProcessIdentity::decode(&holder.holder_id) else {
        return false;
    };
    if theirs.pid_ns != me.pid_ns || theirs.boot_id != me.boot_id {
        return false;
    }
    match start_ticks(holder.pid) {
        None => !std::path::Path::new(&format!("/proc/{}", holder.pid)).exists(),
        Some(ticks) => ticks != theirs.start_ticks,
    }
}

/// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot.
fn start_ticks(pid: i64) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the command name (field 2) is in parentheses and may hold spaces: count after it
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(holder_id: String, pid: i64) -> Holder {
        Holder {
            holder_id,
            host: this_host(),
            pid,
            since: String::new(),
            expires_at: String::new(),
            expired: false,
        }
    }

    #[test]
    fn identity_round_trips_through_holder_id() {
        let me = ProcessIdentity::current(std::process::id()).expect("Linux /proc");
        let id = format!("h:1:2 {}", me.encode());
        assert_eq!(ProcessIdentity::decode(&id), Some(me));
        assert_eq!(ProcessIdentity::decode("host:1:2"), None);
        assert_eq!(ProcessIdentity::decode("gone"), None);
    }

    #[test]
    fn only_a_holder_of_our_namespace_and_boot_whose_process_is_gone_is_dead() {
        let pid = std::process::id();
        let me = ProcessIdentity::current(pid).unwrap();
        let alive = holder(format!("h:{pid}:0 {}", me.encode()), i64::from(pid));
        assert!(!holder_gone(&me, &alive), "this very process runs");

        let reused = ProcessIdentity {
            start_ticks: me.start_ticks + 1,
            ..me.clone()
        };
        let reused = holder(format!("h:{pid}:0 {}", reused.encode()), i64::from(pid));
        assert!(holder_gone(&me, &reused), "a reused pid is another process");

        // a pid beyond pid_max never exists
        let gone = holder(format!("h:1:0 {}", me.encode()), 1 << 23);
        assert!(holder_gone(&me, &gone));
        let other_ns = ProcessIdentity {
            pid_ns: me.pid_ns + 1,
            ..me.clone()
        };
        let other_ns = holder(format!("h:1:0 {}", other_ns.encode()), 1 << 23);
        assert!(
            !holder_gone(&me, &other_ns),
            "another namespace: cannot tell"
        );
        let other_boot = ProcessIdentity {
            boot_id: "another-boot".into(),
            ..me.clone()
        };
        let other_boot = holder(format!("h:1:0 {}", other_boot.encode()), 1 << 23);
        assert!(!holder_gone(&me, &other_boot), "another boot: cannot tell");
        let old_row = holder("h:1:0".into(), 1 << 23);
        assert!(!holder_gone(&me, &old_row), "no identity recorded: wait");
    }
}
