"""The explanation column compressed with lz4 instead of pglz (PostgreSQL only).

A computation writes one explanation of about 2 kB per result: above PostgreSQL's toast
threshold, so every write compresses it. pglz costs several times the CPU of lz4 for about
the same size (measured on the 100,000-employee annual cycle, see the commit). A server
built without lz4, or another database, keeps its default: nothing is changed.
"""

from django.db import migrations


def _lz4_possible(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)"
        )
        return cursor.fetchone() is not None


def _compression(method: str):
    def change(apps, schema_editor) -> None:
        if not _lz4_possible(schema_editor):
            return
        table = apps.get_model("assessment", "AssessmentResult")._meta.db_table
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN explanation SET COMPRESSION {method}"
        )

    return change


class Migration(migrations.Migration):
    dependencies = [("assessment", "0006_result_indexes_the_queries_use")]

    operations = [
        migrations.RunPython(_compression("lz4"), _compression("pglz"), elidable=True),
    ]
