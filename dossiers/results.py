"""What a result document confirms from higher layers (the registry), without importing them.

`dossiers` sits below `beneficiaries`: the registry registers, in its own `apps.py`, a
provider per procedure slug that returns the lines the result document states (the
re-issued health insurance card's number and validity ...). A provider may bring the
registry in line with the dossier first (it must be safe to repeat).
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from .models import Dossier

logger = structlog.get_logger(__name__)

ResultFactsProvider = Callable[[Dossier], list[str]]

_PROVIDERS: dict[str, ResultFactsProvider] = {}


def result_facts_register(slug: str, provider: ResultFactsProvider) -> None:
    """Register what the result of an approved `slug` dossier confirms (called at startup)."""
    _PROVIDERS[slug] = provider


def result_facts(dossier: Dossier) -> list[str]:
    """The lines the result of an approved dossier confirms; none for other procedures."""
    provider = _PROVIDERS.get(dossier.procedure.slug)
    if provider is None:
        return []
    return [line for line in provider(dossier) if line]
