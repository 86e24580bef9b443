//! TLS against a real PostgreSQL started with a certificate from a throwaway CA made here:
//! verify-full, verify-ca, require, client-certificate auth, and a wrong CA refused.

mod support;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use std::path::PathBuf;
use std::sync::OnceLock;
use support::{bmdb, run, Pg, Project, PASSWORD, USER};

struct Ca {
    cert: Certificate,
    key: KeyPair,
}

fn new_ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let cert = params.self_signed(&key).unwrap();
    Ca { cert, key }
}

/// A leaf certificate signed by `ca`: PEM cert and PEM key.
fn leaf(ca: &Ca, common_name: &str, sans: Vec<String>) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(sans).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    (cert.pem(), key.serialize_pem())
}

struct TlsServer {
    pg: Pg,
    files: tempfile::TempDir,
}

impl TlsServer {
    fn file(&self, name: &str) -> PathBuf {
        self.files.path().join(name)
    }
}

fn server() -> &'static TlsServer {
    static SERVER: OnceLock<TlsServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let ca = new_ca("bmdb test CA");
        let other_ca = new_ca("some other CA");
        let (server_cert, server_key) = leaf(&ca, "localhost", vec!["localhost".into()]);
        let (client_cert, client_key) = leaf(&ca, "bmdb_cert", vec![]);
        let files = tempfile::tempdir().unwrap();
        std::fs::write(files.path().join("ca.crt"), ca.cert.pem()).unwrap();
        std::fs::write(files.path().join("other_ca.crt"), other_ca.cert.pem()).unwrap();
        std::fs::write(files.path().join("client.crt"), client_cert).unwrap();
        std::fs::write(files.path().join("client.key"), client_key).unwrap();
        let pg = Pg::start(Some(support::ServerTls {
            cert_pem: server_cert,
            key_pem: server_key,
            client_ca_pem: ca.cert.pem(),
        }));
        pg.admin()
            .unwrap()
            .batch_execute("CREATE ROLE bmdb_cert LOGIN SUPERUSER")
            .unwrap();
        TlsServer { pg, files }
    })
}

const MIGRATION: &[(&str, &str)] = &[("V1__init.sql", "CREATE TABLE t (id int8 PRIMARY KEY);\n")];

fn url(user_part: &str, host: &str, db: &str, params: &str) -> String {
    format!(
        "postgres://{user_part}@{host}:{}/{db}?{params}",
        server().pg.port
    )
}

#[test]
fn verify_full_with_a_client_certificate() {
    let s = server();
    let db = s.pg.new_db("tls_cert");
    let project = Project::new("postgres", MIGRATION);
    let u = url(
        "bmdb_cert",
        "localhost",
        &db,
        &format!(
            "sslmode=verify-full&sslrootcert={}&sslcert={}&sslkey={}",
            s.file("ca.crt").display(),
            s.file("client.crt").display(),
            s.file("client.key").display()
        ),
    );
    let r = run(bmdb(project.path()).args(["apply", "--url", &u]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(project.path()).args(["status", "--url", &u]));
    assert!(r.stdout.contains("1 applied"), "{r:?}");

    // the same role without its certificate is refused by the server (hostssl ... cert)
    let no_cert = url(
        "bmdb_cert",
        "localhost",
        &db,
        &format!(
            "sslmode=verify-full&sslrootcert={}",
            s.file("ca.crt").display()
        ),
    );
    let r = run(bmdb(project.path()).args(["status", "--url", &no_cert]));
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn verify_full_with_a_password_over_tls_never_shows_it() {
    let s = server();
    let db = s.pg.new_db("tls_pw");
    let project = Project::new("postgres", MIGRATION);
    let u = url(
        &format!("{USER}:{PASSWORD}"),
        "localhost",
        &db,
        &format!(
            "sslmode=verify-full&sslrootcert={}",
            s.file("ca.crt").display()
        ),
    );
    let r = run(bmdb(project.path()).args(["apply", "--url", &u]));
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(bmdb(project.path()).args(["status", "--format", "json", "--url", &u]));
    assert!(
        r.stdout.contains("********"),
        "the JSON names the database, redacted: {r:?}"
    );
}

#[test]
fn wrong_ca_is_refused_clearly() {
    let s = server();
    let db = s.pg.new_db("tls_wrong_ca");
    let project = Project::new("postgres", MIGRATION);
    let u = url(
        &format!("{USER}:{PASSWORD}"),
        "localhost",
        &db,
        &format!(
            "sslmode=verify-full&sslrootcert={}",
            s.file("other_ca.crt").display()
        ),
    );
    let r = run(bmdb(project.path()).args(["apply", "--url", &u]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("the server's TLS certificate is not signed by the CA in sslrootcert="),
        "{r:?}"
    );
    assert!(r.stderr.contains("other_ca.crt"), "{r:?}");
}

#[test]
fn host_name_is_checked_by_verify_full_only() {
    let s = server();
    let db = s.pg.new_db("tls_host");
    let project = Project::new("postgres", MIGRATION);
    let ca = format!("sslrootcert={}", s.file("ca.crt").display());
    let pw = format!("{USER}:{PASSWORD}");
    // the certificate names localhost, not 127.0.0.1
    let r = run(bmdb(project.path()).args([
        "status",
        "--url",
        &url(&pw, "127.0.0.1", &db, &format!("sslmode=verify-full&{ca}")),
    ]));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("does not name the host in the URL"),
        "{r:?}"
    );
    let r = run(bmdb(project.path()).args([
        "status",
        "--url",
        &url(&pw, "127.0.0.1", &db, &format!("sslmode=verify-ca&{ca}")),
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    // require encrypts without verifying (libpq's meaning)
    let r = run(bmdb(project.path()).args([
        "status",
        "--url",
        &url(&pw, "127.0.0.1", &db, "sslmode=require"),
    ]));
    assert_eq!(r.code, 0, "{r:?}");
    // verify-full without a CA says what is missing
    let r = run(bmdb(project.path())
        .args([
            "status",
            "--url",
            &url(&pw, "localhost", &db, "sslmode=verify-full"),
        ])
        .env("HOME", "/nonexistent"));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("add sslrootcert=PATH"), "{r:?}");
}
