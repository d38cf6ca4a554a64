"""Content-based inspection of every file a dossier receives (citizen upload or counter scan).

`inspect_upload` decides what a file is from its bytes alone (the name's extension is never
trusted), checks it against the document component's accepted kinds and size limit, and
returns its size, SHA-256 and page count. It raises `UploadRejected`, carrying a stable
`code` and a translated sentence for the user, for anything the portal must not store:

- empty, too large, a kind the component does not accept, or content of no known kind;
- polyglots: a file that is also another kind of file. Before a PDF's `%PDF-` header only
  whitespace may come, after its last `%%EOF` only whitespace and NUL padding, and no file of
  any kind may carry a ZIP end-of-central-directory record in its tail (a ZIP reader would open
  it as an archive);
- PDFs that are encrypted (even with an empty user password), that pypdf cannot parse, or that
  carry active content. JavaScript is looked for in three layers: the places a viewer runs it
  from (document name tree, open action, additional actions of the document, pages,
  annotations and form fields, XFA scripts); the names `/JavaScript` and `/JS` anywhere in the
  file's raw bytes outside stream data; and the same names inside decoded object streams,
  where compressed dictionaries hide them from the raw scan. The same two raw layers look for
  the other active content (`/Launch`, `/URI`, `/SubmitForm`, `/ImportData`, `/GoToR`,
  `/GoToE`, `/RichMedia`, `/Rendition`, `/Movie`, `/Sound`, `/AA`, `/XFA`) and for attached
  files (`/EmbeddedFiles`, `/EmbeddedFile`, `/FileAttachment`); an `/OpenAction` is allowed
  only when it goes to a page of the document itself (a destination or a `/GoTo` action).
  Such files are refused, never cleaned: the stored file is the one the citizen holds, with
  the same SHA-256 (docs/operations.md, "Refused inputs");
- JPEG, PNG and TIFF files Pillow cannot read. HEIC/HEIF is accepted on its `ftyp` box alone,
  since Pillow here has no HEIF decoder.

Files are hashed and scanned in 1 MiB chunks (a big upload stays on disk; pypdf reads the
file object itself), only the first MAX_PAGES pages of a PDF are walked for actions, and the
file is always left at position 0 for the caller to store.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

import structlog
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

logger = structlog.get_logger(__name__)

CHUNK_SIZE = 1024 * 1024
HEAD_SIZE = 1024
MAX_PAGES = 2000
# Dictionaries (pages, annotations, form fields) the structural JavaScript check looks at.
MAX_PDF_HOLDERS = 50_000
MAX_ACTION_CHAIN = 100
MAX_OBJECT_STREAMS = 10_000
MAX_XFA_PARTS = 64

_BYTES_PER_MB = 1024 * 1024


@dataclass(frozen=True)
class UploadKind:
    kind: str
    content_type: str
    extension: str
    label: str


UPLOAD_KINDS: dict[str, UploadKind] = {
    kind.kind: kind
    for kind in (
        UploadKind("pdf", "application/pdf", ".pdf", "PDF"),
        UploadKind("jpeg", "image/jpeg", ".jpg", "JPEG"),
        UploadKind("png", "image/png", ".png", "PNG"),
        UploadKind("tiff", "image/tiff", ".tif", "TIFF"),
        UploadKind("heic", "image/heic", ".heic", "HEIC"),
    )
}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF"}


def _interpolate(template: Any, params: dict[str, Any]) -> str:
    return str(template) % params


def _megabytes(max_bytes: int) -> str:
    megabytes = max_bytes / _BYTES_PER_MB
    if megabytes.is_integer():
        return number_format(int(megabytes))
    return number_format(megabytes, decimal_pos=1)


# Both evaluate when the message is rendered, so it follows the language active then.
_lazy_interpolate = lazy(_interpolate, str)
_lazy_megabytes = lazy(_megabytes, str)

_MESSAGES = {
    "empty": _("“%(name)s” is empty."),
    "too_large": _("“%(name)s” is larger than the limit of %(limit)s MB per file."),
    "type_not_allowed": _(
        "“%(name)s” is a %(kind)s file. This document accepts only these file types: %(allowed)s."
    ),
    "unknown_type": _("“%(name)s” is not a PDF, JPEG, PNG, TIFF or HEIC file."),
    "pdf_javascript": _("“%(name)s” contains JavaScript, which is not allowed in PDF files."),
    "pdf_active_content": _(
        "“%(name)s” contains links, actions, forms or media that a PDF viewer would open or run, "
        "which are not allowed. Please print it to a new PDF, or scan the paper, and upload "
        "that copy."
    ),
    "pdf_attachment": _(
        "“%(name)s” has other files attached inside it, which is not allowed. Please upload "
        "each document as a file of its own."
    ),
    "polyglot": _(
        "“%(name)s” contains other data joined to its %(kind)s content (for example a web page "
        "or a ZIP archive), which is not allowed."
    ),
    "pdf_encrypted": _(
        "“%(name)s” is password-protected or encrypted. Please upload a copy without protection."
    ),
    "pdf_corrupt": _("“%(name)s” is damaged or is not a valid PDF file."),
    "image_corrupt": _("“%(name)s” is damaged or is not a valid image."),
}


class UploadRejected(Exception):
    """A file the portal will not store.

    `code` is stable (one of the keys of `_MESSAGES`); `message` is a lazy, user-facing sentence
    that names the file. `str(error)` is the code alone, so that file names, which often contain
    citizens' names, stay out of logs and tracebacks.
    """

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    @classmethod
    def build(cls, code: str, *, name: str, **params: Any) -> UploadRejected:
        return cls(code, _lazy_interpolate(_MESSAGES[code], {"name": name, **params}))


def display_name(name: str | None, *, default: str = "document") -> str:
    """The original file name as it may be shown and stored: no control, format (bidi
    overrides, zero-width) or surrogate characters, so `invoice\u202efdp.exe` reads as what it
    is, `invoicefdp.exe`. It is only ever shown; the stored file's extension comes from the
    detected kind (`UploadInfo.extension`)."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C")).strip()
    return text[:255] or default


