"""A large synthetic population for benchmarks (millions of persons), in batches.

    manage.py generate_population --persons 2000000 --batch 10000

Each batch is one transaction of bulk inserts; existing identifiers are skipped, so the
command can be run again (with another --seed) to grow the population.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from beneficiaries.population import PopulationBuilder


class Command(BaseCommand):
    help = "Generate a synthetic registry population for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=1_000_000)
        parser.add_argument("--batch", type=int, default=10_000, help="persons per transaction")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--employers-per-province", type=int, default=200)

    def handle(self, *args, persons, batch, seed, employers_per_province, **options):
        if persons <= 0 or batch <= 0:
            raise CommandError("--persons and --batch must be positive")
        builder = PopulationBuilder(seed=seed)
        builder.ensure_reference_data(employers_per_province=employers_per_province)
        started = time.monotonic()
        made = 0
        pending = []
        pending_persons = 0
        for household in builder.households(persons):
            pending.append(household)
            pending_persons += len(household.persons)
            if pending_persons >= batch:
                made += builder.save(pending)
                pending, pending_persons = [], 0
                elapsed = time.monotonic() - started
                self.stdout.write(f"{made:>10,} persons  {made / elapsed:,.0f}/s")
        made += builder.save(pending)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{made:,} persons in {elapsed:.0f} s ({made / elapsed:,.0f}/s)")
        )
