"""Digitisation of dossier documents: searchable PDF/A, recognised text, thumbnail, pages.

Every uploaded or scanned document goes through `document_digitise`, run by the
`document_digitise_task` Celery task, to which the outbox row written with the upload (or
the retry) hands it once that has committed (dossiers.apps, ADR 0006):

1. the stored file is copied to a private working folder and identified again by its
   content (`dossiers.uploads.inspect_upload`), and its SHA-256 is checked against (or, if
   blank, recorded in) the row;
2. OCRmyPDF turns it into a searchable PDF (PDF/A-2b when pikepdf's validator approves it,
   otherwise a regular PDF) with Tesseract's Vietnamese and English models. Pages that
   already carry text are left alone (`skip_text`);
3. the text layer of the result is extracted with pypdfium2 (an OCRmyPDF dependency),
   page 1 is rendered as a PNG thumbnail, and the page count is recorded.

The searchable PDF and the thumbnail are stored beside the original under names derived
from its unguessable name (`searchable_pdf_name`, `thumbnail_name`); the original file is
never replaced. A document that cannot be digitised ends `failed` with a short reason (a
msgid, translated when shown: `{% translate document.digitisation_error %}`) and can be
retried by an officer (`document_retry_digitisation`). Only storage trouble (`OSError`)
propagates, so that the task retries it.

PDF/A is produced by OCRmyPDF's internal (pikepdf) backend, never Ghostscript: Debian
bookworm's Ghostscript 10.0.0 corrupts PDFs that already carry text, and OCRmyPDF refuses
to combine it with `skip_text`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import structlog
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User

from .constants import DigitisationStatus, EventKind
from .models import Dossier, DossierDocument
from .services import event_append
from .services.workflow import is_assigned_officer, is_office_leader, is_reception_staff
from .uploads import UPLOAD_KINDS, UploadRejected, inspect_upload

logger = structlog.get_logger(__name__)

OCR_LANGUAGES = ["vie", "eng"]
OCR_TEXT_MAX_CHARS = 200_000
# Images without a credible resolution (none, or 96 dpi and below) are read at this one.
DEFAULT_IMAGE_DPI = 300
# Tesseract gets this long per page; OCRmyPDF leaves a page without text when it runs out.
TESSERACT_TIMEOUT_SECONDS = 120
THUMBNAIL_DPI = 40
THUMBNAIL_MAX_SIDE = 600

# Reasons stored in `digitisation_error`: msgids, no personal data.
REASONS = {
    "file_missing": gettext_noop("The stored file is missing."),
    "checksum_mismatch": gettext_noop("The stored file no longer matches its recorded checksum."),
    "type_mismatch": gettext_noop("The file's content does not match its recorded type."),
    "empty": gettext_noop("The file is empty."),
    "unknown_type": gettext_noop("The file is not a PDF, JPEG, PNG, TIFF or HEIC file."),
    "pdf_corrupt": gettext_noop("The PDF file is damaged."),
    "pdf_encrypted": gettext_noop("The PDF file is password-protected or encrypted."),
    "pdf_javascript": gettext_noop("The PDF file contains JavaScript."),
    "image_corrupt": gettext_noop("The image is damaged or is not a valid image."),
    "heic_unsupported": gettext_noop("HEIC cannot be converted on this server."),
    "ocr_unavailable": gettext_noop("Text recognition is not available on this server."),
    "ocr_failed": gettext_noop("Text recognition failed on this file."),
    "timeout": gettext_noop("Text recognition took too long."),
    "storage": gettext_noop("The file could not be read or written; try again later."),
}
# Upload rejections found on re-inspection keep their code; any other is a type mismatch.
_REJECTION_CODES = frozenset(
    {"empty", "unknown_type", "pdf_corrupt", "pdf_encrypted", "pdf_javascript", "image_corrupt"}
)
# Image modes OCRmyPDF (through img2pdf) takes as they are; others are flattened first.
_PLAIN_MODES = frozenset({"1", "L", "RGB"})
# Never turned into a "bad document" failure by the broad handlers below.
_PASS_THROUGH = (OSError, SoftTimeLimitExceeded)


class DigitisationFailed(Exception):
    """The document cannot be digitised; `code` is a key of REASONS."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class _Outcome:
    text: str
    page_count: int
    sha256: str
    pdfa: bool


def searchable_pdf_name(document: DossierDocument) -> str:
    """Storage name of the document's searchable PDF (derived from its unguessable name)."""
    return f"{document.file.name}.ocr.pdf"


