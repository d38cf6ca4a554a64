"""Who opened a dossier (issue #18): records on pages and API, what the applicant sees, the
supervisor's reason outside their office, the supervisors' search, append-only."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import translation
from rest_framework.test import APIClient

from accesslog.models import AccessRecord
from accounts.constants import Role
from dossiers.constants import DocumentSource
from dossiers.constants import DossierState as S
from dossiers.models import DossierDocument
from tests.beneficiaries.factories import PersonFactory
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)  # 12:00 in Hà Nội


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def hanoi(offices):
    hanoi = offices[1]
    hanoi.phone = "024 3936 0000"
    hanoi.save(update_fields=["phone"])
    return hanoi


@pytest.fixture
def people(hanoi, offices):
    return {
        "officer": UserFactory(
            username="a-officer",
            role=Role.PROCESSING_OFFICER,
            office=hanoi,
            full_name="Trần Thị Bích",
        ),
        "citizen": UserFactory(citizen=True, username="a-citizen", national_id="001090012345"),
        "supervisor_here": UserFactory(
            username="a-sup-here", role=Role.SUPERVISOR, office=hanoi, full_name="Lê Văn Giám"
        ),
        "supervisor_away": UserFactory(
            username="a-sup-away",
            role=Role.SUPERVISOR,
            office=offices[79],
            full_name="Đỗ Minh Sát",
        ),
    }


@pytest.fixture
def dossier(catalogue, hanoi, people):
    return make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.IN_PROCESSING,
        office=hanoi,
        applicant=people["citizen"],
    )


def _api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_staff_openings_are_recorded_and_the_applicant_sees_office_and_role(
    client, dossier, people, hanoi
):
    name = default_storage.save("docs/giay-ra-vien.pdf", ContentFile(b"%PDF-1.4 test"))
    document = DossierDocument.objects.create(
        dossier=dossier,
        component=dossier.version.components.first(),
        source=DocumentSource.UPLOAD,
        file=name,
        original_name="giay-ra-vien.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    client.force_login(people["officer"])
    assert client.get(f"/dossiers/d/{dossier.reference}/").status_code == 200
    response = client.get(f"/dossiers/d/{dossier.reference}/documents/{document.pk}/")
    assert response.status_code == 200
    b"".join(response.streaming_content)

    records = list(AccessRecord.objects.order_by("id"))
    assert [(r.kind, r.channel, r.object_id) for r in records] == [
        ("dossier", "page", None),
        ("document", "page", document.pk),
    ]
    assert {(r.actor_id, r.role, r.office_id, r.dossier_id, r.at) for r in records} == {
        (people["officer"].pk, Role.PROCESSING_OFFICER, hanoi.pk, dossier.pk, NOON)
    }
    assert records[0].dossier_code == dossier.code

    # The applicant opening their own dossier is not logged; they see who opened it.
    client.force_login(people["citizen"])
    page = client.get(f"/dossiers/d/{dossier.reference}/").content.decode()
    assert "access-history-link" in page
    assert AccessRecord.objects.count() == 2
    history = client.get(
        f"/dossiers/d/{dossier.reference}/accesses/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert hanoi.name in history
    assert "024 3936 0000" in history
    assert "12:00, 24/11/2026" in history
    assert "Trần Thị Bích" not in history
    assert "a-officer" not in history

    # Nobody else sees the applicant's list.
    client.force_login(people["officer"])
    assert client.get(f"/dossiers/d/{dossier.reference}/accesses/").status_code == 404


def test_a_supervisor_outside_the_office_gives_a_reason_first(client, dossier, people):
    client.force_login(people["supervisor_here"])
    assert client.get(f"/dossiers/d/{dossier.reference}/").status_code == 200
    assert AccessRecord.objects.get().reason == ""

    client.force_login(people["supervisor_away"])
    detail = f"/dossiers/d/{dossier.reference}/"
    response = client.get(detail)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/dossiers/d/{dossier.reference}/reason/")
    assert AccessRecord.objects.count() == 1  # nothing opened yet

    form = client.get(response["Location"])
    assert form.status_code == 200
    assert "Trần Thị Bích" not in form.content.decode()  # nothing of the dossier shown
    too_short = client.post(response["Location"], {"reason": "xem", "next": detail})
    assert too_short.status_code == 400
    given = client.post(
        response["Location"], {"reason": "Thanh tra theo kế hoạch 12/KH", "next": detail}
    )
    assert given.status_code == 302
    assert given["Location"] == detail
    assert client.get(detail).status_code == 200
    record = AccessRecord.objects.latest("id")
    assert (record.actor_id, record.role, record.reason) == (
        people["supervisor_away"].pk,
        Role.SUPERVISOR,
        "Thanh tra theo kế hoạch 12/KH",
    )
    # An outside address in `next` is not followed.
    evil = client.post(
        response["Location"], {"reason": "Thanh tra theo kế hoạch", "next": "https://evil.example/"}
    )
    assert evil["Location"] == detail


def test_the_api_records_openings_and_asks_supervisors_for_a_reason(dossier, people, hanoi):
    response = _api(people["officer"]).get(f"/api/v1/dossiers/{dossier.code}/")
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert (record.channel, record.kind, record.office_id) == ("api", "dossier", hanoi.pk)

    away = _api(people["supervisor_away"])
    refused = away.get(f"/api/v1/dossiers/{dossier.code}/")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "access_reason_required"
    assert "X-Access-Reason" in refused.json()["detail"]

    allowed = away.get(
        f"/api/v1/dossiers/{dossier.code}/timeline/", HTTP_X_ACCESS_REASON="Kiểm tra đột xuất"
    )
    assert allowed.status_code == 200
    assert AccessRecord.objects.latest("id").reason == "Kiểm tra đột xuất"

    # The applicant's own reads are not logged.
    assert _api(people["citizen"]).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 200
    assert AccessRecord.objects.count() == 2


def test_opening_a_registry_record_is_logged(client, people):
    person = PersonFactory(national_id="001090099999")
    client.force_login(people["officer"])
    assert client.get(f"/registry/people/{person.pk}/").status_code == 200
    record = AccessRecord.objects.get()
    assert (record.kind, record.object_id, record.dossier_id) == ("registry", person.pk, None)


def test_supervisors_search_the_log_a_page_at_a_time(client, dossier, people, monkeypatch):
    from accesslog import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(people["officer"])
    for minutes in range(3):
        with time_machine.travel(NOON + dt.timedelta(minutes=minutes), tick=False):
            client.get(f"/dossiers/d/{dossier.reference}/")
    client.force_login(people["supervisor_here"])
    assert client.get("/dossiers/worklist/").status_code == 200  # a list: nothing logged

    first = client.get("/access-log/", {"dossier_code": dossier.code, "username": "a-officer"})
    assert first.status_code == 200
    page = first.content.decode()
    assert page.count("Trần Thị Bích") == 2
    assert "12:02:00 24/11/2026" in page
    assert "12:00:00 24/11/2026" not in page
    following = first.context["following"]
    second = client.get(f"/access-log/?{following}").content.decode()
    assert "12:00:00 24/11/2026" in second
    assert "12:02:00" not in second
    assert 'data-testid="access-log-next"' not in second

    unknown = client.get("/access-log/", {"username": "nobody"})
    assert unknown.status_code == 400
    with translation.override("vi"):
        message = translation.gettext("No staff account has this username.")
    assert message in unknown.content.decode()

    client.force_login(people["officer"])
    assert client.get("/access-log/").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the guard of PostgreSQL")
def test_the_log_is_append_only(dossier, people):
    from accesslog.services import access_record

    record = access_record(
        actor=people["officer"], kind="dossier", channel="page", dossier_id=dossier.pk
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(reason="rewritten")


def test_the_search_takes_odd_input_without_failing(client, people):
    client.force_login(people["supervisor_here"])
    for query in (
        {"after": "2026-11-24T05:00:00+00:00_99999999999999999999999"},
        {"after": "not-a-cursor"},
        {"until": "9999-12-31", "since": "0001-01-01"},
        {"office": "x", "role": "nobody", "kind": "?"},
    ):
        assert client.get("/access-log/", query).status_code in (200, 400)
    # A date the database cannot hold is named on the field, not a server error.
    far = client.get("/access-log/", {"since": "0001-01-01"})
    assert far.status_code in (200, 400)
    assert "Hãy nhập ngày từ năm 2000 trở đi." in far.text
