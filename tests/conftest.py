import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test writes its files to its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def offices(db):
    """The 34 provincial offices come from the data migration; return a few by province."""
    from offices.models import Office
    from offices.services import provincial_offices_sync

    provincial_offices_sync()  # transactional tests flush the migration's rows
    return {o.province_code: o for o in Office.objects.filter(kind="provincial")}


@pytest.fixture
def catalogue(db):
    from procedures.services import catalogue_load

    catalogue_load()
    from procedures.models import Procedure

    return {p.slug: p for p in Procedure.objects.all()}
