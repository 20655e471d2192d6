"""zcrm's certificate authority: made once per data dir (``ca.pem``, the certificate clients trust, and
``ca-key.pem``, its private key, mode 600, which never leaves the data dir), and the server certificates it issues
on the fly for Zoho's hosts (docs/proxy.md).

The keys are ECDSA P-256. Every server certificate shares one key (made at start, kept in memory) and lives
``LEAF_DAYS`` days; a TLS context per host is cached for the process and renewed a day before its certificate ends.
"""

from __future__ import annotations

import datetime as dt
import os
import ssl
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"  # in zcrm.datadir.FILES: mode 600
CA_DAYS = 3650
LEAF_DAYS = 7
_RENEW = dt.timedelta(days=1)
_SKEW = dt.timedelta(
    hours=1
)  # certificates start an hour back: clocks of clients a little behind still accept them


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_UNUSED = (
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "encipher_only",
    "decipher_only",
)


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    """A certificate's key usage: digital signatures, and (the CA's) signing certificates and CRLs; nothing else."""
    signs = signs_certificates
    return x509.KeyUsage(
        digital_signature=True, key_cert_sign=signs, crl_sign=signs, **dict.fromkeys(_UNUSED, False)
    )


def _write_private(path: Path, data: bytes, mode: int) -> None:
    """Writes ``data`` to ``path`` with ``mode`` through a file renamed into place (never half written)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _new_ca(data_dir: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "zcrm"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"zcrm local CA {os.urandom(4).hex()}"),
        ]
    )
    now = _now()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _SKEW)
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage(signs_certificates=True),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(data_dir / CA_KEY_FILE, key_pem, 0o600)  # the key first: a ca.pem always has its key
    _write_private(data_dir / CA_FILE, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def ensure_ca(data_dir: Path) -> Path:
    """Creates the data dir's CA unless it has one; the absolute path of ``ca.pem``."""
    data_dir = Path(data_dir).absolute()
    if not ((data_dir / CA_FILE).exists() and (data_dir / CA_KEY_FILE).exists()):
        _new_ca(data_dir)
    os.chmod(data_dir / CA_KEY_FILE, 0o600)
    return data_dir / CA_FILE


def refused_name(ssl_object: Any) -> str | None:
    """The SNI name of a TLS connection that ``Authority.serves`` refused (None when it named a served host or none)."""
    name = getattr(ssl_object, "zcrm_refused_name", None)
    return name if isinstance(name, str) else None


class Authority:
    """The data dir's CA (created if missing) and the TLS contexts of the hosts it issues certificates for: the
    hosts ``serves`` accepts. A client's SNI picks the certificate (see ``refused_name`` for another name)."""

    def __init__(self, data_dir: Path, serves: Callable[[str], bool]) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.serves = serves
        self.ca_file = ensure_ca(self.data_dir)
        self._cert = x509.load_pem_x509_certificate(self.ca_file.read_bytes())
        key = serialization.load_pem_private_key((self.data_dir / CA_KEY_FILE).read_bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        self._key = key
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())
        self._leaf_key_pem = self._leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._contexts: dict[str, tuple[ssl.SSLContext, dt.datetime]] = {}
        self._lock = threading.Lock()

    def certificate(self, host: str) -> x509.Certificate:
        """A new server certificate for ``host`` (its SAN), signed by the CA."""
        now = _now()
        public = self._leaf_key.public_key()
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(self._cert.subject)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _SKEW)
            .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                _key_usage(signs_certificates=False),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )

    def context(self, host: str) -> ssl.SSLContext:
        """The server-side TLS context for ``host`` (cached; a new certificate a day before the cached one ends)."""
        with self._lock:
            cached = self._contexts.get(host)
            if cached is not None and cached[1] - _RENEW > _now():
                return cached[0]
            cert = self.certificate(host)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.set_alpn_protocols(["http/1.1"])
            self._load(context, cert)
            context.sni_callback = self._by_name(host)
            self._contexts[host] = (context, cert.not_valid_after_utc)
            return context

    def _by_name(self, host: str) -> Callable[[Any, str | None, ssl.SSLContext], int | None]:
        """The SNI callback of ``host``'s context: another served name gets its own certificate; a name ``serves``
        refuses is noted on the connection (``refused_name``) and gets ``host``'s certificate, which a client that
        checks certificates rejects (zcrm issues none for such a name)."""

        def choose(ssl_object: Any, server_name: str | None, _context: ssl.SSLContext) -> int | None:
            if server_name is None:
                return None  # no SNI: the certificate of the host the tunnel was opened for
            name = server_name.lower().rstrip(".")
            if not self.serves(name):
                ssl_object.zcrm_refused_name = name
            elif name != host:
                ssl_object.context = self.context(name)
            return None

        return choose

    def _load(self, context: ssl.SSLContext, cert: x509.Certificate) -> None:
        """Loads ``cert`` (with the CA's certificate after it) and the shared key: ``ssl`` reads them only from a
        file, written in the data dir with mode 600 and removed at once."""
        chain = cert.public_bytes(serialization.Encoding.PEM) + self._cert.public_bytes(
            serialization.Encoding.PEM
        )
        fd, temp = tempfile.mkstemp(dir=self.data_dir, prefix=".leaf-", suffix=".pem")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self._leaf_key_pem + chain)
            context.load_cert_chain(temp)
        finally:
            os.unlink(temp)
