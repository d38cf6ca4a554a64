"""The upload inspector: every sample is generated here (pypdf, Pillow or handcrafted bytes)."""

import hashlib
import io
import random
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from dossiers.uploads import (
    UploadInfo,
    UploadRejected,
    _pdf_declares_javascript,
    _PdfNameScanner,
    display_name,
    inspect_upload,
)

ALL_KINDS = ["pdf", "jpeg", "png", "tiff", "heic"]
MB = 1024 * 1024


def noise(size: int) -> bytes:
    """Random-looking bytes, the same on every run."""
    return random.Random(size).randbytes(size)


JS_CODE = "app.alert('x');"


# --- samples -------------------------------------------------------------------------------


def name(value: str) -> NameObject:
    return NameObject(value)


def js_action(code: str = JS_CODE) -> DictionaryObject:
    return DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(code)})


def pdf_bytes(configure=None, *, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if configure is not None:
        configure(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_document_javascript(writer):
    """The document-level name tree that `PdfWriter.add_js` filled (removed in pypdf 7)."""
    tree = ArrayObject([TextStringObject("init"), writer._add_object(js_action())])
    writer.root_object[name("/Names")] = DictionaryObject(
        {name("/JavaScript"): DictionaryObject({name("/Names"): tree})}
    )


def with_open_action(writer):
    writer.root_object[name("/OpenAction")] = writer._add_object(js_action())


def with_document_aa(writer):
    writer.root_object[name("/AA")] = DictionaryObject({name("/WC"): js_action()})


def with_page_aa(writer):
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): js_action()})


def with_link_action(writer):
    writer.add_annotation(0, link_annotation(a=js_action()))


def with_annotation_aa(writer):
    writer.add_annotation(0, link_annotation(aa=DictionaryObject({name("/E"): js_action()})))


def with_chained_action(writer):
    uri = DictionaryObject(
        {
            name("/S"): name("/URI"),
            name("/URI"): TextStringObject("https://example.org/"),
            name("/Next"): ArrayObject([writer._add_object(js_action())]),
        }
    )
    writer.add_annotation(0, link_annotation(a=uri))


def with_field_aa(writer):
    field = DictionaryObject(
        {
            name("/FT"): name("/Tx"),
            name("/T"): TextStringObject("amount"),
            name("/AA"): DictionaryObject({name("/K"): js_action()}),
        }
    )
    parent = DictionaryObject(
        {
            name("/T"): TextStringObject("form"),
            name("/Kids"): ArrayObject([writer._add_object(field)]),
        }
    )
    writer.root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject([writer._add_object(parent)])}
    )


def with_xfa_script(writer):
    template = DecodedStreamObject()
    template.set_data(
        b'<template><subform><field name="a"><event activity="initialize">'
        b'<script contentType="application/x-javascript">app.alert(1)</script>'
        b"</event></field></subform></template>"
    )
    writer.root_object[name("/AcroForm")] = DictionaryObject(
        {
            name("/Fields"): ArrayObject(),
            name("/XFA"): ArrayObject(
                [TextStringObject("template"), writer._add_object(template.flate_encode())]
            ),
        }
    )


def with_outline_javascript(writer):
    """An outline item's action: not a place the structural check walks; the raw scan finds it."""
    item = writer.add_outline_item(title="Start", page_number=0).get_object()
    item[name("/A")] = js_action()


def with_stream_mentioning_js(writer):
    """Binary stream data that happens to contain `/JS ` must not count as JavaScript."""
    data = noise(3 * MB // 2) + b"/JS /JavaScript " + noise(MB)
    stream = DecodedStreamObject()
    stream.set_data(data)
    writer.pages[0][name("/PieceInfo")] = writer._add_object(stream)


def link_annotation(*, a=None, aa=None) -> DictionaryObject:
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Link"),
            name("/Rect"): ArrayObject([NumberObject(0), NumberObject(0)] * 2),
        }
    )
    if a is not None:
        annotation[name("/A")] = a
    if aa is not None:
        annotation[name("/AA")] = aa
    return annotation


