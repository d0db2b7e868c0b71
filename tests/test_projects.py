"""Projects and model versions in a data home: config, immutable versions, atomic switch, listing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cvclassify.errors import ProjectError
from cvclassify.projects import CONFIG_FILE, Home, bundled_home, data_home, open_project, source_checkout

from .conftest import FIXTURES, ROOT

CONFIG = """
default_project = "essai"

[projects.essai]
title = "Projet d'essai"
taxonomy = "objectives/metz-2015-2020.json"
corpus = "proposals"
heldout = "heldout.txt"
models = "models/essai"
"""


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    """A small data home: the Metz tree, the 21 fixture proposals, 5 of them held out."""
    (tmp_path / "objectives").mkdir()
    for name in ("metz-2015-2020.json", "metz-2015-2020.lexicon.yaml"):
        shutil.copy(ROOT / "corpus" / "objectives" / name, tmp_path / "objectives" / name)
    shutil.copytree(FIXTURES, tmp_path / "proposals")
    ids = [json.loads(line)["id"] for line in (FIXTURES / "proposals.jsonl").read_text(encoding="utf-8").splitlines()]
    (tmp_path / "heldout.txt").write_text("\n".join(ids[::4]) + "\n", encoding="utf-8")
    (tmp_path / CONFIG_FILE).write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("CVCLASSIFY_HOME", str(tmp_path))
    return tmp_path


def test_the_home_is_the_env_variable_else_the_checkout(home, monkeypatch):
    assert data_home() == home
    monkeypatch.delenv("CVCLASSIFY_HOME")
    assert data_home() == source_checkout() == ROOT
    assert Home.open().default_project == "metz-2015-2020"


def test_bad_configurations_get_clear_errors(tmp_path):
    with pytest.raises(ProjectError, match="cvclassify projects init"):
        Home.open(tmp_path)
    (tmp_path / CONFIG_FILE).write_text("default_project = \n", encoding="utf-8")
    with pytest.raises(ProjectError, match="TOML"):
        Home.open(tmp_path)
    (tmp_path / CONFIG_FILE).write_text('[projects.a]\ntaxonomy = "t.json"\nmodel = "x"\n', encoding="utf-8")
    with pytest.raises(ProjectError, match="unknown key"):
        Home.open(tmp_path)
    (tmp_path / CONFIG_FILE).write_text('[projects.a]\ntaxonomy = "t.json"\n', encoding="utf-8")
    with pytest.raises(ProjectError, match="Projet 'b' inconnu"):
        Home.open(tmp_path).project("b")
    with pytest.raises(ProjectError, match="pas encore de modèle"):
        Home.open(tmp_path).project("a").current_version()


@pytest.mark.slow
def test_train_writes_immutable_versions_and_switches_the_current_one(home):
    from cvclassify import Classifier
    from cvclassify.cli import app

    runner = CliRunner()
    first = runner.invoke(app, ["train", "--cv-folds", "2"])
    assert first.exit_code == 0, first.output
    project = open_project()
    v1 = project.current_version()
    card = json.loads((project.models_dir / v1 / "model-card.json").read_text(encoding="utf-8"))
    assert card["project"] == "essai" and card["metrics"]["heldout_proposals"] == 6
    assert (project.models_dir / v1 / "metrics.json").is_file()

    import time

    time.sleep(1.1)  # versions are named by the second
    second = runner.invoke(app, ["train", "--cv-folds", "0"])
    assert second.exit_code == 0, second.output
    assert "candidate" in second.output
    versions = project.versions()
    assert versions[0].version == v1 and len(versions) == 2
    assert project.current_version() == v1  # a new version is a candidate until promoted
    v2 = versions[1].version

    listed = json.loads(runner.invoke(app, ["models", "list", "--json"]).output)
    assert [(r["version"], r["current"]) for r in listed] == [(v1, True), (v2, False)]
    assert listed[0]["heldout"]["leaf"]["documents"] == 6

    assert runner.invoke(app, ["models", "use", v2]).exit_code == 0
    assert Classifier.load().card.version == v2
    assert Classifier.load(project="essai", version=v1).card.version == v1
    with pytest.raises(ProjectError, match="inconnue"):
        Classifier.load(version="1999.01.01-000000")
    with pytest.raises(ProjectError, match="ne se réécrit pas"):
        project.new_version_dir(v1)


def test_the_bundled_home_is_read_only():
    home = Home(bundled_home(), "metz-2015-2020", {})
    from cvclassify.projects import Project

    project = Project("metz-2015-2020", home.root, models="models/metz-2015-2020")
    with pytest.raises(ProjectError, match="CVCLASSIFY_HOME"):
        project.new_version_dir("2026.01.01-000000")


def test_projects_init_copies_a_working_home(tmp_path, monkeypatch):
    from cvclassify.cli import app

    monkeypatch.delenv("CVCLASSIFY_HOME", raising=False)
    target = tmp_path / "home"
    result = CliRunner().invoke(app, ["projects", "init", str(target)])
    assert result.exit_code == 0, result.output
    copied = Home.open(target).project()
    original = Home.open().project()
    assert copied.current_version() == original.current_version()
    size = (original.version_dir() / "model.joblib").stat().st_size
    assert (copied.version_dir() / "model.joblib").stat().st_size == size
    assert copied.taxonomy_path.with_name("metz-2015-2020.lexicon.yaml").is_file()
    assert len(list(copied.corpus_dir.glob("*.jsonl"))) == len(list(original.corpus_dir.glob("*.jsonl")))


def test_a_retrain_keeps_the_current_versions_backend(home):
    from cvclassify.cli import _current_backend

    assert _current_backend(None) == "linear"  # no version yet
    version = home / "models" / "essai" / "2026.01.02-030405"
    version.mkdir(parents=True)
    (version / "model-card.json").write_text(json.dumps({"params": {"backend": "ensemble"}}), encoding="utf-8")
    (home / "models" / "essai" / "CURRENT").write_text("2026.01.02-030405\n", encoding="utf-8")
    assert _current_backend(None) == "ensemble"
    (version / "model-card.json").write_text(json.dumps({"params": {"backend": "transfer"}}), encoding="utf-8")
    assert _current_backend(None) == "linear"  # a cold start's transfer model is retrained as linear