def thumbnail_name(document: DossierDocument) -> str:
    """Storage name of the PNG thumbnail of the document's first page."""
    return f"{document.file.name}.thumb.png"


def derived_file_names(document: DossierDocument) -> list[str]:
    """Every file digitisation stores for `document`, to delete along with the document."""
    return [searchable_pdf_name(document), thumbnail_name(document)]


def can_retry_digitisation(user: User, dossier: Dossier) -> bool:
    """Officers of the receiving or competent office, the assigned officer and the leader."""
    return (
        is_reception_staff(user, dossier)
        or is_assigned_officer(user, dossier)
        or is_office_leader(user, dossier)
    )


# --- the pipeline --------------------------------------------------------------------------


def document_digitise(*, document_id: int) -> DossierDocument:
    """Digitise one document; a repeat on a digitised document does nothing.

    Raises DossierDocument.DoesNotExist for an unknown id and OSError for storage trouble
    (worth retrying); every problem with the document itself, and running out of time,
    ends in `failed`.
    """
    document = DossierDocument.objects.get(pk=document_id)
    if document.digitisation_status == DigitisationStatus.DONE and default_storage.exists(
        searchable_pdf_name(document)
    ):
        return document
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="vss-digitise-") as workdir:
            outcome = _digitise_file(document, Path(workdir))
    except DigitisationFailed as failure:
        logger.info("document_digitisation_failed", document_id=document.pk, reason=failure.code)
        return document_digitisation_fail(document_id=document.pk, code=failure.code) or document
    except SoftTimeLimitExceeded:
        logger.warning("document_digitisation_timed_out", document_id=document.pk)
        return document_digitisation_fail(document_id=document.pk, code="timeout") or document
    fields = {
        "digitisation_status": DigitisationStatus.DONE,
        "digitisation_error": "",
        "ocr_text": outcome.text,
        "page_count": outcome.page_count,
    }
    if not document.sha256:
        fields["sha256"] = outcome.sha256
    updated = _document_update(document_id=document.pk, fields=fields)
    if updated is None:  # removed while it was being read: drop what was stored for it
        for name in derived_file_names(document):
            default_storage.delete(name)
        return document
    logger.info(
        "document_digitised",
        document_id=document.pk,
        pages=outcome.page_count,
        pdfa=outcome.pdfa,
        seconds=round(time.monotonic() - started, 2),
    )
    dossier_digitised_mark(dossier_id=updated.dossier_id)
    return updated


def document_digitisation_fail(*, document_id: int, code: str) -> DossierDocument | None:
    """Record why a document could not be digitised (one already done stays done).

    Returns None when the document no longer exists.
    """
    fields = {
        "digitisation_status": DigitisationStatus.FAILED,
        "digitisation_error": str(REASONS[code])[:300],
    }
    return _document_update(document_id=document_id, fields=fields, unless_done=True)


def dossier_digitised_mark(*, dossier_id: int) -> bool:
    """Stamp `fully_digitised_at` once every document of the dossier is done.

    Runs after the document's own commit, so whichever document finishes last sees all the
    others done; the conditional UPDATE keeps the first stamp when two finish together.
    """
    documents = DossierDocument.objects.filter(dossier_id=dossier_id)
    if not documents.exists():
        return False
    if documents.exclude(digitisation_status=DigitisationStatus.DONE).exists():
        return False
    stamped = Dossier.objects.filter(pk=dossier_id, fully_digitised_at__isnull=True).update(
        fully_digitised_at=timezone.now()
    )
    if stamped:
        from .events import counts_changed

        logger.info("dossier_fully_digitised", dossier_id=dossier_id)
        counts_changed(dossier_id)
    return bool(stamped)


def document_retry_digitisation(*, document: DossierDocument, actor: User) -> DossierDocument:
    """Send a failed document through the pipeline again (a pending or done one is left)."""
    from .exceptions import NotAllowed

    with transaction.atomic():
        locked = (
            DossierDocument.objects.select_for_update()
            .select_related("dossier")
            .get(pk=document.pk)
        )
        if not can_retry_digitisation(actor, locked.dossier):
            raise NotAllowed()
        if locked.digitisation_status != DigitisationStatus.FAILED:
            return locked  # already queued again (double click) or done meanwhile
        previous_error = locked.digitisation_error
        locked.digitisation_status = DigitisationStatus.PENDING
        locked.digitisation_error = ""
        locked.save(update_fields=["digitisation_status", "digitisation_error"])
        event_append(
            dossier=locked.dossier,
            kind=EventKind.DIGITISATION_RETRIED,
            actor=actor,
            payload={
                "action": "retry_digitisation",
                "document_id": locked.pk,
                "previous_error": previous_error,
            },
        )
        # Digitisation subscribes to DIGITISATION_RETRIED (dossiers.apps): an outbox row.
    logger.info(
        "document_digitisation_retried", document_id=locked.pk, dossier_id=locked.dossier_id
    )
    return locked