def encrypted_pdf(password: str) -> bytes:
    return pdf_bytes(lambda writer: writer.encrypt(password))


def pdf_with_object_stream(objects: list[bytes]) -> bytes:
    """Objects 1..n compressed into an object stream, indexed by a cross-reference stream."""
    count = len(objects)
    stream_number, xref_number = count + 1, count + 2
    body, index = b"", []
    for number, source in enumerate(objects, start=1):
        index.append(b"%d %d" % (number, len(body)))
        body += source + b"\n"
    header = b" ".join(index) + b"\n"
    payload = zlib.compress(header + body)

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        count,
        len(header),
        len(payload),
    )
    out += b"stream\n" + payload + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [b"\x00" + bytes(4) + b"\xff\xff"]
    rows += [
        b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(count)
    ]
    rows += [b"\x01" + stream_offset.to_bytes(4, "big") + bytes(2)]
    rows += [b"\x01" + xref_offset.to_bytes(4, "big") + bytes(2)]
    xref = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref_number,
        xref_number + 1,
        len(xref),
    )
    out += b"stream\n" + xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def outline_pdf_objects(action: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
        b"<< /Title (Start) /Parent 4 0 R " + action + b" >>",
    ]


def image_bytes(fmt: str, *, frames: int = 1, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    images = [Image.new("RGB", size, (30 * i, 120, 200)) for i in range(frames)]
    extra = {"save_all": True, "append_images": images[1:]} if frames > 1 else {}
    images[0].save(buffer, fmt, **extra)
    return buffer.getvalue()


def noisy_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (256, 256), noise(256 * 256 * 3)).save(buffer, "JPEG")
    return buffer.getvalue()


def heic_bytes(box_size: int = 0x18) -> bytes:
    ftyp = box_size.to_bytes(4, "big") + b"ftypheic" + bytes(4) + b"mif1heic"
    return ftyp + b"\x00\x00\x00\x10meta" + bytes(8)


