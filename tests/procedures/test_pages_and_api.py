import pytest
from django.urls import reverse
from django.utils.html import escape

from procedures.selectors import version_in_force
from procedures.services import procedure_save

pytestmark = pytest.mark.django_db

MATERNITY = {"maternity-benefit-direct", "maternity-benefit-employer"}


def _listed_slugs(response) -> set[str]:
    return {p.slug for p in response.context["procedures"]}


# --- Public pages ---------------------------------------------------------------------


@pytest.mark.parametrize("query", ["thai san", "THAI SẢN", "thai sản", "  Thai   San "])
def test_search_with_or_without_diacritics_finds_maternity(client, catalogue, query):
    response = client.get(reverse("procedures:list"), {"q": query})

    assert response.status_code == 200
    listed = response.context["procedures"]
    assert MATERNITY <= {p.slug for p in listed}
    # Others match through their summary (convalescence after sickness or maternity).
    assert all("thai san" in p.search_text for p in listed)
    for slug in MATERNITY:
        assert escape(catalogue[slug].name_vi) in response.content.decode()


def test_search_matches_english_names_too(client, catalogue):
    response = client.get(reverse("procedures:list"), {"q": "pension"})

    assert "old-age-pension" in _listed_slugs(response)


def test_search_without_match_lists_nothing(client, catalogue):
    response = client.get(reverse("procedures:list"), {"q": "xyzzy"})

    assert _listed_slugs(response) == set()


def test_group_filter(client, catalogue):
    response = client.get(reverse("procedures:list"), {"group": "hi_card"})

    assert _listed_slugs(response) == {"hi-card-reissue-exchange", "hi-card-child-under-6"}


def test_group_filter_and_search_combine(client, catalogue):
    response = client.get(reverse("procedures:list"), {"group": "maternity", "q": "truc tiep"})

    assert _listed_slugs(response) == {"maternity-benefit-direct"}


def test_catalogue_page_lists_all_published_procedures(client, catalogue):
    response = client.get(reverse("procedures:list"))

    assert len(_listed_slugs(response)) >= 12


def test_unpublished_procedure_is_not_listed_nor_shown(client, catalogue):
    procedure = catalogue["coverage-certificate"]
    procedure.is_published = False
    procedure_save(procedure=procedure)

    listed = client.get(reverse("procedures:list"))
    detail = client.get(reverse("procedures:detail", args=[procedure.slug]))

    assert procedure.slug not in _listed_slugs(listed)
    assert detail.status_code == 404


def test_detail_page_shows_documents_time_limit_and_legal_basis(client, catalogue):
    procedure = catalogue["maternity-benefit-direct"]
    version = version_in_force(procedure=procedure)

    response = client.get(reverse("procedures:detail", args=[procedure.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(procedure.name_vi) in html
    assert 'data-testid="time-limit">5 ' in html
    assert escape(version.legal_basis_vi) in html
    for component in version.components.all():
        assert escape(component.name_vi) in html
    assert 'data-testid="file-online"' in html


def test_detail_page_shows_internal_target(client, catalogue):
    response = client.get(reverse("procedures:detail", args=["hi-card-reissue-exchange"]))

    assert 'data-testid="time-limit">7 ' in response.content.decode()
    assert response.context["version"].internal_target == 2


def test_detail_page_of_unknown_slug_is_404(client, catalogue):
    response = client.get(reverse("procedures:detail", args=["no-such-procedure"]))

    assert response.status_code == 404


# --- Read API -------------------------------------------------------------------------

LIST_URL = "/api/v1/procedures/"


def test_api_list_shape_and_pagination(client, catalogue):
    response = client.get(LIST_URL, {"page_size": 5, "include_total": "true"})

    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 12
    assert len(body["results"]) == 5
    assert body["next"]
    item = body["results"][0]
    assert set(item) == {
        "code",
        "slug",
        "name_vi",
        "name_en",
        "summary_vi",
        "summary_en",
        "group",
        "group_label",
        "filer",
        "channels",
        "field_inspection",
        "url",
    }
    assert item["url"].endswith(reverse("procedures_api:detail", args=[item["slug"]]))


def test_api_list_search_without_diacritics(client, catalogue):
    response = client.get(LIST_URL, {"q": "thai san"})

    assert MATERNITY <= {p["slug"] for p in response.json()["results"]}


def test_api_list_group_filter(client, catalogue):
    response = client.get(LIST_URL, {"group": "pension"})

    assert [p["slug"] for p in response.json()["results"]] == ["old-age-pension"]


def test_api_list_rejects_an_unknown_group_as_problem_json(client, catalogue):
    response = client.get(LIST_URL, {"group": "lottery"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"] == "group"


def test_api_list_query_count_does_not_grow_with_results(
    client, catalogue, django_assert_num_queries
):
    # One SELECT for the page (by cursor: no COUNT unless asked for the total).
    with django_assert_num_queries(1):
        response = client.get(LIST_URL, {"page_size": 100})
    assert len(response.json()["results"]) >= 12
    with django_assert_num_queries(2):
        client.get(LIST_URL, {"page_size": 100, "include_total": "true"})


def test_api_detail_shape(client, catalogue):
    procedure = catalogue["hi-card-reissue-exchange"]
    version = version_in_force(procedure=procedure)

    response = client.get(reverse("procedures_api:detail", args=[procedure.slug]))

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == procedure.code
    assert body["name_en"] == procedure.name_en
    assert body["channels"] == procedure.channels
    current = body["current_version"]
    assert current["effective_from"] == version.effective_from.isoformat()
    assert current["legal_basis_vi"] == version.legal_basis_vi
    assert current["time_limit"] == 7
    assert current["time_limit_unit"] == "working_days"
    assert current["internal_target"] == 2
    assert current["workflow"] == {
        "appraisal": True,
        "leader_signature": False,
        "payment_request": False,
    }
    assert [c["code"] for c in current["components"]] == [c.code for c in version.components.all()]
    assert [f["name"] for f in current["fields"]] == [f["name"] for f in version.fields]
    component = current["components"][0]
    assert {"name_vi", "name_en", "original_or_copy", "requirement", "file_types"} <= set(component)


def test_api_detail_query_count(client, catalogue, django_assert_num_queries):
    # Procedure, version in force, its components.
    with django_assert_num_queries(3):
        response = client.get(reverse("procedures_api:detail", args=["maternity-benefit-direct"]))
    assert response.json()["current_version"]["time_limit"] == 5


def test_api_detail_unknown_slug_is_problem_json_404(client, catalogue):
    response = client.get(reverse("procedures_api:detail", args=["no-such-procedure"]))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["type"].startswith("https://")
    assert body["title"]


def test_api_is_public(client, catalogue):
    assert client.get(LIST_URL).status_code == 200
    assert client.get(reverse("procedures_api:detail", args=["old-age-pension"])).status_code == 200
