"""`python manage.py sandbox` (`make sandbox`): a test partner, its token and its dossiers.

For integrators, without an administrator: loads the demo data (`seed_demo`, idempotent),
creates the partner "Sandbox I-VAN" with a dossier filed by it in every state it can reach
through the real services, and prints a new token (the previous sandbox token is revoked:
a secret is shown only once). Running it again creates no second partner nor dossier.
Never for production: it refuses to run unless DEBUG or --force.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from dossiers.constants import DossierState
from dossiers.exceptions import DossierError
from dossiers.models import Dossier
from partners.constants import SCOPES_BY_KIND, PartnerKind
from partners.models import Partner, PartnerFiling, PartnerToken
from partners.services import (
    partner_create,
    partner_draft_create,
    partner_token_create,
    partner_token_revoke,
)
from procedures.models import Procedure

SANDBOX_PARTNER = "Sandbox I-VAN"
SANDBOX_TOKEN = "sandbox"  # noqa: S105 - the label of the token, not a secret
PROCEDURE = "sickness-benefit"
# Each state, and the steps that lead there from a draft filed by the partner.
PATHS: dict[str, tuple[str, ...]] = {
    DossierState.DRAFT: (),
    DossierState.SUBMITTED: ("submit",),
    DossierState.WITHDRAWN: ("submit", "withdraw"),
    DossierState.RECEIVED: ("submit", "accept"),
    DossierState.REFUSED: ("submit", "refuse"),
    DossierState.IN_PROCESSING: ("submit", "accept", "assign"),
    DossierState.SUPPLEMENT_REQUESTED: ("submit", "accept", "assign", "request_supplement"),
    DossierState.STOPPED: ("submit", "accept", "assign", "stop"),
    DossierState.APPRAISAL: ("submit", "accept", "assign", "appraisal"),
    DossierState.PROCESSED: ("submit", "accept", "assign", "appraisal", "decide", "sign"),
    DossierState.RETURNED: (
        "submit",
        "accept",
        "assign",
        "appraisal",
        "decide",
        "sign",
        "return",
    ),
}


def _staff() -> dict[str, User]:
    return {
        "counter": User.objects.get(username="counter.hn"),
        "officer": User.objects.get(username="officer.hn"),
        "leader": User.objects.get(username="leader.hn"),
    }


def _step(step: str, dossier: Dossier, partner: Partner, staff: dict[str, User]) -> Dossier:
    from dossiers import services as s

    counter, officer, leader = staff["counter"], staff["officer"], staff["leader"]
    if step == "submit":
        return s.dossier_submit(dossier=dossier, actor=partner.user)
    if step == "withdraw":
        return s.dossier_withdraw(
            dossier=dossier, citizen=partner.user, reason="Hồ sơ thử nghiệm / Sandbox."
        )
    if step == "accept":
        return s.dossier_accept(dossier=dossier, officer=counter)
    if step == "refuse":
        return s.dossier_refuse(
            dossier=dossier, officer=counter, reason="Hồ sơ thử nghiệm / Sandbox refusal."
        )
    if step == "assign":
        return s.dossier_assign(dossier=dossier, leader=leader, officer=officer)
    if step == "request_supplement":
        return s.dossier_request_supplement(
            dossier=dossier,
            actor=officer,
            reason="Giấy chứng nhận chưa rõ ngày nghỉ.",
            items=["Giấy chứng nhận nghỉ việc hưởng BHXH (bản rõ nét)"],
        )
    if step == "stop":
        return s.dossier_stop(dossier=dossier, leader=leader, reason="Hồ sơ thử nghiệm / Sandbox.")
    if step == "appraisal":
        return s.dossier_send_to_appraisal(dossier=dossier, officer=officer)
    if step == "decide":
        return s.dossier_decide(
            dossier=dossier,
            officer=officer,
            outcome="approved",
            decision_text="Giải quyết hưởng chế độ ốm đau (thử nghiệm).",
        )
    if step == "sign":
        if dossier.state != DossierState.AWAITING_SIGNATURE:
            return dossier
        return s.dossier_sign(dossier=dossier, leader=leader)
    if step == "return":
        return s.dossier_return_result(dossier=dossier, officer=counter, delivery="electronic")
    raise ValueError(step)


class Command(BaseCommand):
    help = "Create the sandbox partner, its dossiers in every state, and print a new token."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument(
            "--skip-seed", action="store_true", help="Do not load the demo data first."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("The sandbox is for development and test set-ups (or --force).")
        if not options["skip_seed"]:
            call_command("seed_demo", stdout=self.stdout)
        partner = Partner.objects.filter(name=SANDBOX_PARTNER, kind=PartnerKind.IVAN).first()
        if partner is None:
            partner = partner_create(name=SANDBOX_PARTNER, kind=PartnerKind.IVAN)
        for old in PartnerToken.objects.filter(
            partner=partner, name=SANDBOX_TOKEN, revoked_at__isnull=True
        ):
            partner_token_revoke(token=old)
        token, secret = partner_token_create(
            partner=partner,
            name=SANDBOX_TOKEN,
            scopes=sorted(SCOPES_BY_KIND[PartnerKind.IVAN]),
            rate_limit_per_minute=600,
        )
        made = self._dossiers(partner, token)
        self.stdout.write(f"Sandbox partner: {partner.name} (id {partner.pk})")
        self.stdout.write(f"Dossiers filed by it: {made}")
        self.stdout.write("Token (shown once; run again for a new one):")
        self.stdout.write(secret)
        self.stdout.write(f"Try: curl -H 'Authorization: Token {secret}' {_api_root()}dossiers/")

    def _dossiers(self, partner: Partner, token: PartnerToken) -> dict[str, str]:
        from dossiers.demo import sample_values

        staff = _staff()
        procedure = Procedure.objects.get(slug=PROCEDURE)
        made: dict[str, str] = {}
        for state, steps in PATHS.items():
            external_id = f"sandbox-{state}"
            filing = (
                PartnerFiling.objects.filter(partner=partner, external_id=external_id)
                .select_related("dossier")
                .first()
            )
            if filing is not None:
                made[state] = filing.dossier.state
                continue
            try:
                with transaction.atomic():
                    dossier = partner_draft_create(
                        token=token,
                        procedure=procedure,
                        values={},
                        province_code=1,
                        address="12 Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
                        external_id=external_id,
                    )
                    dossier = sample_values_fill(dossier, partner, sample_values)
                    for step in steps:
                        dossier = _step(step, dossier, partner, staff)
            except DossierError as error:
                self.stderr.write(f"{state}: not reached ({error})")
                continue
            made[state] = dossier.state
        return made


def sample_values_fill(dossier: Dossier, partner: Partner, sample_values) -> Dossier:
    """The draft's required values and its medical certificate, as a partner sends them."""
    from dossiers.demo import certificate_png
    from dossiers.services import dossier_document_add, dossier_draft_save

    values = sample_values(
        dossier.version,
        {"full_name": "Nguyễn Văn Thử", "national_id": "001090099999"},
    )
    dossier = dossier_draft_save(dossier=dossier, actor=partner.user, values=values, next_step=4)
    component = dossier.version.components.get(code="medical_leave_certificate")
    dossier_document_add(
        dossier=dossier, component=component, uploaded=certificate_png(), actor=partner.user
    )
    return dossier


def _api_root() -> str:
    return settings.SITE_URL.rstrip("/") + "/api/v1/"
