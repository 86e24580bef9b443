//! Test harness: a real PostgreSQL 15 started once per test process (initdb into a temp
//! dir, loopback port, password auth), one database per test, stopped when the process
//! exits (a watchdog shell waits for this process to disappear). Runs initdb/postgres as
//! an unprivileged user when the tests run as root. Also: project fixtures and a runner
//! for the built `bmdb` binary that asserts no output ever contains the password.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const USER: &str = "bmdb";
/// Every URL the tests hand to bmdb carries this; no output may ever show it.
pub const PASSWORD: &str = "Hunter2-s3cr3t-PW";
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Pg {
    pub port: u16,
    pub dir: PathBuf,
    pub pid: u32,
}

/// Files for a server started with TLS.
pub struct ServerTls {
    pub cert_pem: String,
    pub key_pem: String,
    /// CA that client certificates must chain to.
    pub client_ca_pem: String,
}

static SHARED: OnceLock<Pg> = OnceLock::new();
static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server shared by every test of this process.
pub fn pg() -> &'static Pg {
    SHARED.get_or_init(|| Pg::start(None))
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions
    unsafe { libc::geteuid() == 0 }
}

/// The unprivileged account (uid, gid) that runs the server when we are root.
fn server_user() -> Option<(String, String)> {
    if !is_root() {
        return None;
    }
    let id = |flag: &str, user: &str| {
        Command::new("id")
            .args([flag, user])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    for user in ["postgres", "nobody"] {
        if let (Some(uid), Some(gid)) = (id("-u", user), id("-g", user)) {
            return Some((uid, gid));
        }
    }
    panic!(
        "running as root but neither a `postgres` nor a `nobody` account exists to run PostgreSQL"
    );
}

/// `program` as the unprivileged user; setpriv execs in place, so the child's pid is the server's.
fn as_server_user(program: &str) -> Command {
    match server_user() {
        Some((uid, gid)) => {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid",
                &uid,
                "--regid",
                &gid,
                "--clear-groups",
                "--",
                program,
            ]);
            c
        }
        None => Command::new(program),
    }
}

