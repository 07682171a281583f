"""TLS: a POS served over https can only call an https proxy (browsers block mixed content)."""

import datetime
import ipaddress
import subprocess
import urllib.error

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .hw_harness import HW_PROXY, Proxy


def _self_signed(folder):
    """A certificate for 127.0.0.1, as a store would make for its proxy, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hw-proxy test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "proxy.crt", folder / "proxy.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_proxy_serves_https_with_the_given_certificate(tmp_path):
    cert, key = _self_signed(tmp_path)
    proxy = Proxy("--cert", str(cert), "--key", str(key), token="s3cret", cafile=str(cert))
    try:
        assert proxy.url.startswith("https://")
        assert proxy.get("/hw_proxy/hello")[1] == b"ping"
        assert proxy.rpc("handshake")["result"] is True
        # a client that does not trust the certificate is refused by TLS itself
        proxy.ssl_context = None
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            proxy.get("/hw_proxy/hello")
    finally:
        assert proxy.stop() == 0


def test_bad_tls_settings_exit_2_with_one_line(tmp_path):
    cert, key = _self_signed(tmp_path)
    (tmp_path / "junk.pem").write_text("not a certificate")
    bad = (
        ["--cert", str(cert)],
        ["--cert", str(tmp_path / "missing.crt"), "--key", str(key)],
        ["--cert", str(tmp_path / "junk.pem"), "--key", str(key)],
    )
    for args in bad:
        done = subprocess.run(
            [str(HW_PROXY), *args], capture_output=True, text=True, timeout=30, check=False
        )
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert "cert" in done.stderr
