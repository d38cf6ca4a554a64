from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Beneficiary registry")

    def ready(self):
        from dossiers import providers

        from . import selectors
        from .models import Person
        from .results import register

        register()  # what result documents of card dossiers confirm (dossiers.results)
        # What dossier forms, letters and the counter ask of the registry (dossiers.providers).
        providers.person_known_values.provide(selectors.person_known_values)
        providers.letter_preferences.provide(selectors.letter_preferences)
        providers.registry_person_by_identifier.provide(selectors.person_by_identifier)
        providers.registry_person_by_national_id.provide(
            lambda *, national_id: Person.objects.filter(national_id=national_id).first()
        )
