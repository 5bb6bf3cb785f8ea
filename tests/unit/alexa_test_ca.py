"""A throw-away PKI shaped like Amazon's: root -> intermediate -> echo-api.amazon.com leaf.

Keys are generated once per process (RSA key generation is the slow part); certificates are
fixed relative to `NOW` so tests inject that clock instead of reading the real one.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LEAF_NOT_BEFORE = NOW - timedelta(days=30)
LEAF_NOT_AFTER = NOW + timedelta(days=60)
ECHO_API = "echo-api.amazon.com"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """Return the 2048-bit key called `name`, generated on first use and then reused."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Alexa PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_cert(
    common_name: str,
    key: rsa.RSAPrivateKey,
    *,
    issuer: x509.Certificate | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
) -> x509.Certificate:
    subject = _name(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    signer = key
    if issuer is not None and issuer_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        signer = issuer_key
    return builder.sign(signer, hashes.SHA256())


def _leaf_cert(
    *,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    dns_names: tuple[str, ...] = (ECHO_API,),
    not_before: datetime = LEAF_NOT_BEFORE,
    not_after: datetime = LEAF_NOT_AFTER,
) -> x509.Certificate:
    key = rsa_key("leaf")
    return (
        x509.CertificateBuilder()
        .subject_name(_name(dns_names[0]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


@dataclass(frozen=True)
class AlexaPKI:
    """The trusted root, and PEM chains (leaf first) for the good leaf and every bad variant."""

    root: x509.Certificate
    valid: bytes
    renewed: bytes  # a later leaf, for the cache's refetch after expiry
    expired: bytes
    not_yet_valid: bytes
    wrong_san: bytes
    wildcard_san: bytes
    untrusted_root: bytes
    missing_intermediate: bytes


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


@functools.cache
def build_pki() -> AlexaPKI:
    """Build the PKI once per process."""
    root_key, inter_key = rsa_key("root"), rsa_key("intermediate")
    root = _ca_cert("Test Alexa Root CA", root_key)
    inter = _ca_cert("Test Alexa Intermediate CA", inter_key, issuer=root, issuer_key=root_key)
    rogue_key = rsa_key("rogue-root")
    rogue = _ca_cert("Rogue Root CA", rogue_key)

    leaf = functools.partial(_leaf_cert, issuer=inter, issuer_key=inter_key)
    good = leaf()
    return AlexaPKI(
        root=root,
        valid=pem(good, inter),
        renewed=pem(leaf(not_before=NOW, not_after=NOW + timedelta(days=365)), inter),
        expired=pem(
            leaf(not_before=NOW - timedelta(days=90), not_after=NOW - timedelta(seconds=1)), inter
        ),
        not_yet_valid=pem(
            leaf(not_before=NOW + timedelta(seconds=1), not_after=NOW + timedelta(days=90)), inter
        ),
        wrong_san=pem(leaf(dns_names=("echo-api.amazon.com.evil.example",)), inter),
        wildcard_san=pem(leaf(dns_names=("*.amazon.com",)), inter),
        untrusted_root=pem(_leaf_cert(issuer=rogue, issuer_key=rogue_key), rogue),
        missing_intermediate=pem(good),
    )


def sign(body: bytes, key: rsa.RSAPrivateKey | None = None) -> str:
    """Return the Signature-256 header value for `body`, signed with the leaf key by default."""
    signer = key or rsa_key("leaf")
    return base64.b64encode(signer.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def chain_valid_at(when: datetime) -> tuple[x509.Certificate, bytes]:
    """Return (root, PEM chain) with a leaf valid a day either side of `when` (benchmarks use now)."""
    root_key, inter_key = rsa_key("root"), rsa_key("intermediate")
    root = _ca_cert("Test Alexa Root CA", root_key)
    inter = _ca_cert("Test Alexa Intermediate CA", inter_key, issuer=root, issuer_key=root_key)
    leaf = _leaf_cert(
        issuer=inter,
        issuer_key=inter_key,
        not_before=when - timedelta(days=1),
        not_after=when + timedelta(days=1),
    )
    return root, pem(leaf, inter)
