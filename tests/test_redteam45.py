"""Red team 45 and the follow-ups of red team 44: each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import import_records

# ---- Imports: an Isometric retirement sharing units with one left out ----
# Before: a retirement left out (a regulatory use, a timestamp that does not read) named no units, so a kept
# retirement of the same credit batch was imported whole and the claim conformed with units used for compliance.


def _isometric(path: Path, purposes: list[str], serial: str) -> Path:
    def retirement(identity: str, uses: list[str]) -> dict[str, Any]:
        return {"retirement_id": identity, "retired_at": "2025-03-20T09:30:00Z", "purposes": uses, "notes": "",
                "beneficiary": {"name": "Acme Ceramics GmbH"}, "sequestered_on": "2023-10-30",
                "credit_batch_size_total": {"credits": 12, "credit_kgs": 12000}}  # fmt: skip

    document = {
        "retirements": [retirement("ret_A", ["corporate_targets"]), retirement("ret_B", purposes)],
        "credit_batches": [
            {"serial_number": "ISO-1-DACS-ISL-Q7R2-2023-1-12", "status": "retired", "retirement_id": "ret_A"},
            {"serial_number": serial, "status": "retired", "retirement_id": "ret_B"},
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_an_isometric_retirement_sharing_units_with_a_compliance_use_is_refused(tmp_path: Path) -> None:
    shared = _isometric(tmp_path / "iso.json", ["regulatory_requirement"], "ISO-1-DACS-ISL-Q7R2-2023-5-16")
    with pytest.raises(InputError, match=r"retires units 5-12 .*regulatory"):
        import_records("isometric", shared)
    apart = _isometric(tmp_path / "apart.json", ["regulatory_requirement"], "ISO-1-DACS-ISL-Q7R2-2023-13-24")
    result = import_records("isometric", apart)
    assert result.selected == 1 and any("regulatory" in line for line in result.excluded)
