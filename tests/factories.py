import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.constants import Role
from accounts.models import User

PASSWORD = "Test-Pass-2026!"  # noqa: S105


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    role = Role.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])

    class Params:
        citizen = factory.Trait(
            role=Role.CITIZEN,
            national_id=factory.Sequence(lambda n: f"0010900{n:05d}"),
            username=factory.LazyAttribute(lambda o: f"cd{o.national_id}"),
            gender="male",
            date_of_birth=factory.Faker(
                "date_between_dates", date_start=dt.date(1990, 1, 1), date_end=dt.date(1990, 12, 31)
            ),
        )
        counter_officer = factory.Trait(role=Role.COUNTER_OFFICER)
        processing_officer = factory.Trait(role=Role.PROCESSING_OFFICER)
        office_leader = factory.Trait(role=Role.OFFICE_LEADER)
        supervisor = factory.Trait(role=Role.SUPERVISOR)
        administrator = factory.Trait(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
