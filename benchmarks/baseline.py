"""A module of this repository as it was at an earlier git revision, for before/after benchmarks."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def module_at(revision: str, source: str, into: Path) -> ModuleType:
    """The file ``source`` (a path from the repository root, such as
    ``services/delivery/packaging.py``) as of git ``revision``, written into the directory ``into``
    and imported as ``<stem>_baseline``.

    Raises:
        OSError: git cannot be run.
        subprocess.CalledProcessError: the revision or the file is not in the repository.
    """
    text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:{source}"], check=True, capture_output=True, text=True
    ).stdout
    name = f"{Path(source).stem}_baseline"
    path = into / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
