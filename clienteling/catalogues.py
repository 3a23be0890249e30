"""The twelve catalogues under locale/: extract, update, compile and check, in pure Python.

`make messages` (manage.py catalogues) extracts every string marked for
translation from the templates and the Python code (Django's own template
reader, Babel's Python extractor: no GNU gettext needed), merges it into each
locale/<lang>/LC_MESSAGES/django.po and compiles the .mo beside it; both are
committed, so a fresh clone runs without gettext. `catalogue_gaps()` is what
tests/foundation/test_translations.py asserts empty: a string a client can
see with no translation in some language fails the build.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

from core.grammar import ADVISOR_MASCULINE

# Babel's spec: name -> positions of (singular, plural, context) arguments.
KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "_": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# Where marked strings live: the project's own code and templates, not its
# dependencies, tests or migrations.
SKIP_DIRS = frozenset(
    {
        ".venv",
        ".git",
        "tests",
        "migrations",
        "locale",
        "node_modules",
        "static",
        "var",
        "staticfiles",
    }
)
DOMAIN = "django"
HEADER_COMMENT = (
    "# The client side of Atelier (Maison Verlaine), in one of its twelve languages.\n"
    "# `make messages` merges new strings in; translate in the house's voice: warm,\n"
    "# never familiar, the formal register (vous, Sie, usted, вы, 敬語). docs/i18n.md.\n"
    "#"
)
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Gap:
    language: str
    msgid: str
    problem: str  # "missing", "untranslated", "fuzzy", "format", "stale .mo"

    def __str__(self) -> str:
        return f"{self.language}: {self.problem}: {self.msgid!r}"


def base_dir() -> Path:
    return Path(settings.BASE_DIR)


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def _source_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIP_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        if path.suffix in {".py", ".html", ".txt"} and path.is_file():
            yield path


def _extract_file(
    path: Path, root: Path
) -> Iterator[tuple[str | tuple[str, ...], str | None, str]]:
    """(msgid or (singular, plural), context, "file:line") for each marked string in the file."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        if "gettext" not in source:
            return
        code = source
    else:
        if (
            "{% translate" not in source
            and "{% trans " not in source
            and "blocktrans" not in source
        ):
            return
        # templatize writes gettext() calls among X and B filler; Python's
        # tokenizer wants no indentation in it, only the calls.
        code = "\n".join(line.lstrip() for line in templatize(source, origin=str(path)).split("\n"))
    where = str(path.relative_to(root))
    for lineno, message, _comments, context in extract(
        "python", io.BytesIO(code.encode("utf-8")), keywords=KEYWORDS, comment_tags=("Translators",)
    ):
        yield message, context, f"{where}:{lineno}"


def extract_messages(root: Path | None = None) -> Catalog:
    """Every string marked for translation in the project, as a template catalogue.

    A sentence that names an advisor is there twice: as written, and under the
    context core.grammar.ADVISOR_MASCULINE for a client whose advisor is a man
    (the same words, in a language that does not mark it).
    """
    root = root or base_dir()
    catalog = Catalog(project="Atelier", charset="utf-8", fuzzy=False)
    for path in _source_files(root):
        for message, context, where in _extract_file(path, root):
            file, line = where.rsplit(":", 1)
            locations = [(file, int(line))]
            catalog.add(message, None, locations=locations, context=context)
            if context is None and names_an_advisor(message):
                catalog.add(message, None, locations=locations, context=ADVISOR_MASCULINE)
    return catalog


def names_an_advisor(message: str | tuple[str, ...]) -> bool:
    """Whether the sentence speaks of an advisor, so has a masculine twin."""
    texts = (message,) if isinstance(message, str) else message
    return any("advisor" in text.lower() for text in texts)


def po_path(language: str) -> Path:
    return locale_dir() / translation.to_locale(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=translation.to_locale(language), domain=DOMAIN)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, include_lineno=False)
    with path.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)


def _languages(languages: Iterable[str] | None) -> list[str]:
    return list(languages) if languages else [code for code, _ in settings.LANGUAGES]


def catalogues_update(languages: Iterable[str] | None = None) -> dict[str, tuple[int, int]]:
    """Merge the extracted strings into each .po (new ones untranslated) and compile the .mo.

    English copies the source. Returns {language: (translated, total)}.
    """
    template = extract_messages()
    counts: dict[str, tuple[int, int]] = {}
    for language in _languages(languages):
        path = po_path(language)
        locale = translation.to_locale(language)
        if path.exists():
            catalog = _read(path, language)
        else:
            catalog = Catalog(
                locale=locale,
                domain=DOMAIN,
                project="Atelier",
                version="1",
                copyright_holder="Maison Verlaine",
                msgid_bugs_address="atelier-i18n@maison-verlaine.example",
                last_translator="Maison Verlaine client services",
                language_team=f"Maison Verlaine ({language})",
                header_comment=HEADER_COMMENT,
                fuzzy=False,
            )
        # A copy each time: update() shares the template's messages, and English fills them in.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.revision_date = dt.datetime.now(dt.UTC)
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id
        _write(catalog, path)
        counts[language] = _count(catalog)
    return counts


def catalogues_compile(languages: Iterable[str] | None = None) -> None:
    """Compile each .po into its .mo (after translators edited the .po)."""
    for language in _languages(languages):
        path = po_path(language)
        catalog = _read(path, language)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def _translated(message: Message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def _count(catalog: Catalog) -> tuple[int, int]:
    messages = [m for m in catalog if m.id]
    return sum(1 for m in messages if _translated(m) and not m.fuzzy), len(messages)


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return msgid, message.context


def catalogue_gaps(languages: Iterable[str] | None = None) -> list[Gap]:
    """Every marked string some language lacks, leaves fuzzy, mistranslates a placeholder of,
    or has not compiled into its .mo."""
    template = extract_messages()
    gaps: list[Gap] = []
    for language in _languages(languages):
        path = po_path(language)
        if not path.exists():
            gaps.append(Gap(language, "*", "missing catalogue"))
            continue
        catalog = _read(path, language)
        for wanted in template:
            if not wanted.id:
                continue
            msgid, context = _key(wanted)
            found = catalog.get(msgid, context=context)
            if found is None:
                gaps.append(Gap(language, msgid, "missing"))
            elif found.fuzzy:
                gaps.append(Gap(language, msgid, "fuzzy"))
            elif not _translated(found):
                gaps.append(Gap(language, msgid, "untranslated"))
        for message, errors in catalog.check():
            for error in errors:
                gaps.append(Gap(language, _key(message)[0], f"format: {error}"))
        gaps.extend(_stale_mo(catalog, path, language))
    return gaps


def _text(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (list, tuple)) else (str(string or ""),)


def _stale_mo(catalog: Catalog, path: Path, language: str) -> list[Gap]:
    mo = path.with_suffix(".mo")
    if not mo.exists():
        return [Gap(language, "*", "stale .mo (not compiled: run make messages)")]
    with mo.open("rb") as fh:
        compiled = read_mo(fh)
    have = {(_key(m), _text(m)) for m in compiled if m.id}
    want = {(_key(m), _text(m)) for m in catalog if m.id and _translated(m) and not m.fuzzy}
    if have != want:
        return [Gap(language, "*", "stale .mo (the .po changed: run make messages)")]
    return []
