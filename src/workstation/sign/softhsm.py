"""A software token (SoftHSM2) with its own certificate authority.

Tests and the signing benchmark sign on a real PKCS#11 module, SoftHSM2
(Debian ``softhsm2``), never on a mock. This module makes one in a folder:
a SoftHSM2 configuration whose token directory lives in that folder, a
test certificate authority, and tokens holding signing keys with
certificates issued by that authority. The same code can later make the
demo token of the app's demo mode.

SoftHSM2 reads ``SOFTHSM2_CONF`` once, when the module is first loaded in a
process, so :func:`configure` must run before any token is opened.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SOFTHSM2_MODULE_LINUX = Path("/usr/lib/softhsm/libsofthsm2.so")
SO_PIN = "12345678"


@dataclass(frozen=True)
class TestAuthority:
    """A certificate authority made for tests: its certificate and private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def crl(self, revoked: list[x509.Certificate] = ()) -> bytes:  # type: ignore[assignment]
        """A DER certificate revocation list revoking ``revoked``, valid for a week."""
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - dt.timedelta(minutes=5))
            .next_update(now + dt.timedelta(days=7))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        for cert in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(now - dt.timedelta(days=1))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def issue(
        self,
        key: rsa.RSAPrivateKey,
        common_name: str,
        *,
        not_before: dt.datetime,
        not_after: dt.datetime,
        organisation: str = "UBND xã Thử Nghiệm",
        time_stamping: bool = False,
        ocsp_url: str = "",
        crl_url: str = "",
    ) -> x509.Certificate:
        """A signing certificate for ``key`` (digital signature and non-repudiation),
        or with ``time_stamping`` a time-stamp authority's certificate; with
        ``ocsp_url`` / ``crl_url`` it names where its revocation status is."""
        purposes = (
            [ExtendedKeyUsageOID.TIME_STAMPING]
            if time_stamping
            else [ExtendedKeyUsageOID.EMAIL_PROTECTION]
        )
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage(purposes), critical=time_stamping)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(ocsp_url),
                        )
                    ]
                ),
                critical=False,
            )
        if crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(crl_url)], None, None, None
                        )
                    ]
                ),
                critical=False,
            )
        return builder.sign(self.key, hashes.SHA256())


def new_authority(common_name: str = "CA Thử Nghiệm Một Cửa") -> TestAuthority:
    """A fresh self-signed root, valid from yesterday for ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thử Nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
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
        .sign(key, hashes.SHA256())
    )
    return TestAuthority(certificate, key)


def configure(folder: Path) -> Path:
    """Write a SoftHSM2 configuration keeping its tokens in ``folder`` and point
    ``SOFTHSM2_CONF`` at it; returns the configuration file."""
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return conf


def init_token(label: str, user_pin: str) -> None:
    """Initialise a new token in the first free slot (``softhsm2-util``)."""
    program = shutil.which("softhsm2-util")
    if program is None:
        raise FileNotFoundError("softhsm2-util is not installed (Debian package softhsm2)")
    subprocess.run(
        [
            program,
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            SO_PIN,
            "--pin",
            user_pin,
        ],
        check=True,
        capture_output=True,
    )


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")


def import_key_and_certificate(
    module: Path,
    token_label: str,
    user_pin: str,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    label: str,
    key_id: bytes,
    *,
    always_authenticate: bool = False,
    token_serial: str | None = None,
) -> None:
    """Store ``key`` (private, not extractable) and ``certificate`` on a token under ``label``;
    with ``always_authenticate`` the key demands the PIN for every signature. With
    ``token_serial`` the token is the one of that serial (several may share a label)."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    numbers = key.private_numbers()
    public = numbers.public_numbers
    if token_serial is not None:
        token = pkcs11.lib(str(module)).get_token(token_serial=token_serial.encode("ascii"))
    else:
        token = pkcs11.lib(str(module)).get_token(token_label=token_label)
    with token.open(user_pin=user_pin, rw=True) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                Attribute.KEY_TYPE: KeyType.RSA,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.ALWAYS_AUTHENTICATE: always_authenticate,
                Attribute.LABEL: label,
                Attribute.ID: key_id,
                Attribute.MODULUS: _int_bytes(public.n),
                Attribute.PUBLIC_EXPONENT: _int_bytes(public.e),
                Attribute.PRIVATE_EXPONENT: _int_bytes(numbers.d),
                Attribute.PRIME_1: _int_bytes(numbers.p),
                Attribute.PRIME_2: _int_bytes(numbers.q),
                Attribute.EXPONENT_1: _int_bytes(numbers.dmp1),
                Attribute.EXPONENT_2: _int_bytes(numbers.dmq1),
                Attribute.COEFFICIENT: _int_bytes(numbers.iqmp),
            }
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: False,
                Attribute.LABEL: label,
                Attribute.ID: key_id,
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.ISSUER: certificate.issuer.public_bytes(),
                Attribute.SERIAL_NUMBER: _int_bytes(certificate.serial_number),
                Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            }
        )


def new_signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
