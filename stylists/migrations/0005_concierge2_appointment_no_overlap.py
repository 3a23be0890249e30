"""No two active appointments of one advisor overlap: enforced by PostgreSQL itself.

An exclusion constraint (btree_gist for the advisor's id, a half-open
tstzrange for the time) over requested and confirmed appointments. SQLite has
no exclusion constraints: there the booking service's lock on the advisor's
row (SQLite also serialises writers) is what keeps the rule.
"""

from django.db import migrations

CONSTRAINT = "appt_no_overlap_per_advisor"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE stylists_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (stylist_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status IN ('requested', 'confirmed'))"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE stylists_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("stylists", "0004_concierge2_notices_answers_portraits")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
