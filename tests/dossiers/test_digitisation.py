"""Digitisation: searchable PDF/A with Vietnamese OCR, thumbnail, status, retry, dossier stamp.

These tests run the real pipeline (OCRmyPDF, Tesseract `vie`, pypdfium2); nothing in it is
mocked. One small image takes about a second.
"""

import hashlib
import io
import re
import unicodedata
from pathlib import PurePosixPath

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from core.storage import unguessable_name
from dossiers import digitisation
from dossiers.constants import Channel, DigitisationStatus, DocumentSource, DossierState, EventKind
from dossiers.digitisation import (
    REASONS,
    document_digitise,
    document_retry_digitisation,
    searchable_pdf_name,
    thumbnail_name,
)
from dossiers.exceptions import NotAllowed
from dossiers.models import Dossier, DossierDocument
from dossiers.services import dossier_document_add, dossier_draft_create
from dossiers.tasks import document_digitise_task
from outbox.constants import MessageStatus
from outbox.models import OutboxMessage
from tests.dossiers.factories import make_dossier

pytestmark = pytest.mark.django_db

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội",
    "Bệnh viện Bạch Mai, Hà Nội",
    "Số ngày nghỉ: 05 ngày, từ ngày 16/11/2026",
]


# --- helpers ---------------------------------------------------------------------------------