@dataclass(frozen=True)
class UploadInfo:
    kind: str
    content_type: str
    size: int
    sha256: str
    page_count: int | None
    extension: str


def inspect_upload(
    uploaded: IO[bytes],
    *,
    name: str,
    allowed_kinds: Sequence[str],
    max_bytes: int,
) -> UploadInfo:
    """Identify `uploaded` by its content and check it; raise `UploadRejected` if unacceptable.

    `uploaded` is a Django `UploadedFile` or any seekable binary file object; it is left at
    position 0 whatever the outcome.
    """
    unknown = set(allowed_kinds) - UPLOAD_KINDS.keys()
    if unknown:
        raise ValueError(f"Unknown upload kinds: {sorted(unknown)}")
    try:
        return _inspect(uploaded, name=name, allowed_kinds=allowed_kinds, max_bytes=max_bytes)
    finally:
        uploaded.seek(0)


def _inspect(
    uploaded: IO[bytes], *, name: str, allowed_kinds: Sequence[str], max_bytes: int
) -> UploadInfo:
    uploaded.seek(0, 2)
    size = uploaded.tell()
    if size == 0:
        raise UploadRejected.build("empty", name=name)
    if size > max_bytes:
        raise UploadRejected.build("too_large", name=name, limit=_lazy_megabytes(max_bytes))

    uploaded.seek(0)
    head = uploaded.read(HEAD_SIZE)
    kind = _detect_kind(head)
    if kind is None:
        raise UploadRejected.build("unknown_type", name=name)
    if kind not in allowed_kinds:
        allowed = ", ".join(UPLOAD_KINDS[k].label for k in UPLOAD_KINDS if k in allowed_kinds)
        raise UploadRejected.build(
            "type_not_allowed", name=name, kind=UPLOAD_KINDS[kind].label, allowed=allowed
        )

    scanner = _PdfNameScanner() if kind == "pdf" else None
    last_eof = _LastEof() if kind == "pdf" else None
    sha256 = _digest(uploaded, scanner, last_eof)
    if last_eof is not None and last_eof.end is None:
        raise UploadRejected.build("pdf_corrupt", name=name)
    if _is_polyglot(uploaded, kind=kind, head=head, pdf_end=last_eof and last_eof.end):
        raise UploadRejected.build("polyglot", name=name, kind=UPLOAD_KINDS[kind].label)
    if kind == "pdf":
        page_count = _inspect_pdf(uploaded, name=name, raw_codes=scanner.codes)
    elif kind == "heic":
        _check_heif_box(head, size=size, name=name)
        page_count = 1
    else:
        page_count = _inspect_image(uploaded, kind=kind, name=name)

    upload_kind = UPLOAD_KINDS[kind]
    return UploadInfo(
        kind=kind,
        content_type=upload_kind.content_type,
        size=size,
        sha256=sha256,
        page_count=page_count,
        extension=upload_kind.extension,
    )