def _document_update(
    *, document_id: int, fields: dict, unless_done: bool = False
) -> DossierDocument | None:
    with transaction.atomic():
        locked = (
            DossierDocument.objects.select_for_update()
            .filter(pk=document_id)
            .order_by("pk")
            .first()
        )
        if locked is None:
            return None
        if unless_done and locked.digitisation_status == DigitisationStatus.DONE:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
    return locked


# --- work on files -------------------------------------------------------------------------


def _digitise_file(document: DossierDocument, workdir: Path) -> _Outcome:
    if not document.file.name or not default_storage.exists(document.file.name):
        raise DigitisationFailed("file_missing")
    original = workdir / "original"
    with default_storage.open(document.file.name, "rb") as source, original.open("wb") as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)

    with original.open("rb") as handle:
        try:
            info = inspect_upload(
                handle,
                name="document",
                allowed_kinds=list(UPLOAD_KINDS),
                max_bytes=max(document.size, original.stat().st_size, 1),
            )
        except UploadRejected as rejected:
            code = rejected.code if rejected.code in _REJECTION_CODES else "type_mismatch"
            raise DigitisationFailed(code) from rejected
    if info.content_type != document.content_type:
        raise DigitisationFailed("type_mismatch")
    if document.sha256 and info.sha256 != document.sha256:
        raise DigitisationFailed("checksum_mismatch")

    ocr_input, image_dpi = _ocr_input(original, kind=info.kind, workdir=workdir)
    searchable = workdir / "searchable.pdf"
    _ocr(ocr_input, searchable, image_dpi=image_dpi, kind=info.kind)
    text, page_count, thumbnail = _read_result(searchable)
    thumbnail_path = workdir / "thumbnail.png"
    thumbnail_path.write_bytes(thumbnail)

    _store(searchable_pdf_name(document), searchable)
    _store(thumbnail_name(document), thumbnail_path)
    return _Outcome(text=text, page_count=page_count, sha256=info.sha256, pdfa=_is_pdfa(searchable))


def _ocr_input(original: Path, *, kind: str, workdir: Path) -> tuple[Path, int | None]:
    """The file to hand to OCRmyPDF, and the resolution it should assume for an image."""
    if kind == "pdf":
        return original, None
    if kind == "heic":
        if find_spec("pillow_heif") is None:
            raise DigitisationFailed("heic_unsupported")
        from pillow_heif import register_heif_opener

        register_heif_opener()
    from PIL import Image, ImageOps

    try:
        with Image.open(original) as image:
            dpi = image.info.get("dpi")
            credible = bool(dpi) and min(float(dpi[0]), float(dpi[1])) > 96
            # Only TIFF pages are pages; other frames are previews or animation.
            frames = range(getattr(image, "n_frames", 1) if kind == "tiff" else 1)
            if kind != "heic" and _plain(image, frames):
                return original, None if credible else DEFAULT_IMAGE_DPI
            pages = []
            for index in frames:
                image.seek(index)
                pages.append(_flatten(ImageOps.exif_transpose(image)))
    except SoftTimeLimitExceeded:
        raise
    # Pillow raises many exception types (OSError among them) on malformed input; the file
    # is a local copy by now, so its fault rather than the storage's.
    except Exception as error:
        raise DigitisationFailed("image_corrupt") from error
    resolution = (float(dpi[0]), float(dpi[1])) if credible else (DEFAULT_IMAGE_DPI,) * 2
    if len(pages) == 1:
        converted = workdir / "converted.png"
        pages[0].save(converted, format="PNG", dpi=resolution)
    else:
        converted = workdir / "converted.tif"
        pages[0].save(
            converted,
            format="TIFF",
            save_all=True,
            append_images=pages[1:],
            dpi=resolution,
            compression="tiff_deflate",
        )
    return converted, None


