"""Writes to consent, one module per flow; the public names are re-exported here.

- consent: appending consent records, publishing policy versions, change handlers
- exports: the client's archive (requested, built by a task, downloaded once)
- erasure: erasing a client's personal data everywhere
- access_log: the staff access log
- registrations: consent's own sections and steps in the privacy registry
"""

from consent.services.access_log import access_log_record, access_log_record_bulk
from consent.services.consent import (
    ConsentChange,
    ConsentChangeHandler,
    ConsentError,
    ConsentGrant,
    consent_apply_stricter,
    consent_change_handlers,
    consent_record,
    consent_record_bulk,
    consent_revoke_channel,
    policy_translation_publish,
    policy_version_publish,
    register_consent_change_handler,
    tier_is_lower,
)
from consent.services.erasure import privacy_erase
from consent.services.exports import (
    ExportDownload,
    ExportGone,
    PrivacyError,
    export_signer,
    privacy_archive,
    privacy_export_build,
    privacy_export_download,
    privacy_export_for_token,
    privacy_export_request,
    privacy_export_token,
    privacy_exports_expire,
)
from consent.services.registrations import register_privacy

__all__ = [
    "ConsentChange",
    "ConsentChangeHandler",
    "ConsentError",
    "ConsentGrant",
    "ExportDownload",
    "ExportGone",
    "PrivacyError",
    "access_log_record",
    "access_log_record_bulk",
    "consent_apply_stricter",
    "consent_change_handlers",
    "consent_record",
    "consent_record_bulk",
    "consent_revoke_channel",
    "export_signer",
    "policy_translation_publish",
    "policy_version_publish",
    "privacy_archive",
    "privacy_erase",
    "privacy_export_build",
    "privacy_export_download",
    "privacy_export_for_token",
    "privacy_export_request",
    "privacy_export_token",
    "privacy_exports_expire",
    "register_consent_change_handler",
    "register_privacy",
    "tier_is_lower",
]