def _detect_kind(head: bytes) -> str | None:
    """The kind named by the file's magic bytes, or None.

    A file that starts like an image but also has a PDF header in its first KiB is a polyglot,
    which some programs would open as a PDF; it is not accepted as either.
    """
    image_kind = None
    if head.startswith(b"\xff\xd8\xff"):
        image_kind = "jpeg"
    elif head.startswith(_PNG_SIGNATURE):
        image_kind = "png"
    elif head[:4] in _TIFF_SIGNATURES:
        image_kind = "tiff"
    elif head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        image_kind = "heic"
    if b"%PDF-" in head[:HEAD_SIZE]:
        return "pdf" if image_kind is None else None
    return image_kind


_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_PDF_EOF = b"%%EOF"


def _is_polyglot(uploaded: IO[bytes], *, kind: str, head: bytes, pdf_end: int | None) -> bool:
    """Whether the file is also something else: data around a PDF, or a ZIP archive.

    `pdf_end` is the offset just after a PDF's last `%%EOF`; what follows may only be
    whitespace or NUL padding. Any file whose tail holds a ZIP end-of-central-directory record
    is refused, since a ZIP reader would open it as an archive.
    """
    import zipfile

    if kind == "pdf":
        if head[: head.find(b"%PDF-")].strip(_PDF_WHITESPACE):
            return True
        if pdf_end is not None:
            uploaded.seek(pdf_end)
            for chunk in iter(lambda: uploaded.read(CHUNK_SIZE), b""):
                if chunk.strip(_PDF_WHITESPACE):
                    return True
    uploaded.seek(0)
    return zipfile.is_zipfile(uploaded)


class _LastEof:
    """The offset just after the last `%%EOF` in bytes fed in pieces, or None."""

    def __init__(self) -> None:
        self.end: int | None = None
        self._offset = 0
        self._carry = b""

    def feed(self, data: bytes) -> None:
        buffer = self._carry + data
        start = self._offset - len(self._carry)
        found = buffer.rfind(_PDF_EOF)
        if found >= 0:
            self.end = start + found + len(_PDF_EOF)
        self._offset += len(data)
        self._carry = buffer[-(len(_PDF_EOF) - 1) :]


def _digest(
    uploaded: IO[bytes], scanner: _PdfNameScanner | None, last_eof: _LastEof | None = None
) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(CHUNK_SIZE), b""):
        digest.update(chunk)
        if scanner is not None:
            scanner.feed(chunk)
        if last_eof is not None:
            last_eof.feed(chunk)
    if scanner is not None:
        scanner.close()
    return digest.hexdigest()


def _check_heif_box(head: bytes, *, size: int, name: str) -> None:
    """The `ftyp` box must be whole: major brand, minor version and whole compatible brands."""
    box_size = int.from_bytes(head[:4], "big")
    if box_size < 16 or box_size > size or (box_size - 16) % 4:
        raise UploadRejected.build("image_corrupt", name=name)


def _inspect_image(uploaded: IO[bytes], *, kind: str, name: str) -> int:
    from PIL import Image

    pillow_format = _PILLOW_FORMATS[kind]
    try:
        with _strict_pillow():
            uploaded.seek(0)
            with Image.open(uploaded, formats=[pillow_format]) as image:
                image.verify()
            # verify() only walks the structure (PNG chunks and their CRCs, JPEG headers); JPEG
            # scan data is checked by decoding at 1/8 scale, which is cheap.
            uploaded.seek(0)
            with Image.open(uploaded, formats=[pillow_format]) as image:
                if kind == "jpeg":
                    image.draft(None, (1, 1))
                    image.load()
                return image.n_frames if kind == "tiff" else 1
    # Pillow's decoders raise many exception types on malformed input.
    except Exception as error:
        raise UploadRejected.build("image_corrupt", name=name) from error


_pillow_strictness = threading.Lock()


@contextmanager
def _strict_pillow() -> Iterator[None]:
    """Let Pillow report truncated files while the checks run.

    WeasyPrint (imported for the reception slip) sets Pillow's process-wide
    `LOAD_TRUNCATED_IMAGES` when it is imported, which would let truncated images through.
    """
    from PIL import ImageFile

    with _pillow_strictness:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


# --- PDF -----------------------------------------------------------------------------------


