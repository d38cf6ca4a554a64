"""Demo data for `make run`: offices, the catalogue and one account per role. Idempotent."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.constants import Role
from accounts.models import User
from offices.constants import VSS_AGENCY_SUFFIX, OfficeKind
from offices.models import Office
from offices.services import provincial_offices_sync

DEMO_PASSWORD = "VssDemo@2026"  # noqa: S105 - published demo credential, never in production

BASE_OFFICES = [
    # (province code, number, Vietnamese name, English name)
    (1, 1, "Bảo hiểm xã hội cơ sở Hoàn Kiếm", "Hoan Kiem Base Social Security Office"),
    (1, 2, "Bảo hiểm xã hội cơ sở Cầu Giấy", "Cau Giay Base Social Security Office"),
    (79, 1, "Bảo hiểm xã hội cơ sở Sài Gòn", "Sai Gon Base Social Security Office"),
    (79, 2, "Bảo hiểm xã hội cơ sở Thủ Đức", "Thu Duc Base Social Security Office"),
    (48, 1, "Bảo hiểm xã hội cơ sở Hải Châu", "Hai Chau Base Social Security Office"),
]

DEMO_ACCOUNTS = [
    # username, role, province of office (None: no office), full name, extra
    (
        "citizen",
        Role.CITIZEN,
        None,
        "Nguyễn Văn An",
        {
            "national_id": "001090012345",
            "email": "an.nguyen@example.vn",
            "gender": "male",
            "date_of_birth": "1990-05-12",
            "phone": "0912345678",
        },
    ),
    ("counter.hn", Role.COUNTER_OFFICER, 1, "Trần Thị Bình", {}),
    ("counter.hcm", Role.COUNTER_OFFICER, 79, "Lê Văn Cường", {}),
    ("officer.hn", Role.PROCESSING_OFFICER, 1, "Phạm Thị Dung", {}),
    ("officer.hcm", Role.PROCESSING_OFFICER, 79, "Võ Minh Đức", {}),
    ("leader.hn", Role.OFFICE_LEADER, 1, "Hoàng Văn Giang", {}),
    ("leader.hcm", Role.OFFICE_LEADER, 79, "Đặng Thị Hà", {}),
    ("supervisor", Role.SUPERVISOR, None, "Bùi Quốc Khánh", {}),
    (
        "admin",
        Role.ADMINISTRATOR,
        None,
        "Quản trị hệ thống",
        {"is_staff": True, "is_superuser": True},
    ),
]


class Command(BaseCommand):
    help = "Create demo offices, catalogue and accounts (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        provincial_offices_sync()
        call_command("load_catalogue", stdout=self.stdout)
        call_command("load_catalogue", "--demo", stdout=self.stdout)
        for province, number, name, name_en in BASE_OFFICES:
            parent = Office.objects.get(kind=OfficeKind.PROVINCIAL, province_code=province)
            Office.objects.get_or_create(
                agency_code=f"000.{number:02d}.{province:02d}.{VSS_AGENCY_SUFFIX}",
                defaults={
                    "name": name,
                    "name_en": name_en,
                    "kind": OfficeKind.BASE,
                    "province_code": province,
                    "parent": parent,
                },
            )
        rows = []
        for username, role, province, full_name, extra in DEMO_ACCOUNTS:
            office = (
                Office.objects.get(kind=OfficeKind.PROVINCIAL, province_code=province)
                if province
                else None
            )
            user, created = User.objects.get_or_create(
                username=f"cd{extra['national_id']}" if role == Role.CITIZEN else username,
                defaults={"role": role, "office": office, "full_name": full_name, **extra},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            login = extra.get("national_id", username)
            rows.append((role.label, login, office.name if office else "—"))
        call_command("seed_registry", stdout=self.stdout)
        from dossiers.demo import demo_dossiers_create

        made = demo_dossiers_create(
            citizen=User.objects.get(national_id="001090012345"),
            counter=User.objects.get(username="counter.hn"),
            officer=User.objects.get(username="officer.hn"),
            leader=User.objects.get(username="leader.hn"),
        )
        if made:
            self.stdout.write(f"demo dossiers: {made} created")
        from queues.demo import demo_queue_create

        for office in demo_queue_create(
            offices=list(
                Office.objects.filter(kind=OfficeKind.PROVINCIAL, province_code__in=[1, 79])
            )
        ):
            self.stdout.write(
                f"queue at {office.agency_code}: kiosk /queue/o/{office.pk}/kiosk/, "
                f"board /queue/o/{office.pk}/board/"
            )
        call_command("rollups_refresh", "--last", "62", stdout=self.stdout)
        call_command("citizen_app_client", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {DEMO_PASSWORD}):"))
        for role_label, login, office_name in rows:
            self.stdout.write(f"  {str(role_label):<22} {login:<16} {office_name}")
