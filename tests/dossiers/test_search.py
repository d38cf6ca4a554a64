"""Officers search dossiers by the text recognised inside their documents.

PostgreSQL: full-text search with the unaccented `vss_vietnamese` configuration, served by
the GIN expression index of migration 0007. SQLite: every word, as written, must appear.
"""

import importlib

import pytest
from django.conf import settings
from django.db import connection

from accounts.constants import Role
from dossiers.constants import DigitisationStatus, DocumentSource
from dossiers.constants import DossierState as S
from dossiers.models import DossierDocument
from dossiers.search import dossier_search_documents, matching_documents
from dossiers.worklist import WorklistQuery, worklist
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
only_postgres = pytest.mark.skipif(not POSTGRES, reason="full-text search runs on PostgreSQL")
only_sqlite = pytest.mark.skipif(POSTGRES, reason="the SQLite fallback")
migration = importlib.import_module("dossiers.migrations.0007_document_fulltext")

CERTIFICATE = (
    "GIẤY CHỨNG NHẬN NGHỈ VIỆC HƯỞNG BẢO HIỂM XÃ HỘI\n"
    "Bệnh viện Bạch Mai, Hà Nội\nSố ngày nghỉ: 05 ngày, từ ngày 16/11/2026"
)
DISCHARGE = "Giấy ra viện\nBệnh viện Chợ Rẫy, Thành phố Hồ Chí Minh\nChẩn đoán: viêm phổi"
BIRTH = "Giấy khai sinh\nHọ và tên: Trần Thị Lan\nNơi sinh: Đà Nẵng"


def add_document(dossier, text, name="scan.pdf"):
    return DossierDocument.objects.create(
        dossier=dossier,
        source=DocumentSource.SCAN,
        file=f"dossiers/{dossier.reference}/{name}",
        original_name=name,
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        digitisation_status=DigitisationStatus.DONE,
        ocr_text=text,
    )


@pytest.fixture
def officer(offices):
    return UserFactory(username="s-officer", role=Role.PROCESSING_OFFICER, office=offices[1])


@pytest.fixture
def dossiers(catalogue, offices):
    procedure = catalogue["sickness-benefit"]
    sickness = make_dossier(procedure=procedure, state=S.IN_PROCESSING, office=offices[1])
    add_document(sickness, CERTIFICATE, "certificate.pdf")
    add_document(sickness, "Bản sao giấy chứng nhận, Bệnh viện Bạch Mai", "copy.pdf")
    hospital = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1])
    add_document(hospital, DISCHARGE)
    birth = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1])
    add_document(birth, BIRTH)
    elsewhere = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[79])
    add_document(elsewhere, CERTIFICATE)
    return {"sickness": sickness, "hospital": hospital, "birth": birth, "elsewhere": elsewhere}


def found(officer, q):
    return [d.pk for d in worklist(user=officer, query=WorklistQuery(tab="open", q=q)).rows]


# --- both databases ------------------------------------------------------------------------


@pytest.mark.django_db
def test_text_prefix_searches_inside_documents_of_the_officers_office(
    officer, dossiers, django_assert_num_queries
):
    with django_assert_num_queries(2):  # as without a search: counts, then the rows
        page = worklist(user=officer, query=WorklistQuery(tab="open", q="text: Bạch Mai"))
        [row.procedure.name_vi for row in page.rows]
    # Listed once although two of its documents match; the other office's dossier is not.
    assert [d.pk for d in page.rows] == [dossiers["sickness"].pk]
    assert page.counts["open"] == 1
    assert found(officer, "TEXT:viêm phổi") == [dossiers["hospital"].pk]
    # Every word must appear in the same document.
    assert found(officer, "text: Bạch Mai viêm phổi") == []
    assert found(officer, "text: Đà Nẵng") == [dossiers["birth"].pk]


