"""The wheel carries the ontology, shapes, queries and context, and works outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from pathlib import Path
import comet_cn
from comet_cn.resources import data_dir, ontology_graph, shapes_graph, context_document, query_files
from comet_cn import ontology_index, shape_needs
checkout = Path(sys.argv[1]).resolve()
paths = [Path(comet_cn.__file__).resolve()]
paths += [Path(str(data_dir(kind))).resolve() for kind in ("ontology", "shapes", "queries")]
leaks = [str(p) for p in paths if checkout in p.parents]
print(json.dumps({
    "leaks": leaks,
    "ontology": len(ontology_graph()),
    "shapes": len(shapes_graph()),
    "queries": len(query_files()),
    "context_terms": len(context_document()["@context"]),
    # The shipped files a cold start reads instead of parsing: made from these very ontology and shapes files.
    "index_shipped": ontology_index._shipped() is not None,
    "plan_shipped": shape_needs.bundled_plan() is not None,
}))
"""


def _venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_finds_its_data_there(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("comet_cn-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "comet_cn/data/ontology/comet-cn.ttl",
        "comet_cn/data/ontology/comet-cn-context.jsonld",
        "comet_cn/data/ontology/catalog-v001.xml",
        "comet_cn/py.typed",
        "comet_cn/ontology_index.json",
        "comet_cn/shape_needs.json",
    ):
        assert required in names, f"{required} missing from the wheel"
    assert any(n.startswith("comet_cn/data/shapes/") and n.endswith(".ttl") for n in names)
    # WBCSD's licence asks software implementing the PACT specification to carry its notice, section 5 in full.
    (notice,) = [n for n in names if n.endswith("licenses/NOTICE")]
    assert "5.3" in zipfile.ZipFile(wheel).read(notice).decode("utf-8")
    assert any(n.startswith("comet_cn/data/queries/") and n.endswith(".rq") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(_venv_bin(venv, "python")), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    probe = subprocess.run(
        [str(_venv_bin(venv, "python")), "-c", PROBE, str(ROOT)],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    found = json.loads(probe.stdout)
    assert found["leaks"] == [], "the installed package reached into the checkout"
    assert found["ontology"] > 500 and found["shapes"] > 100 and found["queries"] >= 6
    assert found["context_terms"] > 100
    assert found["index_shipped"] and found["plan_shipped"]

    example = outside / "claim.jsonld"
    shutil.copy(ROOT / "examples" / "conforming-claim.jsonld", example)
    run = subprocess.run(
        [str(_venv_bin(venv, "cn-validate")), str(example)], cwd=outside, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "CONFORMS" in run.stdout