def upload(data: bytes, filename: str = "giay-ra-vien.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(filename, data)


def inspect(data: bytes, filename: str = "giay-ra-vien.pdf", *, kinds=ALL_KINDS, max_bytes=10 * MB):
    return inspect_upload(
        upload(data, filename), name=filename, allowed_kinds=kinds, max_bytes=max_bytes
    )


def rejection(data: bytes, filename: str = "giay-ra-vien.pdf", **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect(data, filename, **kwargs)
    assert filename in str(caught.value.message)
    assert str(caught.value) == caught.value.code  # no file name in logs
    return caught.value


# --- accepted files ------------------------------------------------------------------------


def test_plain_pdf_is_described():
    data = pdf_bytes(pages=3)
    assert inspect(data) == UploadInfo(
        kind="pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=3,
        extension=".pdf",
    )


@pytest.mark.parametrize(
    ("fmt", "kind", "content_type", "extension"),
    [
        ("JPEG", "jpeg", "image/jpeg", ".jpg"),
        ("PNG", "png", "image/png", ".png"),
        ("TIFF", "tiff", "image/tiff", ".tif"),
    ],
)
def test_images_are_described(fmt, kind, content_type, extension):
    data = image_bytes(fmt)
    info = inspect(data, "anh.bin")
    assert (info.kind, info.content_type, info.extension) == (kind, content_type, extension)
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.page_count == 1


def test_multipage_tiff_counts_its_pages():
    assert inspect(image_bytes("TIFF", frames=3), "scan.tif").page_count == 3


def test_heic_is_accepted_on_its_ftyp_box():
    info = inspect(heic_bytes(), "IMG_0001.HEIC")
    assert (info.kind, info.content_type, info.extension, info.page_count) == (
        "heic",
        "image/heic",
        ".heic",
        1,
    )


def test_heic_with_a_broken_ftyp_box_is_rejected():
    assert rejection(heic_bytes(box_size=0x10000), "IMG_0002.HEIC").code == "image_corrupt"


def test_extension_is_ignored_for_detection():
    info = inspect(image_bytes("PNG"), "don-de-nghi.pdf")
    assert (info.kind, info.extension) == ("png", ".png")


def test_pdf_header_after_leading_junk_is_detected():
    assert inspect(b"\r\n" * 20 + pdf_bytes()).kind == "pdf"


def test_pdf_in_object_streams_is_read():
    data = pdf_with_object_stream(outline_pdf_objects(b"/Dest [3 0 R /Fit]"))
    assert inspect(data).page_count == 1


def test_names_inside_stream_data_are_ignored():
    """A big file on disk: streamed in chunks, with `/JS` inside binary stream data."""
    data = pdf_bytes(with_stream_mentioning_js)
    assert len(data) > 2 * MB
    uploaded = TemporaryUploadedFile("scan.pdf", "application/pdf", len(data), None)
    try:
        uploaded.write(data)
        uploaded.seek(123)
        info = inspect_upload(uploaded, name="scan.pdf", allowed_kinds=["pdf"], max_bytes=5 * MB)
        assert uploaded.tell() == 0
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        assert (info.size, info.page_count) == (len(data), 1)
    finally:
        uploaded.close()


# --- rejected files ------------------------------------------------------------------------


def test_empty_file():
    assert rejection(b"").code == "empty"


def test_too_large_states_the_limit():
    with translation.override("en"):
        error = rejection(pdf_bytes() + b"\n" * MB, max_bytes=MB)
        assert error.code == "too_large"
        assert "1 MB" in str(error.message)
        error = rejection(b"x" * (2 * MB), max_bytes=3 * MB // 2)
        assert "1.5 MB" in str(error.message)


def test_png_named_pdf_is_not_allowed_where_only_pdf_is():
    error = rejection(image_bytes("PNG"), "giay-to.pdf", kinds=["pdf"])
    assert error.code == "type_not_allowed"
    with translation.override("en"):
        assert "PNG" in str(error.message)


def test_executable_named_pdf_is_of_unknown_type():
    assert rejection(b"MZ\x90\x00" + noise(512), "x.pdf").code == "unknown_type"


def test_image_pdf_polyglot_is_of_unknown_type():
    data = b"\xff\xd8\xff\xfe\x00\x10%PDF-1.7 header" + image_bytes("JPEG")[2:]
    assert rejection(data, "anh.jpg").code == "unknown_type"


@pytest.mark.parametrize(
    "configure",
    [
        with_document_javascript,
        with_open_action,
        with_document_aa,
        with_page_aa,
        with_link_action,
        with_annotation_aa,
        with_chained_action,
        with_field_aa,
        with_outline_javascript,
    ],
)
def test_pdf_with_javascript_is_rejected(configure):
    assert rejection(pdf_bytes(configure)).code == "pdf_javascript"


def test_pdf_with_javascript_in_an_object_stream_is_rejected():
    data = pdf_with_object_stream(outline_pdf_objects(b"/A << /S /JavaScript /JS (x) >>"))
    assert b"JavaScript" not in data  # compressed: only the decoded object stream shows it
    assert rejection(data).code == "pdf_javascript"


def test_pdf_with_xfa_script_is_rejected():
    assert rejection(pdf_bytes(with_xfa_script)).code == "pdf_javascript"


@pytest.mark.parametrize("password", ["", "mat-khau"])
def test_encrypted_pdf_is_rejected(password):
    assert rejection(encrypted_pdf(password)).code == "pdf_encrypted"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf_bytes(pages=2)[:300], id="truncated"),
        pytest.param(b"%PDF-1.7\n" + noise(4096), id="garbage"),
    ],
)
def test_unparsable_pdf_is_corrupt(data):
    assert rejection(data).code == "pdf_corrupt"