@pytest.mark.django_db
def test_other_searches_keep_their_meaning(officer, dossiers):
    birth = dossiers["birth"]
    # Without the prefix, text inside documents is not searched: names, codes and IDs are.
    assert found(officer, "Đà Nẵng") == []
    assert found(officer, birth.code) == [birth.pk]
    assert set(found(officer, "001090012345")) == {
        dossiers["sickness"].pk,
        dossiers["hospital"].pk,
        birth.pk,
    }
    # The prefix alone filters nothing.
    assert len(found(officer, "text:")) == 3


@pytest.mark.django_db
def test_search_can_narrow_any_dossier_queryset(dossiers):
    from dossiers.models import Dossier

    qs = Dossier.objects.filter(state=S.RECEIVED)
    assert set(dossier_search_documents(qs, "Bệnh viện")) == {
        dossiers["hospital"],
        dossiers["elsewhere"],
    }
    assert list(dossier_search_documents(qs, "   ")) == list(qs)


def test_migration_is_reversible_and_builds_the_index_concurrently():
    assert all(operation.reversible for operation in migration.Migration.operations)
    assert migration.Migration.atomic is False  # CONCURRENTLY needs autocommit
    assert migration.Migration.dependencies == [("dossiers", "0006_sla_tracking")]


@only_sqlite
@pytest.mark.django_db(transaction=True)
def test_migration_does_nothing_on_sqlite():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, connection.schema_editor() as editor:
        for function in (
            migration.create_text_search,
            migration.create_index,
            migration.drop_index,
            migration.drop_text_search,
        ):
            function(None, editor)
    assert [q["sql"] for q in queries.captured_queries if "vss_vietnamese" in q["sql"]] == []
    assert editor.deferred_sql == []


# --- SQLite: a plain contains search --------------------------------------------------------


@only_sqlite
@pytest.mark.django_db
def test_sqlite_fallback_matches_words_as_written(officer, dossiers):
    assert found(officer, "text: bệnh viện Bạch") == [dossiers["sickness"].pk]
    assert found(officer, "text: bach mai") == []  # diacritics must match here


# --- PostgreSQL: unaccented full-text search on a GIN index ---------------------------------


@only_postgres
@pytest.mark.django_db
def test_words_match_without_diacritics_or_case(officer, dossiers):
    sickness, hospital = dossiers["sickness"].pk, dossiers["hospital"].pk
    assert found(officer, "text: bach mai") == [sickness]
    assert found(officer, "text: GIAY CHUNG NHAN") == [sickness]
    assert found(officer, "text: cho ray") == [hospital]
    assert found(officer, "text: Chợ Rẫy") == [hospital]
    # Decomposed input (as some keyboards send it) is normalised first.
    assert found(officer, "text: Cho\u031b\u0323 Ra\u0302\u0303y") == [hospital]
    # Web-search syntax: phrases, "or", exclusion.
    assert found(officer, 'text: "viện bạch"') == [sickness]
    assert found(officer, 'text: "bạch viện"') == []
    assert set(found(officer, "text: phổi or khai")) == {hospital, dossiers["birth"].pk}
    assert found(officer, "text: bệnh viện -phổi") == [sickness]
    # Whole words, no stemming or prefixes.
    assert found(officer, "text: bạc") == []


@only_postgres
@pytest.mark.django_db
def test_the_search_is_served_by_the_gin_expression_index(dossiers):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = matching_documents("bach mai").explain()
    assert "document_ocr_text_fts_idx" in plan


@only_postgres
@pytest.mark.django_db(transaction=True)
def test_migration_reverses_and_reapplies_on_postgresql(officer, dossiers):
    def present():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'vss_vietnamese'")
            config = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'document_ocr_text_fts_idx'"
            )
            index = cursor.fetchone()[0]
        return config, index

    assert present() == (1, 1)
    try:
        with connection.schema_editor(atomic=False) as editor:
            migration.drop_index(None, editor)
            migration.drop_text_search(None, editor)
        assert present() == (0, 0)
    finally:
        with connection.schema_editor(atomic=False) as editor:
            migration.create_text_search(None, editor)
            migration.create_text_search(None, editor)  # forwards again is harmless
            migration.create_index(None, editor)
    assert present() == (1, 1)
    assert found(officer, "text: bach mai") == [dossiers["sickness"].pk]
