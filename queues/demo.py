"""Demo queue data for `seed_demo` (make run): counters, groups served and appointment slots."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from offices.models import Office

from .models import Counter, OfficeQueue, ServiceGroup, Slot

# window number → the group codes it serves
DEMO_COUNTERS = {
    1: ["health-insurance", "contributions", "enquiries"],
    2: ["benefits", "enquiries"],
    3: ["collection", "benefits", "health-insurance", "contributions", "enquiries"],
}
SLOT_TIMES = [dt.time(8, 0), dt.time(8, 30), dt.time(9, 0), dt.time(9, 30), dt.time(14, 0)]
SLOT_DAYS = 7


def demo_queue_create(*, offices: list[Office]) -> list[Office]:
    """Counters 1-3 and a week of appointment slots at each office (safe to run again)."""
    groups = {g.code: g for g in ServiceGroup.objects.all()}
    today = timezone.localdate()
    for office in offices:
        OfficeQueue.objects.get_or_create(office=office)
        for number, codes in DEMO_COUNTERS.items():
            counter, created = Counter.objects.get_or_create(office=office, number=number)
            if created:
                counter.groups.set([groups[c] for c in codes if c in groups])
        for offset in range(SLOT_DAYS):
            day = today + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for moment in SLOT_TIMES:
                starts_at = timezone.make_aware(dt.datetime.combine(day, moment))
                for code in ("benefits", "collection"):
                    if code in groups:
                        Slot.objects.get_or_create(
                            office=office,
                            group=groups[code],
                            starts_at=starts_at,
                            defaults={"capacity": 2},
                        )
    return offices
