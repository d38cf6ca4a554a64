"""Permission-checked downloads: control sheet, derived files, retry."""

import pytest

from accounts.constants import Role
from dossiers.constants import DigitisationStatus, DocumentSource
from dossiers.constants import DossierState as S
from dossiers.models import DossierDocument
from dossiers.services import dossier_take_next
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_control_sheet_pdf_lists_the_handovers_for_staff_only(catalogue, offices, client):
    import io

    from pypdf import PdfReader

    officer = UserFactory(
        username="f-officer",
        role=Role.PROCESSING_OFFICER,
        office=offices[1],
        full_name="Phạm Thị Dung",
    )
    citizen = UserFactory(citizen=True, username="f-citizen")
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.RECEIVED,
        office=offices[1],
        applicant=citizen,
    )
    dossier_take_next(officer=officer)
    client.force_login(officer)
    response = client.get(f"/dossiers/d/{dossier.reference}/control-sheet/")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "PHIẾU KIỂM SOÁT" in text
    assert dossier.code in text
    assert "Phạm Thị Dung" in text
    client.force_login(citizen)
    assert client.get(f"/dossiers/d/{dossier.reference}/control-sheet/").status_code == 404


def test_retry_button_resets_a_failed_document(catalogue, offices, client, settings):
    settings.DIGITISE_ON_UPLOAD = False
    counter = UserFactory(username="f-counter", role=Role.COUNTER_OFFICER, office=offices[1])
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=S.RECEIVED, office=offices[1]
    )
    document = DossierDocument.objects.create(
        dossier=dossier,
        component=dossier.version.components.first(),
        source=DocumentSource.SCAN,
        file="x/broken.png",
        original_name="broken.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        digitisation_status=DigitisationStatus.FAILED,
        digitisation_error="broken",
    )
    client.force_login(counter)
    page = client.get(f"/dossiers/d/{dossier.reference}/").content.decode()
    assert f'data-testid="retry-{document.pk}"' in page
    client.post(f"/dossiers/d/{dossier.reference}/documents/{document.pk}/retry/")
    document.refresh_from_db()
    assert document.digitisation_status == DigitisationStatus.PENDING  # the task runs on commit


def test_derived_files_are_404_until_made(catalogue, offices, client):
    counter = UserFactory(username="f-counter2", role=Role.COUNTER_OFFICER, office=offices[1])
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=S.RECEIVED, office=offices[1]
    )
    document = DossierDocument.objects.create(
        dossier=dossier,
        source=DocumentSource.SCAN,
        file="x/a.png",
        original_name="a.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
    )
    client.force_login(counter)
    base = f"/dossiers/d/{dossier.reference}/documents/{document.pk}"
    assert client.get(f"{base}/thumbnail/").status_code == 404
    assert client.get(f"{base}/nonsense/").status_code == 404


def test_the_digitisation_badge_polls_only_while_pending(client, catalogue, offices):
    from dossiers.constants import DigitisationStatus
    from dossiers.models import DossierDocument
    from tests.dossiers.factories import make_dossier
    from tests.factories import UserFactory

    owner = UserFactory(citizen=True)
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state="received",
        office=offices[1],
        applicant=owner,
    )
    component = dossier.version.components.first()
    document = DossierDocument.objects.create(
        dossier=dossier,
        component=component,
        original_name="a.pdf",
        size=10,
        content_type="application/pdf",
        sha256="0" * 64,
        source="upload",
        file="x/a.pdf",
    )
    url = f"/dossiers/d/{dossier.reference}/documents/{document.pk}/status/"
    client.force_login(owner)

    pending = client.get(url)
    DossierDocument.objects.filter(pk=document.pk).update(
        digitisation_status=DigitisationStatus.DONE
    )
    done = client.get(url)
    client.force_login(UserFactory(citizen=True))
    stranger = client.get(url)

    assert pending.status_code == 200
    assert 'hx-trigger="every 3s"' in pending.text
    assert done.status_code == 200
    assert "hx-get" not in done.text
    assert stranger.status_code == 404
