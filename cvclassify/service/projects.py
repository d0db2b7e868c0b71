"""New projects: a territory's tree imported into the data home, with a cold-start model, in one step."""

from __future__ import annotations

import shutil
from pathlib import Path

from cvclassify.coldstart import propose_national, train_cold_start
from cvclassify.corpus import load_corpus
from cvclassify.errors import CorpusError, ProjectError
from cvclassify.model.classifier import Classifier
from cvclassify.projects import Home, Project, add_project, check_project_name, project_entry
from cvclassify.taxonomy import save_taxonomy
from cvclassify.taxonomy.importing import import_tree


def create_project(name: str, tree_file: Path, title: str = "", source: str | None = None,
                   home: Home | None = None) -> tuple[Project, str]:
    """Add a project to the data home from its tree (a contract or a spreadsheet) with a cold-start model learnt
    from ``source`` (default: the default project). Returns the project and how the tree was read. Nothing is
    left behind when a step fails; the project exists once ``cvclassify.toml`` names it (the last step)."""
    home = home or Home.open()
    check_project_name(home, name)
    home.project(home.default_project).check_writable()
    how, tree = import_tree(tree_file, name)
    if len(tree.leaves) < 2:
        raise ProjectError(f"L'arbre de « {tree_file.name} » n'a que {len(tree.leaves)} code : il en faut au moins "
                           "deux pour classer.")
    entry = project_entry(name, title or name)
    created = [home.root / entry["taxonomy"], home.root / f"corpus/projects/{name}", home.root / entry["models"]]
    for path in created:
        if path.exists():
            raise ProjectError(f"« {path} » existe déjà : le projet « {name} » a laissé des fichiers ; retirez-les ou "
                               "choisissez un autre nom.")
    try:
        source_project = home.project(source)
        source_model = Classifier.load(source_project.version_dir())
        model = cold_start_model(tree, source_project, source_model)
        tree = propose_national(tree, model, source_model)
        model = Classifier(model.backend, model.decision, tree, model.card, model.transversal)
        save_taxonomy(tree, home.root / entry["taxonomy"])
        (home.root / entry["corpus"]).mkdir(parents=True)
        (home.root / entry["heldout"]).write_text("", encoding="utf-8")
        project = Project(name=name, home=home.root, **entry)
        staging = project.new_version_dir(model.card.version)
        model.card.project = name
        model.save(staging)
        project.publish(staging, model.card.version, make_current=True)
        return add_project(home, name, entry), how
    except BaseException:
        for path in created:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise


def cold_start_model(tree, source: Project, source_model: Classifier) -> Classifier:
    """A cold-start model of ``tree`` from a source project's current model and every labelled proposal."""
    try:
        proposals = load_corpus(source.corpus_dir).proposals
    except CorpusError:
        proposals = []
    return train_cold_start(tree, source_model, proposals, source_project=source.name)
