"""The walls of docs/architecture.md, checked: floors name every module, the plumbing
stands alone, and no module or function grows past what a newcomer can read.

`lint-imports` (make lint) checks that imports point down; these tests check
that nothing escapes it by being new, and the size rules the contracts cannot.
"""

from __future__ import annotations

import ast
import configparser
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "catalog",
    "clients",
    "consent",
    "stylists",
    "recommendations",
    "accounts",
    "concierge",
    "clienteling",
)
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
# A function that must stay whole says why on the line above its `def`
# (or above its first decorator): "# whole: <reason>".
WHOLE = re.compile(r"#\s*whole:\s*\S")


def _contracts() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    return parser


def _floor_modules() -> list[str]:
    layers = _contracts()["importlinter:contract:floors"]["layers"]
    return [m.strip() for line in layers.splitlines() for m in line.split(":") if m.strip()]


def _app_sources() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_app_module_stands_on_a_floor() -> None:
    """A module no floor names would escape lint-imports: name it in .importlinter."""
    floors = _floor_modules()

    def on_a_floor(module: str) -> bool:
        return any(module == f or module.startswith(f + ".") for f in floors)

    packages = set(APPS)
    homeless = [
        _module_name(path)
        for path in _app_sources()
        if _module_name(path) not in packages and not on_a_floor(_module_name(path))
    ]
    assert homeless == []


def test_no_module_stands_on_two_floors() -> None:
    floors = _floor_modules()
    assert len(floors) == len(set(floors))


def test_the_floors_list_every_app_in_order() -> None:
    """The contract's order is the one docs/architecture.md draws."""
    tops = [m.split(".")[0] for m in _floor_modules()]
    first_seen = list(dict.fromkeys(t for t in tops if t in ("core", "catalog", "clienteling")))
    assert first_seen == ["clienteling", "catalog", "core"]
    assert set(tops) == set(APPS)


def test_plumbing_imports_without_celery_or_any_app() -> None:
    """core is the bottom floor: importing it builds no Celery app and loads no Atelier app."""
    modules = sorted(
        _module_name(p) for p in (ROOT / "core").glob("*.py") if p.name != "__init__.py"
    )
    code = (
        "import sys\n"
        "from django.conf import settings\n"
        "settings.configure()  # bare Django: no INSTALLED_APPS, no Celery\n"
        f"for name in {modules!r}: __import__(name)\n"
        f"apps = {list(APPS[1:])!r}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in apps or m == 'celery')\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, our own code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "", "PATH": ""},
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("path", _app_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_readable(path: Path) -> None:
    source = path.read_text()
    lines = source.splitlines()
    assert len(lines) <= MAX_MODULE_LINES, f"{path.name}: split it into a package"
    too_long = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        first = min([d.lineno for d in node.decorator_list] + [node.lineno])
        said_why = first >= 2 and WHOLE.search(lines[first - 2])
        if length > MAX_FUNCTION_LINES and not said_why:
            too_long.append(f"{node.name} ({length} lines, line {node.lineno})")
    assert too_long == []
