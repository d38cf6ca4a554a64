"""An upload shows its progress in the browser and returns once the file is stored."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from playwright.sync_api import expect

from dossiers.constants import Channel
from dossiers.models import Dossier
from dossiers.services import dossier_draft_create, dossier_draft_save
from procedures.selectors import version_in_force
from tests.dossiers.conftest import complete_values
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Records every value the progress bar shows, across the page the upload answers with.
RECORD_PROGRESS = """
new MutationObserver((mutations) => {
  for (const m of mutations) {
    const bar = m.target.closest ? m.target : null;
    if (bar && bar.matches && bar.matches('progress[data-testid="upload-progress"]')) {
      const seen = JSON.parse(sessionStorage.getItem("progress") || "[]");
      seen.push([Number(bar.getAttribute("value")), bar.getAttribute("aria-label")]);
      sessionStorage.setItem("progress", JSON.stringify(seen));
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["value"]});
"""


def _noise_pdf(megabytes: float) -> bytes:
    """A one-page scan-like PDF of about `megabytes` (noise does not compress)."""
    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    rng = random.Random(7)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PDF", quality=95)
    return out.getvalue()


def _draft_at_the_documents_step(catalogue):
    citizen = UserFactory(
        citizen=True, national_id="001090012345", username="cd001090012345", full_name="An"
    )
    procedure = catalogue["sickness-benefit"]
    version = version_in_force(procedure=procedure)
    dossier = dossier_draft_create(
        procedure=procedure, actor=citizen, channel=Channel.ONLINE, applicant=citizen
    )
    dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(version, {}),
        next_step=4,
        province_code=1,
        address="Số 1 phố Tràng Tiền, Hà Nội",
    )
    return citizen, dossier, version.components.get(code="medical_leave_certificate")


def test_an_upload_shows_its_progress_and_lists_the_stored_file(page, login, catalogue):
    citizen, dossier, component = _draft_at_the_documents_step(catalogue)
    scan = _noise_pdf(3)
    assert len(scan) > 1024 * 1024

    page.context.add_init_script(RECORD_PROGRESS)
    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    # A slow mobile uplink (about 0.5 MB/s), so the bar has something to show.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 500_000},
    )
    page.goto(f"/dossiers/d/{dossier.reference}/step/documents/")
    section = page.get_by_test_id(f"component-{component.code}")
    section.locator("input[type=file]").set_input_files(
        files=[{"name": "giay-nghi-om-scan.pdf", "mimeType": "application/pdf", "buffer": scan}]
    )
    with translation.override("vi"):
        label = translation.gettext("Upload progress")
        upload = translation.gettext("Upload")
    section.get_by_role("button", name=upload).click()

    section = page.get_by_test_id(f"component-{component.code}")
    expect(section).to_contain_text("giay-nghi-om-scan.pdf")  # the page the upload answered
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('progress') || '[]')")
    values = [value for value, _label in seen]
    assert {name for _value, name in seen} == {label}
    assert values[-1] == 100
    assert any(0 < value < 100 for value in values), values  # it moved, not only jumped
    assert (
        Dossier.objects.get(pk=dossier.pk)
        .documents.filter(original_name="giay-nghi-om-scan.pdf")
        .exists()
    )


def test_digitisation_status_updates_without_a_reload(page, login, catalogue):
    from dossiers.constants import DigitisationStatus
    from dossiers.models import DossierDocument
    from dossiers.services import dossier_document_add

    citizen, dossier, component = _draft_at_the_documents_step(catalogue)
    dossier_document_add(
        dossier=dossier,
        component=component,
        uploaded=SimpleUploadedFile("scan.pdf", _noise_pdf(0.05), content_type="application/pdf"),
        actor=citizen,
    )
    document = DossierDocument.objects.get(dossier=dossier)
    assert document.digitisation_status == DigitisationStatus.PENDING

    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto(f"/dossiers/d/{dossier.reference}/step/documents/")
    status = page.get_by_test_id(f"digitisation-{document.pk}")
    with translation.override("vi"):
        pending, done = translation.gettext("Being digitised…"), translation.gettext("Digitised")
    expect(status).to_have_text(pending)
    page.evaluate("window.__stillThisPage = true")

    # The worker finishes (here: the row it would write).
    DossierDocument.objects.filter(pk=document.pk).update(
        digitisation_status=DigitisationStatus.DONE, page_count=1
    )

    expect(page.get_by_test_id(f"digitisation-{document.pk}")).to_have_text(done, timeout=10_000)
    assert page.evaluate("window.__stillThisPage === true")  # no reload happened
