"""The contracts: gen/ matches proto/, and every service follows the naming rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from google.protobuf import descriptor

from drishya.analysis.v1 import analysis_service_pb2
from drishya.delivery.v1 import delivery_service_pb2
from drishya.generation.v1 import generation_service_pb2
from drishya.language.v1 import language_service_pb2
from drishya.moderation.v1 import moderation_service_pb2
from drishya.prompt.v1 import prompt_service_pb2

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    analysis_service_pb2,
    delivery_service_pb2,
    generation_service_pb2,
    language_service_pb2,
    moderation_service_pb2,
    prompt_service_pb2,
]


def test_generated_stubs_are_fresh() -> None:
    proc = subprocess.run(
        [sys.executable, "scripts/gen_protos.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_rpc_has_its_own_request_and_response() -> None:
    seen: set[str] = set()
    for mod in MODULES:
        (service,) = mod.DESCRIPTOR.services_by_name.values()
        assert service.name.endswith("Service")
        assert service.full_name.startswith("drishya.") and ".v1." in service.full_name
        for m in service.methods:
            assert m.input_type.name == f"{m.name}Request"
            assert m.output_type.name == f"{m.name}Response"
            seen.add(m.full_name)
    assert len(seen) >= 13


def test_enums_start_with_unspecified_zero() -> None:
    for mod in MODULES:
        files: list[descriptor.FileDescriptor] = [mod.DESCRIPTOR, *mod.DESCRIPTOR.dependencies]
        for f in files:
            for enum in f.enum_types_by_name.values():
                zero = enum.values_by_number[0].name
                assert zero.endswith("_UNSPECIFIED"), (f.name, enum.name, zero)