def text_image(lines, *, mode="L", size=(2480, 560)) -> bytes:
    """A 300 dpi PNG of black DejaVu Sans text at 48 px on white."""
    font = ImageFont.truetype(FONT, 48)
    background = (255, 255, 255, 0) if mode == "RGBA" else "white"
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((120, 100 + index * 120), line, font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def blank_png(size=(300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def pdf_bytes(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def stored_document(dossier, data: bytes, *, content_type="image/png", name="scan.png"):
    """A document row and file written directly, bypassing the upload inspection."""
    stored = default_storage.save(
        unguessable_name(PurePosixPath(name).suffix, prefix=f"dossiers/{dossier.reference}"),
        ContentFile(data),
    )
    return DossierDocument.objects.create(
        dossier=dossier,
        source=DocumentSource.SCAN,
        file=stored,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def replace_stored_file(document, data: bytes) -> None:
    default_storage.delete(document.file.name)
    assert default_storage.save(document.file.name, ContentFile(data)) == document.file.name
    DossierDocument.objects.filter(pk=document.pk).update(
        size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def character_error_rate(recognised: str, expected: str) -> float:
    expected = normalised(expected)
    return levenshtein(normalised(recognised), expected) / len(expected)


def read_stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture
def received_dossier(catalogue, offices):
    return make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=offices[1]
    )


# --- (a) a real upload is OCR'd in Vietnamese --------------------------------------------------


def test_uploaded_image_becomes_a_searchable_pdf_with_vietnamese_text(
    catalogue, citizen, settings, django_capture_on_commit_callbacks
):
    import pikepdf

    settings.DIGITISE_ON_UPLOAD = True
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    component = dossier.version.components.get(code="medical_leave_certificate")
    upload = SimpleUploadedFile("giay-nghi-om.png", text_image(LINES), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = dossier_document_add(
            dossier=dossier, component=component, uploaded=upload, actor=citizen
        )
    assert len(callbacks) >= 1
    digitise_rows = OutboxMessage.objects.filter(
        handler="dossiers.handlers.document_digitise", payload__dossier_id=dossier.pk
    )
    assert [row.status for row in digitise_rows] == [MessageStatus.DELIVERED]

    document = DossierDocument.objects.get(pk=document.pk)
    assert document.digitisation_status == DigitisationStatus.DONE
    assert document.digitisation_error == ""
    assert document.page_count == 1

    searchable = read_stored(searchable_pdf_name(document))
    assert searchable.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(searchable)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    thumbnail = read_stored(thumbnail_name(document))
    assert thumbnail.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert max(image.size) <= digitisation.THUMBNAIL_MAX_SIDE

    cer = character_error_rate(document.ocr_text, "\n".join(LINES))
    assert cer < 0.1, (cer, document.ocr_text)
    for marked in ("ấ", "ứ", "ệ", "ạ", "ộ", "ở"):  # diacritics survive, precomposed (NFC)
        assert marked in document.ocr_text
    # the only document is done, so the dossier is fully digitised
    assert Dossier.objects.get(pk=dossier.pk).fully_digitised_at is not None


def test_upload_does_not_enqueue_digitisation_when_switched_off(
    catalogue, citizen, settings, django_capture_on_commit_callbacks
):
    settings.DIGITISE_ON_UPLOAD = False
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    component = dossier.version.components.get(code="medical_leave_certificate")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = dossier_document_add(
            dossier=dossier,
            component=component,
            uploaded=SimpleUploadedFile("a.png", blank_png()),
            actor=citizen,
        )
    assert callbacks == []
    assert DossierDocument.objects.get(pk=document.pk).digitisation_status == "pending"


def test_image_with_transparency_is_flattened_and_read(received_dossier):
    document = stored_document(received_dossier, text_image(LINES[1:2], mode="RGBA"))
    document = document_digitise(document_id=document.pk)
    assert document.digitisation_status == DigitisationStatus.DONE
    assert character_error_rate(document.ocr_text, LINES[1]) < 0.1


def test_pdf_keeps_its_pages_and_the_original_file(received_dossier):
    data = pdf_bytes(pages=3)
    document = stored_document(
        received_dossier, data, content_type="application/pdf", name="ra-vien.pdf"
    )
    document = document_digitise(document_id=document.pk)
    assert document.digitisation_status == DigitisationStatus.DONE
    assert document.page_count == 3
    assert read_stored(document.file.name) == data  # the original is never replaced
    assert read_stored(searchable_pdf_name(document)).startswith(b"%PDF-")


def test_multi_page_tiff_scan_keeps_every_page(received_dossier):
    pages = [Image.new("L", (300, 200), 255), Image.new("1", (300, 200), 1)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    document = stored_document(
        received_dossier, buffer.getvalue(), content_type="image/tiff", name="scan.tif"
    )
    document = document_digitise(document_id=document.pk)
    assert document.digitisation_status == DigitisationStatus.DONE
    assert document.page_count == 2


# --- (b) failures, with a reason, and retry ----------------------------------------------------


def test_corrupt_image_fails_with_a_reason_and_can_be_retried(
    received_dossier, counter_hn, django_capture_on_commit_callbacks
):
    corrupt = b"\x89PNG\r\n\x1a\n" + b"\x00not really an image" * 20
    document = stored_document(received_dossier, corrupt)

    document_digitise_task.delay(document.pk)
    document = DossierDocument.objects.get(pk=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == REASONS["image_corrupt"]
    assert not default_storage.exists(searchable_pdf_name(document))
    assert Dossier.objects.get(pk=received_dossier.pk).fully_digitised_at is None

    # the file is replaced (a new scan), then an officer retries from the dossier page
    replace_stored_file(document, blank_png())
    with django_capture_on_commit_callbacks() as callbacks:
        retried = document_retry_digitisation(document=document, actor=counter_hn)
    assert retried.digitisation_status == DigitisationStatus.PENDING
    assert retried.digitisation_error == ""
    assert len(callbacks) == 1  # the task is enqueued on commit
    event = received_dossier.events.get(kind=EventKind.DIGITISATION_RETRIED)
    assert event.actor == counter_hn
    assert event.payload["action"] == "retry_digitisation"
    assert event.payload["document_id"] == document.pk

    callbacks[0]()
    document = DossierDocument.objects.get(pk=document.pk)
    assert document.digitisation_status == DigitisationStatus.DONE
    assert document.page_count == 1
    assert Dossier.objects.get(pk=received_dossier.pk).fully_digitised_at is not None


def test_retry_fails_again_while_the_file_is_still_bad(
    received_dossier, counter_hn, django_capture_on_commit_callbacks
):
    document = stored_document(received_dossier, b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    document_digitise(document_id=document.pk)
    with django_capture_on_commit_callbacks(execute=True):
        document_retry_digitisation(document=document, actor=counter_hn)
    document = DossierDocument.objects.get(pk=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == REASONS["image_corrupt"]


def test_retry_is_for_officers_and_only_for_failed_documents(
    received_dossier, counter_hn, citizen, django_capture_on_commit_callbacks
):
    document = stored_document(received_dossier, b"\x89PNG\r\n\x1a\n" + b"\x01" * 64)
    document_digitise(document_id=document.pk)
    with pytest.raises(NotAllowed):
        document_retry_digitisation(document=document, actor=citizen)

    replace_stored_file(document, blank_png())
    with django_capture_on_commit_callbacks(execute=True):
        document_retry_digitisation(document=document, actor=counter_hn)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = document_retry_digitisation(document=document, actor=counter_hn)
    assert again.digitisation_status == DigitisationStatus.DONE
    assert callbacks == []  # a done document is not sent through again
    assert received_dossier.events.filter(kind=EventKind.DIGITISATION_RETRIED).count() == 1


def test_stored_file_that_changed_after_upload_fails(received_dossier):
    document = stored_document(received_dossier, blank_png())
    replace_stored_file(document, blank_png(size=(320, 200)))
    DossierDocument.objects.filter(pk=document.pk).update(sha256=document.sha256)
    document = document_digitise(document_id=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == REASONS["checksum_mismatch"]


def test_heic_fails_with_a_clear_reason(received_dossier):
    ftyp = (24).to_bytes(4, "big") + b"ftypheic" + b"\x00" * 4 + b"mif1heic"
    document = stored_document(
        received_dossier, ftyp + b"\x00" * 64, content_type="image/heic", name="anh.heic"
    )
    document = document_digitise(document_id=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == "HEIC cannot be converted on this server."


def test_missing_file_fails(received_dossier):
    document = stored_document(received_dossier, blank_png())
    default_storage.delete(document.file.name)
    document = document_digitise(document_id=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == REASONS["file_missing"]


# --- (c) the dossier's fully-digitised stamp ---------------------------------------------------


def test_dossier_is_fully_digitised_only_when_every_document_is_done(received_dossier):
    first = stored_document(received_dossier, blank_png())
    second = stored_document(received_dossier, b"\x89PNG\r\n\x1a\n" + b"\x02" * 64)

    document_digitise(document_id=first.pk)
    assert Dossier.objects.get(pk=received_dossier.pk).fully_digitised_at is None
    document_digitise(document_id=second.pk)  # fails
    assert Dossier.objects.get(pk=received_dossier.pk).fully_digitised_at is None

    replace_stored_file(second, blank_png())
    DossierDocument.objects.filter(pk=second.pk).update(digitisation_status="pending")
    document_digitise(document_id=second.pk)
    stamp = Dossier.objects.get(pk=received_dossier.pk).fully_digitised_at
    assert stamp is not None

    # a later run (re-digitising a document whose derived file went missing) keeps the stamp
    default_storage.delete(searchable_pdf_name(first))
    document_digitise(document_id=first.pk)
    assert Dossier.objects.get(pk=received_dossier.pk).fully_digitised_at == stamp


# --- (d) idempotency ----------------------------------------------------------------------------


def test_running_the_task_twice_recognises_once(received_dossier, monkeypatch):
    calls = []
    real_ocr = digitisation._ocr

    def counting_ocr(*args, **kwargs):
        calls.append(1)
        return real_ocr(*args, **kwargs)

    monkeypatch.setattr(digitisation, "_ocr", counting_ocr)
    document = stored_document(received_dossier, text_image(LINES[:1], size=(1800, 240)))

    document_digitise_task.delay(document.pk)
    first = DossierDocument.objects.get(pk=document.pk)
    searchable = read_stored(searchable_pdf_name(first))
    document_digitise_task.delay(document.pk)
    second = DossierDocument.objects.get(pk=document.pk)

    assert len(calls) == 1
    assert second.digitisation_status == DigitisationStatus.DONE
    assert second.ocr_text == first.ocr_text != ""
    assert read_stored(searchable_pdf_name(second)) == searchable
    stored = default_storage.listdir(first.file.name.rsplit("/", 1)[0])[1]
    assert len(stored) == 3  # original, searchable PDF, thumbnail: nothing duplicated


def test_task_for_a_removed_document_does_nothing(received_dossier):
    document = stored_document(received_dossier, blank_png())
    DossierDocument.objects.filter(pk=document.pk).delete()
    document_digitise_task.delay(document.pk)  # no error


# --- time limits and storage trouble (simulated: they cannot be provoked here) ----------------


def test_running_out_of_time_fails_the_document(received_dossier, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(digitisation, "_ocr", too_slow)
    document = stored_document(received_dossier, blank_png())
    document_digitise_task.delay(document.pk)
    document = DossierDocument.objects.get(pk=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == REASONS["timeout"]


def test_storage_errors_are_retried_then_recorded(received_dossier, monkeypatch):
    from celery.exceptions import Retry

    def storage_down(*args, **kwargs):
        raise ConnectionResetError("storage unreachable")

    monkeypatch.setattr(digitisation, "_digitise_file", storage_down)
    document = stored_document(received_dossier, blank_png())

    with pytest.raises(Retry):  # an early attempt is retried and leaves the document pending
        document_digitise_task.apply(args=(document.pk,))
    assert DossierDocument.objects.get(pk=document.pk).digitisation_status == "pending"

    last = document_digitise_task.apply(
        args=(document.pk,), retries=document_digitise_task.max_retries, throw=False
    )
    assert isinstance(last.result, ConnectionResetError)
    document = DossierDocument.objects.get(pk=document.pk)
    assert document.digitisation_status == DigitisationStatus.FAILED
    assert document.digitisation_error == REASONS["storage"]
