"""The apps above dossiers plug in what dossier pages, letters and the API ask of them."""

import pytest

from dossiers import providers

PROVIDERS = [
    (providers.person_known_values, "beneficiaries.selectors"),
    (providers.letter_preferences, "beneficiaries.selectors"),
    (providers.registry_person_by_identifier, "beneficiaries.selectors"),
    (providers.registry_person_by_national_id, "beneficiaries.apps"),
    (providers.token_draft_create, "partners.services.filings"),
    (providers.rated_dossier_ids, "ratings.selectors"),
    (providers.rating_panel_context, "ratings.views"),
]


@pytest.mark.parametrize(("provider", "module"), PROVIDERS, ids=lambda p: getattr(p, "name", p))
def test_each_provider_is_plugged_in_by_its_app(provider, module):
    assert provider.provided
    assert provider._implementation.__module__ == module


def test_without_a_provider_dossiers_knows_nothing_rather_than_failing():
    unplugged = providers.Provider("example", lambda **_: {})
    assert unplugged(national_id="001090012345") == {}
    assert (
        providers.Provider("letters", providers.letter_preferences._default)(
            national_id="001090012345"
        )
        == providers.NO_LETTER_PREFERENCES
    )
