"""`manage.py catalogues`: extract, merge and compile the twelve catalogues (make messages).

manage.py catalogues            extract, merge into every .po, compile every .mo
manage.py catalogues --compile  only compile (after editing a .po by hand)
manage.py catalogues --check    list every string some language lacks; exit 1 if any
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clienteling.catalogues import catalogue_gaps, catalogues_compile, catalogues_update


class Command(BaseCommand):
    help = (
        "Extract, merge and compile the translation catalogues under locale/ (no gettext needed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compile", action="store_true", help="Only compile .po into .mo.")
        parser.add_argument("--check", action="store_true", help="Fail on any missing translation.")
        parser.add_argument("-l", "--language", action="append", help="Only this language.")

    def handle(self, *args: Any, **options: Any) -> None:
        languages = options["language"]
        if options["check"]:
            gaps = catalogue_gaps(languages)
            for gap in gaps:
                self.stdout.write(str(gap))
            if gaps:
                raise CommandError(f"{len(gaps)} gap(s) in the catalogues.")
            self.stdout.write("Every catalogue is complete.")
            return
        if options["compile"]:
            catalogues_compile(languages)
            self.stdout.write("Compiled.")
            return
        for language, (done, total) in catalogues_update(languages).items():
            self.stdout.write(f"{language:8} {done}/{total} translated")
