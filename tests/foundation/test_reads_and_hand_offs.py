"""Flows go down: selectors call no service, and services hand work to tasks by name only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Reads: never a service (nor a task), even imported inside a function.
SELECTORS = ("recommendations/selectors", "stylists/selectors/messaging.py")
# Writes that hand work to Celery: by name (core.tasks), never by importing a tasks module.
SERVICES = ("stylists/services/messaging", "consent/services", "recommendations/services/review")


def _modules(*places: str) -> list[Path]:
    paths: list[Path] = []
    for place in places:
        path = ROOT / place
        paths.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return paths


def _imported(path: Path) -> list[str]:
    """Every module the file imports, at the top or lazily inside a function."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _offenders(paths: list[Path], refused: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in paths
        for name in _imported(path)
        if refused in name.split(".") and not name.startswith("core.")
    ]


@pytest.mark.parametrize("refused", ["services", "tasks"])
def test_selectors_call_no_service_and_no_task(refused):
    assert _offenders(_modules(*SELECTORS), refused) == []


def test_services_hand_work_to_tasks_by_name():
    assert _offenders(_modules(*SERVICES), "tasks") == []


def test_the_check_would_catch_a_lazy_import(tmp_path):
    module = tmp_path / "flow.py"
    module.write_text("def f():\n    from stylists.tasks import deliver_message\n")
    assert _imported(module) == ["stylists.tasks", "stylists.tasks.deliver_message"]
