from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Beneficiary registry")

    def ready(self):
        from .results import register

        register()  # what result documents of card dossiers confirm (dossiers.results)
