from django.db import migrations, models


class AddColumnInPlace(migrations.AddField):
    """AddField, but on SQLite an in-place `ALTER TABLE … ADD COLUMN` with a
    constant default: Django's SQLite AddField of a NOT NULL column copies the
    whole table, which on a registry of millions of declarations takes long and
    needs the table's size again on disk. (PostgreSQL 11+ adds it in place.)"""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(field.column)
        kind = field.db_type(schema_editor.connection)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind} NOT NULL DEFAULT 0")
        return None


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_organisations_and_thresholds"),
    ]

    operations = [
        # Public intake without a valid proof of work (tuidang/web/proof_of_work.py).
        AddColumnInPlace(
            model_name="declaration",
            name="unproven",
            field=models.BooleanField(default=False),
        ),
    ]
