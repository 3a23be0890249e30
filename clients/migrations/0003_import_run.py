import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0002_initial"),
        ("stylists", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("kind", models.CharField(choices=[("clients", "Clients"), ("orders", "Orders")], max_length=10)),
                ("format", models.CharField(choices=[("atelier", "Atelier CSV (docs/imports.md)"), ("online-retail", "UCI Online Retail (raw)")], max_length=20)),
                ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("completed", "Completed"), ("failed", "Failed")], default="queued", max_length=10)),
                ("filename", models.CharField(blank=True, max_length=255)),
                ("file_size", models.PositiveBigIntegerField(default=0)),
                ("file_path", models.CharField(blank=True, max_length=300)),
                ("dry_run", models.BooleanField(default=False)),
                ("origin", models.CharField(default="admin", help_text="admin or command", max_length=10)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("rows_read", models.PositiveIntegerField(default=0)),
                ("rows_accepted", models.PositiveIntegerField(default=0)),
                ("rows_rejected", models.PositiveIntegerField(default=0)),
                ("report", models.JSONField(blank=True, default=dict)),
                ("error", models.TextField(blank=True, help_text="Why the whole file was refused or stopped")),
                ("assign_to", models.ForeignKey(blank=True, help_text="New clients go into this advisor's book.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="stylists.stylist")),
                ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["status", "-created_at"], name="clients_imp_status_99b78d_idx")],
            },
        ),
    ]