@pytest.mark.parametrize("weasyprint_imported", [False, True])
def test_truncated_jpeg_is_corrupt(monkeypatch, weasyprint_imported):
    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_imported)
    data = noisy_jpeg()
    assert rejection(data[: len(data) * 2 // 3], "anh.jpg").code == "image_corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_imported


def test_png_with_a_bad_checksum_is_corrupt():
    data = bytearray(image_bytes("PNG"))
    data[data.index(b"IDAT") + 6] ^= 0xFF
    assert rejection(bytes(data), "anh.png").code == "image_corrupt"


def test_file_is_rewound_after_a_rejection():
    uploaded = upload(encrypted_pdf(""))
    uploaded.seek(10)
    with pytest.raises(UploadRejected):
        inspect_upload(uploaded, name="a.pdf", allowed_kinds=["pdf"], max_bytes=MB)
    assert uploaded.tell() == 0


def test_unknown_allowed_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="docx"):
        inspect(pdf_bytes(), kinds=["pdf", "docx"])


# --- the layers of the JavaScript check ----------------------------------------------------


@pytest.mark.parametrize(
    ("configure", "declared"),
    [
        (None, False),
        (with_document_javascript, True),
        (with_open_action, True),
        (with_document_aa, True),
        (with_page_aa, True),
        (with_link_action, True),
        (with_annotation_aa, True),
        (with_chained_action, True),
        (with_field_aa, True),
        (with_xfa_script, True),
        (with_outline_javascript, False),  # left to the raw-byte scan
    ],
)
def test_structural_check_finds_each_place_javascript_runs_from(configure, declared):
    reader = PdfReader(io.BytesIO(pdf_bytes(configure)))
    assert _pdf_declares_javascript(reader) is declared


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"<< /S /JavaScript /JS (x) >>", True),
        (b"<</S/JavaScript>>", True),
        (b"<< /OpenAction 5 0 R /Java#53cript 4 0 R >>", True),
        (b"<< /#4AS (x) >>", True),
        (b"<< /JS", True),  # at the very end of the file
        (b"<< /JSON 1 /JSX 2 /JavaScripts 3 /js 4 /JavaScrip 5 >>", False),
        (b"<< /Length 12 >>\nstream\n/JS /JS /JS\nendstream\n", False),
        (b"<< /Length 3 >>\r\nstream\r\nabc\r\nendstream /JS (x)", True),
    ],
)
def test_raw_scan_finds_names_split_anywhere(data, found):
    for split in range(len(data) + 1):
        scanner = _PdfNameScanner()
        scanner.feed(data[:split])
        scanner.feed(data[split:])
        scanner.close()
        assert scanner.found is found, split


# --- active content other than JavaScript, attachments and polyglots -----------------------


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {name("/S"): name(kind), **{name(f"/{k}"): v for k, v in entries.items()}}
    )


def with_uri_link(writer):
    uri = action("/URI", URI=TextStringObject("https://example.org/"))
    writer.add_annotation(0, link_annotation(a=uri))


def with_launch_open_action(writer):
    launch = action("/Launch", F=TextStringObject("cmd.exe"))
    writer.root_object[name("/OpenAction")] = writer._add_object(launch)


def with_uri_open_action(writer):
    uri = action("/URI", URI=TextStringObject("https://example.org/"))
    writer.root_object[name("/OpenAction")] = writer._add_object(uri)


def with_submit_form_page_aa(writer):
    submit = action("/SubmitForm", F=TextStringObject("https://example.org/collect"))
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): submit})


def with_rich_media(writer):
    annotation = link_annotation()
    annotation[name("/Subtype")] = name("/RichMedia")
    writer.add_annotation(0, annotation)


def with_plain_xfa(writer):
    template = DecodedStreamObject()
    template.set_data(b"<template><subform/></template>")
    writer.root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject(), name("/XFA"): writer._add_object(template)}
    )