def _inspect_pdf(uploaded: IO[bytes], *, name: str, raw_codes: set[str]) -> int:
    """Return the page count of a PDF that is readable, unencrypted and free of active content.

    `raw_codes` are the rejection codes the raw-byte scan found names for.
    """
    from pypdf import PdfReader

    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            page_count = len(reader.pages)
            codes = set(raw_codes)
            if _pdf_declares_javascript(reader):
                codes.add("pdf_javascript")
            if _open_action_is_active(reader):
                codes.add("pdf_active_content")
            if "pdf_javascript" not in codes:
                codes |= _object_streams_active_names(reader)
    # pypdf raises many exception types (not only PyPdfError) on malformed input.
    except Exception as error:
        logger.info("upload_pdf_unreadable", error=type(error).__name__)
        raise UploadRejected.build("pdf_corrupt", name=name) from error
    if encrypted:
        raise UploadRejected.build("pdf_encrypted", name=name)
    if page_count == 0:
        raise UploadRejected.build("pdf_corrupt", name=name)
    for code in _PDF_CONTENT_CODES:  # the most serious first
        if code in codes:
            raise UploadRejected.build(code, name=name)
    return page_count


_PDF_CONTENT_CODES = ("pdf_javascript", "pdf_attachment", "pdf_active_content")


def _open_action_is_active(reader: PdfReader) -> bool:
    """An open action that does more than show a page of the document (JavaScript aside)."""
    from pypdf.generic import DictionaryObject

    action = _resolve(reader.root_object.get("/OpenAction"))
    return isinstance(action, DictionaryObject) and (
        action.get("/S") != "/GoTo" or "/Next" in action
    )


def _resolve(value: Any) -> Any:
    return value.get_object() if value is not None else None


def _pdf_declares_javascript(reader: PdfReader) -> bool:
    """Whether a place a PDF viewer runs JavaScript from holds some."""
    from pypdf.generic import DictionaryObject

    root = reader.root_object
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        return True
    if _is_javascript_action(root.get("/OpenAction")) or _has_javascript_trigger(root.get("/AA")):
        return True
    for holder in islice(_action_holders(reader), MAX_PDF_HOLDERS):
        if _is_javascript_action(holder.get("/A")) or _has_javascript_trigger(holder.get("/AA")):
            return True
    acroform = _resolve(root.get("/AcroForm"))
    return isinstance(acroform, DictionaryObject) and _xfa_has_script(acroform.get("/XFA"))