fn chown_to_server_user(path: &Path) {
    if let Some((uid, gid)) = server_user() {
        let ok = Command::new("chown")
            .arg("-R")
            .arg(format!("{uid}:{gid}"))
            .arg(path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "chown {} failed", path.display());
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Pg {
    /// initdb + start; with `tls`, ssl=on and client-certificate auth for role `bmdb_cert`.
    pub fn start(tls: Option<ServerTls>) -> Pg {
        assert!(
            Path::new(PG_BIN).join("initdb").exists(),
            "PostgreSQL 15 is not installed ({PG_BIN}/initdb missing): run scripts/test.sh, which installs it"
        );
        let dir = tempfile::Builder::new()
            .prefix("bmdb-pg-")
            .tempdir()
            .unwrap()
            .keep();
        let data = dir.join("data");
        std::fs::write(dir.join("pwfile"), PASSWORD).unwrap();
        chown_to_server_user(&dir);
        let out = as_server_user(&format!("{PG_BIN}/initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", dir.join("pwfile").display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        let mut conf = String::from("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n");
        if let Some(tls) = &tls {
            std::fs::write(data.join("server.crt"), &tls.cert_pem).unwrap();
            std::fs::write(data.join("server.key"), &tls.key_pem).unwrap();
            std::fs::write(data.join("client_ca.crt"), &tls.client_ca_pem).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                data.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )
            .unwrap();
            chown_to_server_user(&data);
            conf.push_str("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nssl_ca_file = 'client_ca.crt'\n");
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all bmdb_cert 127.0.0.1/32 cert\nhost all all 127.0.0.1/32 scram-sha-256\n",
            )
            .unwrap();
        }
        let mut existing = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
        existing.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), existing).unwrap();
        chown_to_server_user(&dir);

        let port = free_port();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        chown_to_server_user(&dir.join("server.log"));
        let child = as_server_user(&format!("{PG_BIN}/postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-k")
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let pid = child.id();
        // stop the server and remove its files once this test process is gone, however it ends
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while [ -d /proc/{me} ]; do sleep 0.5; done; kill -INT {pid} 2>/dev/null; \
                 for i in $(seq 100); do [ -d /proc/{pid} ] || break; sleep 0.1; done; \
                 kill -KILL {pid} 2>/dev/null; rm -rf '{dir}'",
                me = std::process::id(),
                dir = dir.display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // it must outlive this process: never waited for
        std::mem::forget(watchdog);
        std::mem::forget(child);
        let pg = Pg { port, dir, pid };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if pg.admin().is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start: {}",
                std::fs::read_to_string(pg.dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        pg
    }

    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    pub fn admin(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
    }

    /// A fresh, empty database for one test; returns its name.
    pub fn new_db(&self, hint: &str) -> String {
        let n = DB_COUNTER.fetch_add(1, Ordering::SeqCst);
        let name: String = format!("t{}_{n}_{hint}", std::process::id())
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        self.admin()
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        name
    }

    /// A fresh database with the PostGIS extension (scripts/test.sh installs the package).
    pub fn new_db_postgis(&self, hint: &str) -> String {
        let name = self.new_db(hint);
        self.client(&name)
            .batch_execute("CREATE EXTENSION IF NOT EXISTS postgis")
            .unwrap_or_else(|e| panic!("PostGIS is not usable ({e}): run scripts/test.sh, which installs postgresql-15-postgis-3"));
        name
    }

    pub fn client(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(db), postgres::NoTls).unwrap()
    }
}

/// A project directory with `regions.yaml` and the given migration files.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new(dialect: &str, migrations: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("regions.yaml"),
            format!("database: test\ndialect: {dialect}\n"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        for (name, sql) in migrations {
            std::fs::write(dir.path().join("migrations").join(name), sql).unwrap();
        }
        Project { dir }
    }
    /// A project whose model (`schema`: file name, YAML) describes what the hand-written
    /// migrations build, with the lock `plan --write` would have left: apply then runs with
    /// the model checks and its verification, and `plan` and `drift` can check convergence.
    pub fn modelled(
        dialect: &str,
        migrations: &[(&str, &str)],
        schema: &[(&str, &str)],
    ) -> Project {
        let p = Project::new(dialect, migrations);
        std::fs::create_dir(p.path().join("schema")).unwrap();
        for (name, yaml) in schema {
            std::fs::write(p.path().join("schema").join(name), yaml).unwrap();
        }
        let state = bmdb::model::load_project(p.path()).unwrap_or_else(|d| panic!("{d}"));
        let locked: Vec<_> = bmdb::migrations::scan(&bmdb::migrations::Line::single(
            p.path(),
            Default::default(),
        ))
        .unwrap()
        .into_iter()
        .map(|f| bmdb::migrations::LockedMigration {
            version: f.version,
            name: f.name,
            checksum: f.checksum,
        })
        .collect();
        let lock = bmdb::migrations::Lock {
            version: 1,
            migrations: locked,
            state,
        };
        std::fs::write(
            bmdb::migrations::Line::single(p.path(), Default::default()).lock_path(),
            serde_json::to_string_pretty(&lock).unwrap(),
        )
        .unwrap();
        p
    }

    /// After an apply: the next plan is empty and the drift gate is clean.
    pub fn assert_converged(&self, url: &str) {
        let r = run(bmdb(self.path()).args(["plan", "--detailed-exitcode"]));
        assert_eq!(r.code, 0, "the plan after apply is not empty: {r:?}");
        let r = run(bmdb(self.path()).args(["drift", "--url", url]));
        assert_eq!(r.code, 0, "drift after apply: {r:?}");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn migration(&self, name: &str) -> PathBuf {
        self.dir.path().join("migrations").join(name)
    }
}

/// The outcome of one bmdb run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// libpq's variables bmdb reads: never inherited from the developer's environment.
pub const PG_VARS: [&str; 13] = [
    "PGHOST",
    "PGPORT",
    "PGUSER",
    "PGPASSWORD",
    "PGDATABASE",
    "PGSSLMODE",
    "PGSSLROOTCERT",
    "PGSSLCERT",
    "PGSSLKEY",
    "PGCONNECT_TIMEOUT",
    "PGPASSFILE",
    "PGAPPNAME",
    "PGOPTIONS",
];

/// A `bmdb` command with a clean environment (no URL or PG* variables inherited, and a
/// HOME without a ~/.pgpass).
pub fn bmdb(project: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bmdb"));
    c.arg("--project").arg(project);
    c.env_remove("BMDB_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env_remove("BMDB_TEST_PAUSE_AT");
    for var in PG_VARS {
        c.env_remove(var);
    }
    c.env("HOME", empty_home());
    c.stdin(Stdio::null());
    c
}

/// An empty directory used as HOME, so no ~/.pgpass of the developer is read.
pub fn empty_home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// Run to completion; fails the test if any output contains a password.
pub fn run(cmd: &mut Command) -> Run {
    run_checking(cmd, &[PASSWORD])
}

pub fn run_checking(cmd: &mut Command, secrets: &[&str]) -> Run {
    let out: Output = cmd.output().unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for s in secrets {
        assert!(
            !r.all().contains(s),
            "output contains the password {s:?}:\n{r:?}"
        );
    }
    r
}

/// Start `cmd` with BMDB_TEST_PAUSE_AT=point; when it reports the pause, SIGKILL it.
/// Returns true when it was killed at the point, false when it finished first.
/// Run `cmd` until it pauses at crash point `point`, then send it SIGINT (Ctrl-C) and
/// return how it ended.
pub fn interrupt_at_point(cmd: &mut Command, point: u64) -> Run {
    cmd.env("BMDB_TEST_PAUSE_AT", point.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child: Child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("BMDB_TEST_PAUSED") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("bmdb did not pause in 60s");
    // SAFETY: signalling our own child process
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: reader.join().unwrap(),
    };
    assert!(
        !run.stderr.contains(PASSWORD) && !run.stdout.contains(PASSWORD),
        "{run:?}"
    );
    run
}

pub fn kill_at_point(cmd: &mut Command, point: u64) -> bool {
    cmd.env("BMDB_TEST_PAUSE_AT", point.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child: Child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            all.push_str(&line);
            all.push('\n');
            if line.starts_with("BMDB_TEST_PAUSED") {
                let _ = tx.send((true, all.clone()));
            }
        }
        let _ = tx.send((false, all));
    });
    let (paused, text) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("bmdb neither paused nor finished in 60s");
    assert!(
        !text.contains(PASSWORD),
        "stderr contains the password:\n{text}"
    );
    if paused {
        child.kill().unwrap(); // SIGKILL
    }
    let status = child.wait().unwrap();
    if !paused {
        assert!(
            status.success(),
            "apply failed before reaching point {point}:\n{text}"
        );
    }
    paused
}

