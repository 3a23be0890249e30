"""Consent has one door: no app outside consent/ reads consent records itself."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from consent.privacy import erasure_steps, export_sections

ROOT = Path(settings.BASE_DIR)
APPS = ("catalog", "clients", "stylists", "recommendations", "clienteling")
# The model, its reverse accessor, or a raw query on its table.
DIRECT_READ = re.compile(r"\bConsentRecord\b|\bconsent_records\b|consent_consentrecord")
# Exempt, with the reason. Keep this list short.
EXEMPT = {
    # The demo loader bulk-inserts years of historic consent for thousands of clients
    # (and empties the tables on reset); it writes, it never reads consent to decide.
    "clienteling/demo/",
}


def test_no_app_outside_consent_reads_consent_records():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if "migrations" in path.parts or relative.startswith(tuple(EXEMPT)):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DIRECT_READ.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "Ask consent.policy instead of reading records:\n" + "\n".join(
        offenders
    )


def test_the_check_would_catch_a_direct_read():
    assert DIRECT_READ.search("from consent.models import ConsentRecord")
    assert DIRECT_READ.search("client.consent_records.first()")
    assert not DIRECT_READ.search("from consent.admin import ConsentRecordInline")


def test_every_app_holding_client_data_registered_its_privacy_parts():
    sections = {section.name for section in export_sections()}
    steps = {step.name for step in erasure_steps()}
    assert {
        "profile",
        "identities",
        "consent_history",
        "occasions",
        "orders",
        "interactions",
        "wishlist",
        "notes",
        "messages",
        "appointments",
        "styling_requests",
        "lookbooks",
        "staff_access",
        "account",
    } <= sections
    assert {
        "identities",
        "notes",
        "messages",
        "occasions",
        "interactions",
        "wishlist",
        "styling_requests",
        "appointments",
        "lookbooks",
        "model_factors",
        "account",
        "profile",
        "exports",
        "consent",
    } <= steps
    # The client's own row is scrubbed last, after every step that reads it
    assert [step.name for step in erasure_steps()][-1] == "profile"
