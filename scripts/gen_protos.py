"""Regenerate the Python stubs in gen/ from proto/ with grpc_tools.protoc.

Usage: python scripts/gen_protos.py [--check]

With --check, generates into a temporary directory and exits 1 when gen/ differs
(a stale gen/ after a proto change). Never hand-edit gen/.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import google.rpc  # googleapis-common-protos ships google/rpc/*.proto
import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO = ROOT / "proto"
GEN = ROOT / "gen"


def generate(out: Path) -> None:
    """Run protoc for every .proto under proto/ into ``out``; raises SystemExit on failure."""
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(str(p.relative_to(PROTO)) for p in PROTO.rglob("*.proto"))
    includes = [
        str(PROTO),
        str(Path(grpc_tools.__file__).parent / "_proto"),
        str(Path(next(iter(google.rpc.__path__))).parent.parent),
    ]
    args = ["protoc", *(f"-I{i}" for i in includes)]
    args += [f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}", *files]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for pkg in {p.parent for p in out.rglob("*_pb2.py")}:
        d = pkg
        while d != out:
            (d / "__init__.py").touch()
            d = d.parent


def _tree(d: Path) -> dict[str, Path]:
    return {str(p.relative_to(d)): p for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def main() -> int:
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            want, have = _tree(Path(tmp)), _tree(GEN) if GEN.exists() else {}
            stale = sorted(
                k
                for k in want.keys() | have.keys()
                if k not in want or k not in have or not filecmp.cmp(want[k], have[k], shallow=False)
            )
        if stale:
            print("gen/ is stale; run `make gen`. Differs:", *stale, sep="\n  ")
            return 1
        print("gen/ is fresh")
        return 0
    if GEN.exists():
        shutil.rmtree(GEN)
    generate(GEN)
    print(f"generated {len(list(GEN.rglob('*_pb2.py')))} modules in gen/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
