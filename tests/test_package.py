"""The package as users get it: light to import, and a wheel that works with no source checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_import_and_help_load_neither_spacy_nor_sklearn():
    loaded = _run(
        "import sys, cvclassify\n"
        "from cvclassify.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0 and 'suggest' in r.output, r.output\n"
        "print(sorted(m for m in ('spacy', 'sklearn', 'scipy', 'joblib') if m in sys.modules))"
    )
    assert loaded.strip() == "[]"


@pytest.mark.slow
def test_prediction_path_imports_no_training_evaluation_or_bench_code():
    loaded = _run(
        "import sys\n"
        "from cvclassify import Classifier\n"
        "Classifier.load().suggest('Ateliers sociolinguistiques pour les mères', k=3)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'bench' or m in "
        "('cvclassify.training', 'cvclassify.evaluation.evaluate', 'cvclassify.evaluation.metrics', "
        "'cvclassify.evaluation.report', 'iterstrat')))"
    )
    assert loaded.strip() == "[]"


@pytest.mark.slow
def test_the_wheel_works_from_any_folder_without_a_checkout(tmp_path):
    """Build the wheel, install it (not editable) in a new environment, run the CLI from elsewhere."""
    dist = tmp_path / "dist"
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # a stale build/ of an earlier layout would leak into the wheel
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("cvclassify-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "cvclassify").rglob("__init__.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names, "a subpackage is missing from pyproject's list"
    assert "cvclassify/_home/cvclassify.toml" in names
    assert any(n.endswith("/model.joblib") for n in names)

    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    purelib = subprocess.run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies come from this environment (a path line, not a site dir: its editable finder stays out).
    (Path(purelib) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CVCLASSIFY_HOME"}
    run = {"cwd": elsewhere, "env": env, "capture_output": True, "text": True}
    suggest = subprocess.run([str(bin_dir / "cvclassify"), "suggest", "--json",
                              "Ateliers sociolinguistiques pour des mères primo-arrivantes"], **run)
    assert suggest.returncode == 0, suggest.stderr
    assert '"code": "2.11.1"' in suggest.stdout
    where = subprocess.run([str(bin_dir / "python"), "-c", "import cvclassify.projects as p; print(p.data_home())"],
                           **run).stdout.strip()
    assert where.startswith(purelib) and where.endswith("_home")
    objectives = subprocess.run([str(bin_dir / "cvclassify"), "objectives"], **run)
    assert objectives.returncode == 0 and "1.1.1 – Améliorer la sécurité" in objectives.stdout
