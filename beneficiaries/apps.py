from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Beneficiary registry")

    def ready(self):
        from accounts.services import IDENTITY_VERIFIED
        from dossiers import events, providers
        from dossiers.constants import DossierState, EventKind, Outcome
        from outbox.registry import subscribe

        from . import selectors
        from .handlers import person_learn, person_learn_verified
        from .models import Person
        from .results import register

        DOSSIER_ENDS = (  # noqa: N806 - a constant of this method
            DossierState.RETURNED,
            DossierState.REFUSED,
            DossierState.STOPPED,
            DossierState.WITHDRAWN,
        )

        register()  # what result documents of card dossiers confirm (dossiers.results)
        # What dossier forms, letters and the counter ask of the registry (dossiers.providers).
        providers.person_known_values.provide(selectors.person_known_values)
        providers.letter_preferences.provide(selectors.letter_preferences)
        providers.registry_person_by_identifier.provide(selectors.person_by_identifier)
        providers.registry_children_of.provide(selectors.children_of)
        providers.registry_person_by_national_id.provide(
            lambda *, national_id: Person.objects.filter(national_id=national_id).first()
        )

        # Once-only: the registry learns an applicant it did not know, in the transaction
        # that submits or receives the dossier (inline, not an outbox row).
        subscribe(
            events.EVENT,
            inline=person_learn,
            when=lambda event, context: (
                context["kind"] in (EventKind.SUBMITTED, EventKind.RECEIVED)
            ),
        )
        # A citizen signed in through VNeID: the registry learns the verified identity of a
        # person it did not know, in the sign-in's transaction.
        subscribe(IDENTITY_VERIFIED, inline=person_learn_verified)
        # The VSS part of a bundle follows its dossier to its end.
        subscribe(
            events.EVENT,
            handler="beneficiaries.handlers.bundle_part_follow",
            when=lambda event, context: (
                context["to_state"] in DOSSIER_ENDS and context["to_state"] != context["from_state"]
            ),
        )
        # An approved result reaches the registry.
        subscribe(
            events.EVENT,
            handler="beneficiaries.handlers.registry_apply_result",
            when=lambda event, context: (
                context["to_state"] == DossierState.PROCESSED
                and context["from_state"] != DossierState.PROCESSED
                and event.dossier.outcome == Outcome.APPROVED
            ),
        )