def with_attachment(writer):
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")


def with_goto_open_action(writer):
    """Opening at the first page, fitted: what many office suites write. Harmless."""
    page = writer.pages[0].indirect_reference
    writer.root_object[name("/OpenAction")] = ArrayObject([page, name("/Fit")])


def with_goto_action_on_open(writer):
    page = writer.pages[0].indirect_reference
    goto = action("/GoTo", D=ArrayObject([page, name("/Fit")]))
    writer.root_object[name("/OpenAction")] = writer._add_object(goto)


@pytest.mark.parametrize(
    ("configure", "code"),
    [
        (with_uri_link, "pdf_active_content"),
        (with_launch_open_action, "pdf_active_content"),
        (with_uri_open_action, "pdf_active_content"),
        (with_submit_form_page_aa, "pdf_active_content"),
        (with_rich_media, "pdf_active_content"),
        (with_plain_xfa, "pdf_active_content"),
        (with_attachment, "pdf_attachment"),
    ],
)
def test_pdf_with_active_content_or_attachments_is_rejected(configure, code):
    rejected = rejection(pdf_bytes(configure))
    assert rejected.code == code
    with translation.override("vi"):
        assert "giay-ra-vien.pdf" in str(rejected.message)
        assert str(rejected.message) != str(_english(rejected))


def _english(rejected):
    with translation.override("en"):
        return str(rejected.message)


def test_active_content_in_an_object_stream_is_rejected():
    data = pdf_with_object_stream(outline_pdf_objects(b"/A << /S /Launch /F (cmd.exe) >>"))
    assert b"Launch" not in data
    assert rejection(data).code == "pdf_active_content"


def test_javascript_outranks_other_active_content():
    """A link whose action chain ends in JavaScript is reported as JavaScript."""
    assert rejection(pdf_bytes(with_chained_action)).code == "pdf_javascript"


@pytest.mark.parametrize("configure", [with_goto_open_action, with_goto_action_on_open])
def test_opening_at_a_page_is_allowed(configure):
    assert inspect(pdf_bytes(configure)).page_count == 1


def zip_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    return buffer.getvalue()


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(HTML + pdf_bytes(), "a.pdf", id="html-before-pdf"),
        pytest.param(pdf_bytes() + HTML, "a.pdf", id="html-after-eof"),
        pytest.param(pdf_bytes() + noise(2 * MB), "a.pdf", id="megabytes-after-eof"),
        pytest.param(pdf_bytes() + zip_bytes(), "a.pdf", id="zip-after-pdf"),
        pytest.param(image_bytes("PNG") + zip_bytes(), "a.png", id="zip-after-png"),
        pytest.param(image_bytes("JPEG") + zip_bytes(), "a.jpg", id="zip-after-jpeg"),
    ],
)
def test_polyglots_are_rejected(data, filename):
    assert rejection(data, filename).code == "polyglot"


def test_whitespace_and_padding_after_the_end_of_a_pdf_are_allowed():
    assert inspect(pdf_bytes() + b"\r\n\x00\x00 \n").page_count == 1


def test_pdf_without_an_end_marker_is_corrupt():
    data = pdf_bytes()
    assert rejection(data[: data.rindex(b"%%EOF")]).code == "pdf_corrupt"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2066giấy\u2069 ra viện.pdf", "giấy ra viện.pdf"),
        ("a\x00b\x1b[31m.pdf", "ab[31m.pdf"),
        ("zero\u200bwidth\ufeff.png", "zerowidth.png"),
        ("Tra\u0302\u0300n.pdf", "Tr\u1ea7n.pdf"),  # decomposed Vietnamese is composed
        ("\u202e\x00", "document"),
        ("", "document"),
        ("x" * 300, "x" * 255),
    ],
)
def test_display_name_drops_control_and_bidi_characters(given, shown):
    assert display_name(given) == shown