/// `bmdb plan --write NAME` (which must succeed), then `bmdb apply --allow-destructive` on
/// `url`, both through the binary: the written migration's SQL and apply's run.
pub fn write_and_apply_binary(dir: &Path, name: &str, url: &str) -> (String, Run) {
    let r = run(bmdb(dir).args(["plan", "--write", name]));
    assert_eq!(r.code, 0, "plan --write {name}: {r:?}");
    let migration = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with(&format!("__{name}.sql"))
        })
        .unwrap();
    let sql = std::fs::read_to_string(migration).unwrap();
    let r = run(bmdb(dir).args(["apply", "--allow-destructive", "--url", url]));
    (sql, r)
}

/// Writes `text` to `rel` under `dir`, creating its folders.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// [`write_and_apply_binary`], whose apply must succeed: the written migration's SQL.
pub fn write_and_apply(dir: &Path, name: &str, url: &str) -> String {
    let (sql, r) = write_and_apply_binary(dir, name, url);
    assert_eq!(r.code, 0, "apply {name}:\n{sql}\n{r:?}");
    sql
}

/// The convergence check after an apply: `plan` and `plan --url` empty, `drift` exits 0.
pub fn converged(dir: &Path, url: &str) {
    let r = run(bmdb(dir).args(["plan", "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "the plan after apply is not empty: {r:?}");
    let r = run(bmdb(dir).args(["plan", "--url", url, "--detailed-exitcode"]));
    assert_eq!(r.code, 0, "plan --url after apply is not empty: {r:?}");
    let r = run(bmdb(dir).args(["drift", "--url", url]));
    assert_eq!(r.code, 0, "drift after apply: {r:?}");
}

/// `bmdb inspect` of the database at `url` into `dir/name` (bmdb's history table left out),
/// which must succeed: the first half of the round trip every end-to-end test ends with
/// (inspect, then `plan --url` empty from what it wrote).
pub fn inspected(dir: &Path, url: &str, name: &str) -> (PathBuf, Run) {
    let out = dir.join(name);
    let r = run(bmdb(&out)
        .args([
            "inspect",
            "--url",
            url,
            "--ignore",
            "table bmdb_schema_history",
            "--out",
        ])
        .arg(&out));
    assert_eq!(r.code, 0, "inspect into {}: {r:?}", out.display());
    (out, r)
}

/// Where `what` first stands in `sql` (a statement's position, to check the order).
pub fn at(sql: &str, what: &str) -> usize {
    sql.find(what)
        .unwrap_or_else(|| panic!("{what:?} not in\n{sql}"))
}
