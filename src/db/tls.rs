//! tls: libpq's sslmode semantics on rustls. verify-full checks chain and host name,
//! verify-ca checks the chain only, require/prefer encrypt without verifying (as libpq,
//! unless sslrootcert is given, which makes require behave as verify-ca).

use super::{SslMode, TlsSettings};
use anyhow::{bail, Context, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

#[derive(Clone)]
pub(super) struct Connector {
    config: ClientConfig,
}

impl Connector {
    pub(super) fn new(settings: &TlsSettings) -> Result<Connector> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .context("the TLS library has no usable protocol version")?;
        let mode = match (settings.mode, &settings.root_cert) {
            (SslMode::Require, Some(_)) => SslMode::VerifyCa,
            (mode, _) => mode,
        };
        let verifier: Arc<dyn ServerCertVerifier> = match mode {
            SslMode::Disable | SslMode::Prefer | SslMode::Require => {
                Arc::new(NoVerification(provider.clone()))
            }
            SslMode::VerifyCa | SslMode::VerifyFull => {
                let roots = load_roots(settings.root_cert.as_deref())?;
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .context("could not build the certificate verifier")?;
                if mode == SslMode::VerifyFull {
                    webpki
                } else {
                    Arc::new(ChainOnly(webpki))
                }
            }
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match (&settings.client_cert, &settings.client_key) {
            (Some(cert), Some(key)) => builder
                .with_client_auth_cert(load_certs(cert, "sslcert")?, load_key(key)?)
                .context("sslcert and sslkey do not form a usable client certificate")?,
            (Some(_), None) => {
                bail!("sslcert is set but sslkey is not: a client certificate needs its key")
            }
            (None, Some(_)) => {
                bail!("sslkey is set but sslcert is not: a client key needs its certificate")
            }
            (None, None) => builder.with_no_client_auth(),
        };
        Ok(Connector { config })
    }

    pub(super) fn make(&self) -> MakeRustlsConnect {
        MakeRustlsConnect::new(self.config.clone())
    }
}

fn load_roots(path: Option<&str>) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match path {
        Some("system") => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            for cert in load_certs(path, "sslrootcert")? {
                roots.add(cert).with_context(|| {
                    format!("sslrootcert={path} holds a certificate that is not a usable CA")
                })?;
            }
        }
        None => {
            let default = std::env::var_os("HOME")
                .map(|h| std::path::Path::new(&h).join(".postgresql/root.crt"));
            match default.filter(|p| p.exists()) {
                Some(p) => return load_roots(Some(&p.to_string_lossy())),
                None => bail!(
                    "sslmode verify-ca/verify-full needs the CA certificate: add sslrootcert=PATH to the URL \
                     (or sslrootcert=system for the public web roots)"
                ),
            }
        }
    }
    Ok(roots)
}

fn load_certs(path: &str, param: &str) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read {param}={path}"))?;
    let certs = rustls_pemfile::certs(&mut pem.as_slice())
        .collect::<std::result::Result<Vec<_>, _>>()
        .with_context(|| format!("{param}={path} is not a PEM certificate file"))?;
    if certs.is_empty() {
        bail!("{param}={path} holds no PEM certificate");
    }
    Ok(certs)
}

fn load_key(path: &str) -> Result<PrivateKeyDer<'static>> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read sslkey={path}"))?;
    rustls_pemfile::private_key(&mut pem.as_slice())
        .with_context(|| format!("sslkey={path} is not a PEM key file"))?
        .with_context(|| {
            format!("sslkey={path} holds no private key (PKCS#8, PKCS#1 or SEC1 PEM expected)")
        })
}

/// A hint for a failed connection, when the cause is a TLS setting the user can fix.
pub(super) fn hint_for(err: &postgres::Error, settings: &TlsSettings) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(rustls_err) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            let root = settings.root_cert.as_deref().unwrap_or("(default)");
            return Some(match rustls_err {
                rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
                | rustls::Error::InvalidCertificate(CertificateError::BadSignature) => format!(
                    "the server's TLS certificate is not signed by the CA in sslrootcert={root}: \
                     point sslrootcert at the CA that issued the server's certificate"
                ),
                rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                ) => "the server's TLS certificate does not name the host in the URL: \
                     connect with a host name the certificate lists, or use sslmode=verify-ca"
                    .to_string(),
                rustls::Error::InvalidCertificate(
                    CertificateError::Expired | CertificateError::ExpiredContext { .. },
                ) => "the server's TLS certificate has expired".to_string(),
                other => format!("TLS handshake failed: {other}"),
            });
        }
        source = e.source();
    }
    None
}

/// verify-ca: the chain must lead to sslrootcert; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// prefer/require: encrypted, not authenticated (libpq's meaning of these modes).
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
