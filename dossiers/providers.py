"""What dossiers asks of the apps above it (registry, partners, ratings), without importing them.

`dossiers` sits below `beneficiaries`, `partners` and `ratings` (import-linter holds the
layers, see docs/architecture.md). Where a dossier page, form or API needs something only a
higher app knows (what the registry holds about a person, who filed through a partner
token, whether a dossier was rated), it calls a provider here; the higher app plugs its
function in from its own `AppConfig.ready()`, as `dossiers.results` already does for result
facts. Each provider has one implementation and a default used when no app provides it
(the app is not installed): "nothing known", so pages still render.

Providers are called with keyword arguments only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Provider(Generic[T]):
    """One named extension point: `provide()` registers the implementation, calling runs it."""

    def __init__(self, name: str, default: Callable[..., T]) -> None:
        self.name = name
        self._default = default
        self._implementation: Callable[..., T] | None = None

    def provide(self, implementation: Callable[..., T]) -> Callable[..., T]:
        """Register the implementation (from an `AppConfig.ready()`); usable as a decorator."""
        self._implementation = implementation
        return implementation

    @property
    def provided(self) -> bool:
        return self._implementation is not None

    def __call__(self, **kwargs: Any) -> T:
        return (self._implementation or self._default)(**kwargs)

    def __repr__(self) -> str:
        return f"<Provider {self.name}>"


# --- the beneficiary registry (beneficiaries/apps.py) ----------------------------------

#: `(*, national_id) -> dict[str, str]`: what the registry knows, by prefill key.
person_known_values: Provider[dict[str, str]] = Provider("person_known_values", lambda **_: {})

NO_LETTER_PREFERENCES: dict[str, Any] = {
    "known": False,
    "large_print": False,
    "language": "vi",
    "interpreter": False,
    "assisted_digital": False,
    "needs": [],
}

#: `(*, national_id) -> dict`: how letters to the person are made (see NO_LETTER_PREFERENCES).
letter_preferences: Provider[dict[str, Any]] = Provider(
    "letter_preferences", lambda **_: dict(NO_LETTER_PREFERENCES)
)

#: `(*, national_id) -> person | None`: the registry person with this CCCD (for the counter).
registry_person_by_national_id: Provider[Any] = Provider(
    "registry_person_by_national_id", lambda **_: None
)

#: `(*, identifier) -> person | None`: by CCCD, SI code or HI card number (counter look-up).
registry_person_by_identifier: Provider[Any] = Provider(
    "registry_person_by_identifier", lambda **_: None
)

#: `(*, parent_national_id) -> list[dict]`: the registry's children of this parent, each
#: {"national_id", "full_name", "date_of_birth"} (filing as a parent or guardian).
registry_children_of: Provider[list[dict[str, Any]]] = Provider(
    "registry_children_of", lambda **_: []
)


# --- partner systems (partners/apps.py) ------------------------------------------------


def _no_token_filing(**_: Any) -> Any:
    raise NotImplementedError("No app provides filing through an API token.")


#: `(*, token, procedure, values, province_code, address, external_id) -> Dossier`: start a
#: draft for the API token's owner and record who filed it.
token_draft_create: Provider[Any] = Provider("token_draft_create", _no_token_filing)


# --- satisfaction ratings (ratings/apps.py) --------------------------------------------

#: `(*, dossier_ids) -> set[int]`: which of these dossiers have a rating (one query).
rated_dossier_ids: Provider[set[int]] = Provider("rated_dossier_ids", lambda **_: set())

#: `(*, user, dossier) -> dict | None`: the rating block of the dossier page.
rating_panel_context: Provider[dict | None] = Provider("rating_panel_context", lambda **_: None)


# --- the counter queue (queues/apps.py) --------------------------------------------------

#: `(*, user, dossier) -> dict | None`: the visit block of the dossier page (its queue
#: ticket, wait and service time), for staff.
visit_panel_context: Provider[dict | None] = Provider("visit_panel_context", lambda **_: None)
