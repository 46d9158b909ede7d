"""What a transactional test leaves behind (tests/flush.py): the tables it wrote emptied, the
content types and permissions kept, and a module's baseline put back row for row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tests import flush


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_the_written_tables_are_emptied_and_content_types_kept(transactional_db: Any) -> None:
    types, permissions = ContentType.objects.count(), Permission.objects.count()
    assert types and permissions
    group = Group.objects.create(name="Auditors")
    User.objects.create(username="someone").groups.add(group)
    assert {"auth_group", "auth_user", "auth_user_groups"} <= set(flush.tables_with_rows("default"))

    flush.empty_written_tables("default")

    assert not Group.objects.exists() and not User.objects.exists()
    assert not User.groups.through.objects.exists()
    assert (ContentType.objects.count(), Permission.objects.count()) == (types, permissions)


def test_emptied_content_types_are_created_again_as_the_flush_would(
    transactional_db: Any,
) -> None:
    types = ContentType.objects.count()
    Permission.objects.all().delete()
    ContentType.objects.all().delete()

    flush.empty_written_tables("default")

    assert ContentType.objects.count() == types
    assert Permission.objects.exists()


def test_a_baseline_is_put_back_row_for_row_and_dropped_at_the_end(
    transactional_db: Any,
) -> None:
    kept = User.objects.create(username="kept", first_name="Before")
    Group.objects.create(name="Kept group")
    flush.keep_as_baseline()
    try:
        assert "zz_baseline_auth_user" in _tables()
        # What a test does: change a kept row, delete one, add others.
        User.objects.filter(pk=kept.pk).update(first_name="After")
        Group.objects.all().delete()
        User.objects.create(username="added")

        flush.empty_written_tables("default")

        assert list(User.objects.values_list("pk", "username", "first_name")) == [
            (kept.pk, "kept", "Before")
        ]
        assert list(Group.objects.values_list("name", flat=True)) == ["Kept group"]
    finally:
        flush.drop_baseline()
    assert not User.objects.exists() and not Group.objects.exists()
    assert not {t for t in _tables() if t.startswith(flush.BASELINE)}
