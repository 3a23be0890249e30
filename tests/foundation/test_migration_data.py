"""The rows the data migrations write come back after a transactional test's flush."""

from __future__ import annotations

import pytest

from conftest import restore_migration_data
from stylists.models import OutreachTemplate

pytestmark = pytest.mark.django_db


def test_the_starter_templates_come_back_as_the_migration_wrote_them() -> None:
    shipped = set(OutreachTemplate.objects.values_list("name", "language", "kind", "body"))
    assert ("Thank you", "en") in {(name, language) for name, language, *_ in shipped}

    OutreachTemplate.objects.all().delete()  # what a flush does
    restore_migration_data()

    assert set(OutreachTemplate.objects.values_list("name", "language", "kind", "body")) == shipped
    restore_migration_data()  # again: nothing doubled
    assert OutreachTemplate.objects.count() == len(shipped)


# Two transactional tests in a row, as one worker runs them: the first ends with a
# flush, the second still finds the templates (it failed before the conftest hook).
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_finds_the_starter_templates() -> None:
    assert OutreachTemplate.objects.filter(name="Thank you", language="en").exists()


@pytest.mark.django_db(transaction=True)
def test_so_does_the_next_one_after_the_first_ones_flush() -> None:
    assert OutreachTemplate.objects.filter(name="Thank you", language="en").exists()