def _plain(image, frames: range) -> bool:
    """Whether OCRmyPDF takes the image as it is: plain modes only, and no extra frames."""
    if getattr(image, "n_frames", 1) != len(frames):
        return False
    for index in frames:
        image.seek(index)
        if image.mode not in _PLAIN_MODES:
            return False
    image.seek(0)
    return True


def _flatten(frame):
    """One page as 1-bit, grey or RGB on a white background, ready for img2pdf."""
    from PIL import Image

    if frame.mode in ("1", "L", "RGB"):
        return frame.copy()
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        return frame.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if frame.mode == "F":
        return frame.convert("L")
    rgba = frame.convert("RGBA")  # palette, alpha, CMYK, YCbCr, LAB ...
    page = Image.new("RGB", frame.size, (255, 255, 255))
    page.paste(rgba, mask=rgba.getchannel("A"))
    return page


def _ocr(source: Path, target: Path, *, image_dpi: int | None, kind: str) -> None:
    import ocrmypdf
    from ocrmypdf import exceptions as ocr_errors

    options = {
        "language": OCR_LANGUAGES,
        # Best-effort PDF/A-2b by pikepdf (see the module docstring on Ghostscript).
        "output_type": "auto",
        "pdfa_backend": "internal",
        "skip_text": True,
        "rotate_pages": False,
        "deskew": False,
        "optimize": 0,
        "progress_bar": False,
        "jobs": 1,
        # Celery's prefork children are daemons and may not start processes of their own.
        "use_threads": True,
        "tesseract_timeout": TESSERACT_TIMEOUT_SECONDS,
        # The original keeps its signature; the searchable copy is for reading and search.
        "invalidate_digital_signatures": True,
    }
    if image_dpi is not None:
        options["image_dpi"] = image_dpi
    try:
        ocrmypdf.ocr(source, target, **options)
    except _PASS_THROUGH:
        raise
    except ocr_errors.MissingDependencyError as error:
        logger.error("ocr_dependency_missing", error=type(error).__name__)
        raise DigitisationFailed("ocr_unavailable") from error
    except ocr_errors.EncryptedPdfError as error:
        raise DigitisationFailed("pdf_encrypted") from error
    except (ocr_errors.InputFileError, ocr_errors.UnsupportedImageFormatError) as error:
        raise DigitisationFailed("pdf_corrupt" if kind == "pdf" else "image_corrupt") from error
    # OCRmyPDF, pikepdf and Tesseract fail in many ways on unusual files.
    except Exception as error:
        logger.warning("ocr_failed", error=type(error).__name__)
        raise DigitisationFailed("ocr_failed") from error
    if not target.exists():
        raise DigitisationFailed("ocr_failed")


def _read_result(searchable: Path) -> tuple[str, int, bytes]:
    """Text (NFC, capped), page count and page-1 PNG thumbnail of the searchable PDF."""
    import io

    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(searchable)
    except pypdfium2.PdfiumError as error:
        raise DigitisationFailed("ocr_failed") from error
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise DigitisationFailed("ocr_failed")
        parts: list[str] = []
        length = 0
        for index in range(page_count):
            if length >= OCR_TEXT_MAX_CHARS:
                break
            page = pdf[index]
            textpage = page.get_textpage()
            part = textpage.get_text_range().replace("\r\n", "\n").replace("\x00", "")
            textpage.close()
            page.close()
            parts.append(part.strip())
            length += len(part)
        text = unicodedata.normalize("NFC", "\n\n".join(p for p in parts if p))
        first = pdf[0]
        width, height = first.get_size()
        scale = min(THUMBNAIL_DPI / 72, THUMBNAIL_MAX_SIDE / max(width, height, 1))
        image = first.render(scale=scale).to_pil()
        first.close()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return text[:OCR_TEXT_MAX_CHARS], page_count, buffer.getvalue()


def _is_pdfa(searchable: Path) -> bool:
    """Whether the file declares PDF/A conformance (for the log only)."""
    import pikepdf

    try:
        with pikepdf.open(searchable) as pdf:
            return bool(pdf.open_metadata().pdfa_status)
    except pikepdf.PdfError:
        return False


def _store(name: str, path: Path) -> None:
    """Write `path` to storage under exactly `name`, replacing an earlier attempt's file."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as handle:
        saved = default_storage.save(name, File(handle, name=Path(name).name))
    if saved != name:  # another worker stored the same derived file meanwhile: keep theirs
        default_storage.delete(saved)
