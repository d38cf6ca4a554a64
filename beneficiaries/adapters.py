"""The other agencies' systems a bundle hands parts to, behind one interface.

Civil status (birth and death registration) belongs to the justice service; residence
registration and its removal to the police. Their real systems are reached through the
national data-sharing platform, which this project does not connect to. `AgencyAdapter`
is the contract; `SimulatedAgencies` is a local stand-in for development, tests and the
demo. It answers from the declaration itself and never contacts anyone.

The adapter in use is named by the `AGENCY_ADAPTER` setting (a dotted path).

Flow: `hand_off` sends a part and returns the agency's reference. The answer arrives
later: `bundle_part_poll_task` calls `fetch_answer` `poll_after_seconds` after the
hand-off (and again, with backoff, while it returns None).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .bundles.constants import Agency, BundleProcedure
from .validators import OLD_PROVINCE_CODES

DEFAULT_ADAPTER = "beneficiaries.adapters.SimulatedAgencies"


class AgencyUnavailable(Exception):
    """The agency's system did not answer (timeout, maintenance): try again later."""


class AnswerStatus(StrEnum):
    COMPLETED = "completed"
    REFUSED = "refused"


@dataclass(frozen=True)
class HandoffRequest:
    """What the portal sends for one part of a bundle."""

    part_id: int
    bundle_reference: str
    agency: str
    procedure: str
    declaration: dict[str, Any]
    # The civil status record, for the parts that follow it (residence, ...).
    civil_record: dict[str, Any] = field(default_factory=dict)
    document_kinds: tuple[str, ...] = ()

    @property
    def idempotency_key(self) -> str:
        """The same for every retry of this part: agencies must not register it twice."""
        return f"{self.bundle_reference}:{self.procedure}"


@dataclass(frozen=True)
class AgencyAnswer:
    status: AnswerStatus
    reference: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


class AgencyAdapter(ABC):
    """Contract of a connection to the justice and police systems."""

    # When to ask for the answer the first time after a hand-off.
    poll_after_seconds: int = 300

    @abstractmethod
    def hand_off(self, request: HandoffRequest) -> str:
        """Send the part; return the agency's reference. Raises AgencyUnavailable.

        Must be idempotent on `request.idempotency_key`.
        """

    @abstractmethod
    def fetch_answer(self, request: HandoffRequest, *, reference: str) -> AgencyAnswer | None:
        """The agency's answer, or None while it is still working on it."""


def get_agency_adapter() -> AgencyAdapter:
    return import_string(getattr(settings, "AGENCY_ADAPTER", DEFAULT_ADAPTER))()


# --- the local simulation ------------------------------------------------------------

_SIMULATED_PREFIX = {Agency.JUSTICE: "SIM-TP", Agency.POLICE: "SIM-CA"}


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def simulated_national_id(
    *, province_code: int, date_of_birth: dt.date, gender: str, seed: str
) -> str:
    """A personal ID number as the population database would give a newborn.

    Province of registration (3 digits), gender-and-century digit, 2-digit birth year
    and 6 digits; numbers already held by a person or an account are skipped.
    """
    from accounts.models import User

    from .models import Person

    province = f"{province_code:03d}"
    if province not in OLD_PROVINCE_CODES:
        province = "001"
    century_digit = (date_of_birth.year // 100 - 19) * 2 + (1 if gender == "female" else 0)
    prefix = f"{province}{century_digit}{date_of_birth.year % 100:02d}"
    start = _digest(seed)
    for attempt in range(1000):
        candidate = f"{prefix}{(start + attempt * 7919) % 10**6:06d}"
        taken = (
            Person.objects.filter(national_id=candidate).exists()
            or User.objects.filter(national_id=candidate).exists()
        )
        if not taken:
            return candidate
    raise AgencyUnavailable("no free simulated ID number")


class SimulatedAgencies(AgencyAdapter):
    """SIMULATION of the justice and police systems: no real registration happens.

    Every part is registered as declared, the same working day, unless its procedure is
    listed in `refusals` (procedure -> reason), which tests use to simulate a refusal.
    References start with "SIM-" so that nobody mistakes them for real ones.
    """

    refusals: dict[str, str] = {}

    @property
    def poll_after_seconds(self) -> int:  # type: ignore[override]
        return int(getattr(settings, "SIMULATED_AGENCY_DELAY_SECONDS", 5))

    def hand_off(self, request: HandoffRequest) -> str:
        prefix = _SIMULATED_PREFIX.get(request.agency, "SIM")
        return f"{prefix}-{request.part_id:08d}"

    def fetch_answer(self, request: HandoffRequest, *, reference: str) -> AgencyAnswer | None:
        if request.procedure in self.refusals:
            return AgencyAnswer(
                status=AnswerStatus.REFUSED,
                reference=reference,
                reason=self.refusals[request.procedure],
            )
        today = timezone.localdate().isoformat()
        declaration = request.declaration
        record: dict[str, Any] = {"registered_on": today, "simulated": True}
        if request.procedure == BundleProcedure.BIRTH_REGISTRATION:
            date_of_birth = dt.date.fromisoformat(declaration["child_date_of_birth"])
            record |= {
                "registration_number": f"SIM-KS-{request.part_id:06d}",
                "child_full_name": declaration["child_full_name"],
                "child_date_of_birth": declaration["child_date_of_birth"],
                "child_gender": declaration["child_gender"],
                "child_national_id": simulated_national_id(
                    province_code=int(declaration["province_code"]),
                    date_of_birth=date_of_birth,
                    gender=declaration["child_gender"],
                    seed=request.idempotency_key,
                ),
            }
        elif request.procedure == BundleProcedure.DEATH_REGISTRATION:
            record |= {
                "registration_number": f"SIM-KT-{request.part_id:06d}",
                "deceased_full_name": declaration["deceased_full_name"],
                "deceased_national_id": declaration["deceased_national_id"],
                "date_of_death": declaration["date_of_death"],
            }
        elif request.procedure == BundleProcedure.PERMANENT_RESIDENCE:
            record |= {
                "registered_address": declaration.get("residence_address", ""),
                "person_national_id": request.civil_record.get("child_national_id", ""),
            }
        elif request.procedure == BundleProcedure.RESIDENCE_REMOVAL:
            record |= {
                "person_national_id": request.civil_record.get("deceased_national_id", ""),
            }
        return AgencyAnswer(status=AnswerStatus.COMPLETED, reference=reference, record=record)
