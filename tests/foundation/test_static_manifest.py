"""The production static storage collects every file (`make serve` runs collectstatic).

ManifestStaticFilesStorage rewrites the URLs a CSS or JS file references (url(...),
sourceMappingURL) to their hashed names and fails when one is missing: a vendored
minified file whose source map was left behind stopped `make serve` once. Django's own
ManifestStaticFilesStorage does the same post-processing as whitenoise's compressed
variant, without the minutes of gzip and brotli.
"""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import override_settings


def test_every_static_file_collects_under_the_manifest_storage(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=storages):
        out = StringIO()
        call_command("collectstatic", interactive=False, verbosity=1, stdout=out)
    assert (tmp_path / "staticfiles.json").exists()
    assert "post-processed" in out.getvalue()
