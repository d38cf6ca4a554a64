"""PAdES signatures on generated PDFs (results, letters) with pyHanko.

The signing key and certificate come from the settings `SIGNING_KEY_PATH` and
`SIGNING_CERT_PATH` (PEM or DER files; the key unencrypted). When neither is set, a
self-signed demo identity is created under `var/signing/` and every signature logs
`signing_with_demo_identity`: production must configure a certificate of its own.

pyHanko is imported inside the functions: it is slow to import and only workers sign.
Both `sign_pdf` and `verify_pdf_signature` drive pyHanko's asyncio API through
`asyncio.run`, so call them from synchronous code (Celery tasks, sync views), not from
inside a running event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import structlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = structlog.get_logger(__name__)

DEMO_KEY_NAME = "demo-signing-key.pem"
DEMO_CERT_NAME = "demo-signing-cert.pem"
DEMO_SUBJECT = {
    "common_name": "Bảo hiểm xã hội Việt Nam - DEMO",
    "organization_name": "Bảo hiểm xã hội Việt Nam",
    "country_name": "VN",
}
DEMO_VALIDITY = dt.timedelta(days=5 * 365)
SIGNATURE_FIELD = "Signature1"


def _write_private(path: Path, data: bytes, *, mode: int) -> None:
    """Write `data` to `path` atomically, the file never readable beyond `mode`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # O_CREAT's mode is filtered by the umask
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _demo_identity_pem() -> tuple[bytes, bytes]:
    """A new RSA-2048 key and its self-signed certificate, both PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT["common_name"]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_SUBJECT["organization_name"]),
            x509.NameAttribute(NameOID.COUNTRY_NAME, DEMO_SUBJECT["country_name"]),
        ]
    )
    now = dt.datetime.now(tz=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def ensure_demo_signing_identity(directory: Path) -> tuple[Path, Path]:
    """The paths of the demo key and certificate in `directory`, created if absent.

    Idempotent and safe between processes: an existing pair is kept, and creation runs
    under an exclusive lock on `directory/.lock` so two workers never mix key and cert.
    """
    directory = Path(directory)
    key_path, cert_path = directory / DEMO_KEY_NAME, directory / DEMO_CERT_NAME
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            # idempotency: another process may have created the pair while we waited.
            if not (key_path.exists() and cert_path.exists()):
                key_pem, cert_pem = _demo_identity_pem()
                _write_private(key_path, key_pem, mode=0o600)
                _write_private(cert_path, cert_pem, mode=0o644)
                logger.info("demo_signing_identity_created", directory=str(directory))
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return key_path, cert_path


def signing_identity_paths() -> tuple[Path, Path]:
    """(key, certificate) from settings, or the demo identity when neither is set."""
    key = getattr(settings, "SIGNING_KEY_PATH", None)
    cert = getattr(settings, "SIGNING_CERT_PATH", None)
    if key and cert:
        return Path(key), Path(cert)
    if key or cert:
        raise ImproperlyConfigured("Set both SIGNING_KEY_PATH and SIGNING_CERT_PATH, or neither.")
    logger.warning("signing_with_demo_identity")
    return ensure_demo_signing_identity(Path(settings.BASE_DIR) / "var" / "signing")


def sign_pdf(pdf_bytes: bytes, *, reason: str, location: str, signer_name: str) -> bytes:
    """`pdf_bytes` with an invisible PAdES B-B signature (SHA-256) in field "Signature1".

    The signature is added as an incremental update, so the original bytes stay the
    signed revision's prefix.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key_path, cert_path = signing_identity_paths()
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if signer is None:  # pyHanko logs the cause and returns None
        raise ImproperlyConfigured("Could not load the signing key or certificate.")
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=signer_name,
    )

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        return signers.sign_pdf(writer, metadata, signer=signer).getvalue()

    return _outside_any_running_loop(sign)


def _outside_any_running_loop(call):
    """Run `call` here, or in a thread of its own when an event loop runs in this one.

    pyHanko runs its own event loop (asyncio.run) to sign and to validate, which cannot
    start inside a running one (an async view, or a thread driving Playwright).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _unsigned_result() -> dict:
    return {
        "intact": False,
        "valid": False,
        "trusted": False,
        "signer": "",
        "signed_at": None,
        "coverage": "",
    }


def verify_pdf_signature(pdf_bytes: bytes, *, trust_cert_path: Path | None = None) -> dict:
    """Check the last signature of a PDF against one trusted certificate.

    `trust_cert_path` defaults to the configured signing certificate. Returns
    {"intact" (the signed bytes hash to the signed digest), "valid" (intact and the
    cryptographic signature checks out), "trusted" (valid and the signer's certificate
    chains to the trusted one, with acceptable key usage), "signer" (its common name),
    "signed_at" (the signer's claimed time, or None), "coverage" (pyHanko's
    SignatureCoverageLevel name, e.g. "ENTIRE_FILE")}. A file without a signature, or
    one too damaged to read, is reported as neither intact, valid nor trusted. No
    revocation data is fetched (no network access).
    """
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    if trust_cert_path is None:
        trust_cert_path = signing_identity_paths()[1]
    trust_root = load_cert_from_pemder(str(trust_cert_path))
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError):
        logger.info("pdf_signature_unreadable")
        return _unsigned_result()
    if not signatures:
        return _unsigned_result()
    embedded = signatures[-1]
    try:
        status = _outside_any_running_loop(
            lambda: validate_pdf_signature(
                embedded, ValidationContext(trust_roots=[trust_root], allow_fetching=False)
            )
        )
    except (PdfError, SignatureValidationError, ValueError):
        logger.info("pdf_signature_unreadable")
        return _unsigned_result()
    coverage = status.coverage.name if status.coverage is not None else ""
    return {
        "intact": bool(status.intact),
        # pyHanko's `valid` only covers the signature over the signed attributes; a
        # tampered document keeps it. Report valid only when the digest matches too.
        "valid": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "signer": status.signing_cert.subject.native.get("common_name", ""),
        "signed_at": status.signer_reported_dt or embedded.self_reported_timestamp,
        "coverage": coverage,
    }
