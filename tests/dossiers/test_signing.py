import datetime as dt
import re
import stat
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured

from dossiers.documents.letters import render_decision
from dossiers.documents.signing import (
    ensure_demo_signing_identity,
    sign_pdf,
    verify_pdf_signature,
)
from tests.dossiers.test_letters import AT, DECISION_TEXT, SITE_URL, make_letter_dossier

SIGNER = "Nguyễn Văn Giám"


@pytest.fixture
def demo_identity(tmp_path, settings):
    """The demo identity in a temporary folder, configured as the signing identity."""
    key_path, cert_path = ensure_demo_signing_identity(tmp_path / "signing")
    settings.SIGNING_KEY_PATH = str(key_path)
    settings.SIGNING_CERT_PATH = str(cert_path)
    return key_path, cert_path


@pytest.fixture
def decision_pdf(catalogue, offices, settings):
    settings.SITE_URL = SITE_URL
    dossier = make_letter_dossier(catalogue, offices)
    return render_decision(
        dossier, outcome="approved", decision_text=DECISION_TEXT, signer_name=SIGNER, at=AT
    )


def _sign(pdf: bytes) -> bytes:
    return sign_pdf(
        pdf, reason="Phê duyệt kết quả giải quyết", location="Hà Nội", signer_name=SIGNER
    )


def test_demo_identity_is_a_self_signed_signing_certificate(tmp_path):
    key_path, cert_path = ensure_demo_signing_identity(tmp_path / "signing")

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in key_path.read_bytes()  # PEM, not encrypted
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Bảo hiểm xã hội Việt Nam - DEMO"
    )
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "Bảo hiểm xã hội Việt Nam"
    )
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    assert cert.public_key().key_size == 2048
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment  # nonRepudiation
    validity = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=5 * 365) <= validity < dt.timedelta(days=5 * 365 + 1)


def test_demo_identity_is_created_once(tmp_path):
    first = ensure_demo_signing_identity(tmp_path / "signing")
    contents = [path.read_bytes() for path in first]

    second = ensure_demo_signing_identity(tmp_path / "signing")

    assert second == first
    assert [path.read_bytes() for path in second] == contents


@pytest.mark.django_db
def test_signed_decision_verifies_against_the_demo_certificate(demo_identity, decision_pdf):
    signed = _sign(decision_pdf)

    assert signed.startswith(decision_pdf)  # incremental update: the original stays intact
    result = verify_pdf_signature(signed, trust_cert_path=demo_identity[1])
    assert result["intact"] is True
    assert result["valid"] is True
    assert result["trusted"] is True
    assert result["signer"] == "Bảo hiểm xã hội Việt Nam - DEMO"
    assert result["coverage"] == "ENTIRE_FILE"
    assert isinstance(result["signed_at"], dt.datetime)
    assert abs(result["signed_at"] - dt.datetime.now(tz=dt.UTC)) < dt.timedelta(minutes=5)


@pytest.mark.django_db
def test_verification_trusts_the_configured_certificate_by_default(demo_identity, decision_pdf):
    result = verify_pdf_signature(_sign(decision_pdf))

    assert result["trusted"] is True


@pytest.mark.django_db
def test_signature_field_carries_the_signer_name_reason_and_location(demo_identity, decision_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = _sign(decision_pdf)

    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert embedded.field_name == "Signature1"
    assert embedded.sig_object["/Name"] == SIGNER
    assert embedded.sig_object["/Reason"] == "Phê duyệt kết quả giải quyết"
    assert embedded.sig_object["/Location"] == "Hà Nội"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


@pytest.mark.django_db
def test_one_flipped_byte_in_the_signed_range_breaks_integrity(demo_identity, decision_pdf):
    signed = bytearray(_sign(decision_pdf))
    start, length, *_ = map(
        int, re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)", signed).groups()
    )
    # A byte inside the first content stream: the file still parses, the digest differs.
    offset = signed.index(b"stream", start) + 20
    assert start <= offset < start + length
    signed[offset] ^= 0x01

    result = verify_pdf_signature(bytes(signed), trust_cert_path=demo_identity[1])

    assert result["intact"] is False
    assert result["valid"] is False
    assert result["trusted"] is False


@pytest.mark.django_db
def test_another_self_signed_identity_is_not_trusted(tmp_path, settings, decision_pdf):
    _, demo_cert = ensure_demo_signing_identity(tmp_path / "demo")
    other_key, other_cert = ensure_demo_signing_identity(tmp_path / "other")
    settings.SIGNING_KEY_PATH = str(other_key)
    settings.SIGNING_CERT_PATH = str(other_cert)

    signed = _sign(decision_pdf)
    result = verify_pdf_signature(signed, trust_cert_path=demo_cert)

    assert result["intact"] is True  # the document is untouched ...
    assert result["trusted"] is False  # ... but signed by someone we do not trust
    assert verify_pdf_signature(signed, trust_cert_path=other_cert)["trusted"] is True


@pytest.mark.django_db
def test_without_settings_the_demo_identity_is_used_and_logged(
    tmp_path, settings, decision_pdf, monkeypatch
):
    from dossiers.documents import signing

    events = []
    monkeypatch.setattr(
        signing.logger, "warning", lambda event, **kw: events.append(event), raising=False
    )
    settings.SIGNING_KEY_PATH = None
    settings.SIGNING_CERT_PATH = None
    settings.BASE_DIR = tmp_path

    signed = _sign(decision_pdf)

    demo_cert = tmp_path / "var" / "signing" / "demo-signing-cert.pem"
    assert demo_cert.exists()
    assert verify_pdf_signature(signed, trust_cert_path=demo_cert)["trusted"] is True
    assert "signing_with_demo_identity" in events


def test_half_a_signing_configuration_is_refused(tmp_path, settings):
    settings.SIGNING_KEY_PATH = str(tmp_path / "key.pem")
    settings.SIGNING_CERT_PATH = ""

    with pytest.raises(ImproperlyConfigured):
        sign_pdf(b"%PDF-1.7", reason="", location="", signer_name="")


@pytest.mark.django_db
def test_an_unsigned_pdf_is_reported_as_unsigned(demo_identity, decision_pdf):
    result = verify_pdf_signature(decision_pdf, trust_cert_path=demo_identity[1])

    assert result == {
        "intact": False,
        "valid": False,
        "trusted": False,
        "signer": "",
        "signed_at": None,
        "coverage": "",
    }