def _action_holders(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Pages (at most MAX_PAGES), their annotations, then the AcroForm field tree."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    for page in islice(reader.pages, MAX_PAGES):
        yield page
        annotations = _resolve(page.get("/Annots"))
        if isinstance(annotations, ArrayObject):
            for annotation in annotations:
                annotation = _resolve(annotation)
                if isinstance(annotation, DictionaryObject):
                    yield annotation

    acroform = _resolve(reader.root_object.get("/AcroForm"))
    if not isinstance(acroform, DictionaryObject):
        return
    fields = _resolve(acroform.get("/Fields"))
    pending = list(fields) if isinstance(fields, ArrayObject) else []
    seen: set[tuple[int, int]] = set()
    while pending:
        reference = pending.pop()
        if isinstance(reference, IndirectObject):
            key = (reference.idnum, reference.generation)
            if key in seen:
                continue
            seen.add(key)
        field = _resolve(reference)
        if not isinstance(field, DictionaryObject):
            continue
        yield field
        kids = _resolve(field.get("/Kids"))
        if isinstance(kids, ArrayObject):
            pending.extend(kids)


def _is_javascript_action(value: Any) -> bool:
    """Whether an action, or any action chained after it through /Next, is JavaScript."""
    from pypdf.generic import ArrayObject, DictionaryObject

    pending = [value]
    seen: set[int] = set()
    while pending and len(seen) < MAX_ACTION_CHAIN:
        action = _resolve(pending.pop())
        if not isinstance(action, DictionaryObject) or id(action) in seen:
            continue
        seen.add(id(action))
        # /JS also appears on rendition actions, which run it too.
        if action.get("/S") == "/JavaScript" or "/JS" in action:
            return True
        following = _resolve(action.get("/Next"))
        if isinstance(following, ArrayObject):
            pending.extend(following)
        elif following is not None:
            pending.append(following)
    return False


def _has_javascript_trigger(value: Any) -> bool:
    """Whether an additional-actions (/AA) dictionary runs JavaScript on any trigger."""
    from pypdf.generic import DictionaryObject

    triggers = _resolve(value)
    if not isinstance(triggers, DictionaryObject):
        return False
    return any(_is_javascript_action(action) for action in triggers.values())


_XFA_SCRIPT = re.compile(rb"<(?:[\w.-]+:)?script\b", re.IGNORECASE)


def _xfa_has_script(value: Any) -> bool:
    """XFA forms carry their scripts (JavaScript or FormCalc) in `<script>` elements."""
    from pypdf.generic import ArrayObject, StreamObject

    xfa = _resolve(value)
    parts = list(islice(xfa, 2 * MAX_XFA_PARTS)) if isinstance(xfa, ArrayObject) else [xfa]
    for part in parts:
        part = _resolve(part)
        if isinstance(part, StreamObject) and _XFA_SCRIPT.search(part.get_data()):
            return True
    return False


def _object_streams_active_names(reader: PdfReader) -> set[str]:
    """Scan decoded object streams, whose compressed dictionaries the raw scan cannot see."""
    from pypdf.generic import StreamObject

    codes: set[str] = set()
    numbers = sorted({number for number, _index in reader.xref_objStm.values()})
    for number in numbers[:MAX_OBJECT_STREAMS]:
        stream = reader.get_object(number)
        if not isinstance(stream, StreamObject):
            raise ValueError("object stream reference is not a stream")
        # An object stream holds no streams, so its whole text is dictionary syntax.
        scanner = _PdfNameScanner(skip_streams=False)
        scanner.feed(stream.get_data())
        scanner.close()
        codes |= scanner.codes
        if "pdf_javascript" in codes:
            break
    return codes


_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_NAME = re.compile(rb"/[^" + _DELIMITERS + rb"]+")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Names that mark active content, and the rejection code each one gives.
_ACTIVE_NAMES = {
    **dict.fromkeys((b"JS", b"JavaScript"), "pdf_javascript"),
    **dict.fromkeys((b"EmbeddedFiles", b"EmbeddedFile", b"FileAttachment"), "pdf_attachment"),
    **dict.fromkeys(
        (
            b"Launch",
            b"URI",
            b"SubmitForm",
            b"ImportData",
            b"GoToR",
            b"GoToE",
            b"RichMedia",
            b"RichMediaExecute",
            b"Rendition",
            b"Movie",
            b"Sound",
            b"AA",
            b"XFA",
        ),
        "pdf_active_content",
    ),
}
_STREAM_START = re.compile(rb">>[\x00\t\n\x0c\r ]*stream(?:\r\n|\r|\n)")
_STREAM_END = b"endstream"
# Longer than any spelling of the names sought (/JavaScript fully #-escaped is 31 bytes plus a
# delimiter) and than the stream keyword with its surroundings.
_OVERLAP = 64


class _PdfNameScanner:
    """Find the name tokens of active content (also #-escaped) in PDF bytes fed in pieces.

    `codes` collects the rejection code of each kind found (see `_ACTIVE_NAMES`); scanning
    stops at the first JavaScript name, the most serious.

    The bytes between `stream` and `endstream` are skipped: compressed data is random, and in
    random bytes `/JS` followed by a delimiter turns up about once every 270 MB, which would
    reject a few percent of large scans. Dictionaries compressed into object streams are
    scanned after decoding instead (see `_object_streams_name_javascript`).

    The last `_OVERLAP` bytes of each piece are scanned again with the next one, so a token
    split between pieces is still found; a token touching the end of the data seen so far is
    only judged once the byte after it is known, so `/JSON` split as `/JS` + `ON` is not a match.
    """

    def __init__(self, *, skip_streams: bool = True) -> None:
        self.codes: set[str] = set()
        self._skip_streams = skip_streams
        self._in_stream = False
        self._carry = b""

    @property
    def found(self) -> bool:
        return bool(self.codes)

    @property
    def _done(self) -> bool:
        return "pdf_javascript" in self.codes

    def feed(self, data: bytes) -> None:
        if not self._done:
            self._scan(self._carry + data, final=False)

    def close(self) -> None:
        if not self._done:
            self._scan(self._carry, final=True)
        self._carry = b""

    def _scan(self, buffer: bytes, *, final: bool) -> None:
        position = 0
        while True:
            if self._in_stream:
                end = buffer.find(_STREAM_END, position)
                if end < 0:
                    keep_from = max(position, len(buffer) - len(_STREAM_END) + 1)
                    break
                position = end + len(_STREAM_END)
                self._in_stream = False
                continue
            start = _STREAM_START.search(buffer, position) if self._skip_streams else None
            stop = start.start() if start else len(buffer)
            self._collect(buffer, position, stop, final=final)
            if self._done:
                return
            if start is None:
                keep_from = max(position, len(buffer) - _OVERLAP)
                break
            position = start.end()
            self._in_stream = True
        self._carry = buffer[keep_from:]

    def _collect(self, buffer: bytes, start: int, stop: int, *, final: bool) -> None:
        for match in _NAME.finditer(buffer, start, stop):
            if match.end() == len(buffer) and not final:
                continue  # may continue in the next piece
            token = match.group()[1:]
            if b"#" in token:
                token = _NAME_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), token)
            code = _ACTIVE_NAMES.get(token)
            if code is not None:
                self.codes.add(code)
                if code == "pdf_javascript":
                    return
