"""Projects and model versions, kept in a data home.

A project is one territory's objective tree, its labelled corpus and its trained models. The data
home holds ``cvclassify.toml``, which lists the projects and names the default one::

    default_project = "metz-2015-2020"

    [projects.metz-2015-2020]
    title = "Metz Métropole — Contrat de Ville 2015-2020"
    taxonomy = "corpus/objectives/metz-2015-2020.json"   # paths are relative to the home
    corpus = "corpus/proposals"
    heldout = "corpus/splits/heldout.txt"
    models = "models/metz-2015-2020"

A project's models folder holds one folder per immutable version (``2026.11.29-140312/`` with
``model.joblib``, ``model-card.json``, ``metrics.json``) and a ``CURRENT`` file naming the version in
use, switched atomically. The data home is, in order: ``$CVCLASSIFY_HOME``; the source checkout the
package runs from; the read-only copy of the default project bundled inside an installed package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cvclassify.errors import ProjectError

CONFIG_FILE = "cvclassify.toml"
CURRENT_FILE = "CURRENT"
_PACKAGE_DIR = Path(__file__).resolve().parent
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def bundled_home() -> Path:
    """The copy of the default project shipped inside the package (read-only)."""
    return _PACKAGE_DIR / "_home"


def source_checkout() -> Path | None:
    """The repository root when the package runs from a source checkout, else None."""
    root = _PACKAGE_DIR.parent
    if (root / CONFIG_FILE).is_file() and (root / "pyproject.toml").is_file():
        return root
    return None


def data_home() -> Path:
    """``$CVCLASSIFY_HOME``, else the source checkout, else the bundled default project."""
    env = os.environ.get("CVCLASSIFY_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return source_checkout() or bundled_home()


@dataclass
class ModelVersion:
    """One trained model of a project, as listed by ``cvclassify models list``."""

    version: str
    path: Path
    current: bool
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def heldout(self) -> dict[str, Any]:
        """The held-out metrics of the version's card."""
        return self.card.get("metrics", {}).get("heldout", {})


@dataclass
class Project:
    """One territory: its tree, its corpus, its held-out split and its model versions."""

    name: str
    home: Path
    title: str = ""
    taxonomy: str = ""
    corpus: str = ""
    heldout: str = ""
    models: str = ""
    places: str = ""
    """Optional file of place names (one folded lemma per line, # comments) left out of lemma features."""
    crosswalks: str = ""
    """Optional folder of crosswalks from other projects' codes to this project's (``SOURCE__NAME.csv``)."""
    imports: str = ""
    """Folder of the team's imported history (``cvclassify corpus import``; default ``corpus/imports/NAME``),
    always in this project's codes."""
    corpus_coding: str = ""
    """The project whose codes the corpus carries, when it is not this one (its proposals are mapped through the
    crosswalk ``crosswalks/CORPUS_CODING__NAME.csv``)."""

    def _path(self, value: str, what: str) -> Path:
        if not value:
            raise ProjectError(f"Project {self.name!r} has no {what} in {self.home / CONFIG_FILE}.")
        return (self.home / value).resolve()

    def place_names(self) -> tuple[str, ...]:
        """The project's place names (empty when it declares none)."""
        if not self.places:
            return ()
        path = self._path(self.places, "places")
        if not path.is_file():
            raise ProjectError(f"Fichier de noms de lieux introuvable pour {self.name!r} : {path}.")
        lines = path.read_text(encoding="utf-8").splitlines()
        return tuple(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))

    @property
    def taxonomy_path(self) -> Path:
        """The project's tree file."""
        return self._path(self.taxonomy, "taxonomy")

    @property
    def corpus_dir(self) -> Path:
        """The project's folder of labelled proposals."""
        return self._path(self.corpus, "corpus")

    @property
    def imports_dir(self) -> Path:
        """The project's folder of imported history (may not exist yet)."""
        return self._path(self.imports or f"corpus/imports/{self.name}", "imports")

    @property
    def heldout_path(self) -> Path:
        """The project's held-out split file."""
        return self._path(self.heldout, "heldout")

    @property
    def models_dir(self) -> Path:
        """The project's folder of model versions."""
        return self._path(self.models or f"models/{self.name}", "models")

    # -- versions ----------------------------------------------------------------------------
    def current_version(self) -> str:
        """The version in use; raises ProjectError when the project has none."""
        marker = self.models_dir / CURRENT_FILE
        if not marker.is_file():
            raise ProjectError(
                f"Le projet {self.name!r} n'a pas encore de modèle ({marker} absent). "
                "Construisez-le avec `cvclassify train`."
            )
        return marker.read_text(encoding="utf-8").strip()

    def version_dir(self, version: str | None = None) -> Path:
        """Folder of a version (default: the current one)."""
        version = version or self.current_version()
        path = self.models_dir / version
        if not _VERSION.match(version) or not path.is_dir():
            known = ", ".join(v.version for v in self.versions()) or "aucune"
            raise ProjectError(f"Version {version!r} inconnue pour le projet {self.name!r} (versions : {known}).")
        return path

    def versions(self) -> list[ModelVersion]:
        """Every version, oldest first, with its card."""
        if not self.models_dir.is_dir():
            return []
        try:
            current = self.current_version()
        except ProjectError:
            current = ""
        found = []
        for path in sorted(p for p in self.models_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            card_file = path / "model-card.json"
            card = json.loads(card_file.read_text(encoding="utf-8")) if card_file.is_file() else {}
            found.append(ModelVersion(path.name, path, path.name == current, card))
        return found

    def new_version_dir(self, version: str) -> Path:
        """A fresh, empty folder for a version being written; ``publish`` makes it a version."""
        self.check_writable()
        if (self.models_dir / version).exists():
            raise ProjectError(f"La version {version!r} existe déjà pour le projet {self.name!r} : "
                               "une version ne se réécrit pas.")
        staging = self.models_dir / f".{version}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        return staging

    def publish(self, staging: Path, version: str, make_current: bool = True) -> Path:
        """Rename a written staging folder into an immutable version; switch CURRENT to it atomically."""
        final = self.models_dir / version
        os.replace(staging, final)
        if make_current:
            self.use(version)
        return final

    def use(self, version: str) -> None:
        """Make ``version`` the current one (atomic: readers see the old or the new, never half)."""
        from cvclassify.io import atomic_write_text

        self.check_writable()
        self.version_dir(version)
        atomic_write_text(self.models_dir / CURRENT_FILE, version + "\n")

    def check_writable(self) -> None:
        """Refuse, in French, to write into the read-only home bundled with the package."""
        if self.home == bundled_home().resolve():
            raise ProjectError(
                "Le projet fourni avec le paquet est en lecture seule. Indiquez un dossier de données "
                "inscriptible avec la variable CVCLASSIFY_HOME (voir `cvclassify projects init`)."
            )


def new_version_name(now: datetime | None = None) -> str:
    """A version name from the training time, sortable: ``2026.11.29-140312``."""
    return (now or datetime.now(UTC)).strftime("%Y.%m.%d-%H%M%S")


@dataclass
class Home:
    """A data home and its configuration."""

    root: Path
    default_project: str
    projects: dict[str, Project]

    @classmethod
    def open(cls, root: Path | None = None) -> Home:
        """Read a data home's ``cvclassify.toml`` (default: the data home in use)."""
        root = (root or data_home()).resolve()
        config = root / CONFIG_FILE
        if not config.is_file():
            raise ProjectError(
                f"Aucun fichier {CONFIG_FILE} dans {root}. Créez un dossier de données avec "
                "`cvclassify projects init DOSSIER` et pointez CVCLASSIFY_HOME dessus."
            )
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{config} n'est pas un fichier TOML valide : {exc}") from exc
        projects = {}
        for name, entry in (data.get("projects") or {}).items():
            if not isinstance(entry, dict):
                raise ProjectError(f"{config}: [projects.{name}] must be a table.")
            allowed = {"title", "taxonomy", "corpus", "heldout", "models", "places", "crosswalks", "corpus_coding",
                       "imports"}
            unknown = set(entry) - allowed
            if unknown:
                raise ProjectError(f"{config}: unknown key(s) {sorted(unknown)} in [projects.{name}].")
            projects[name] = Project(name=name, home=root, **{k: str(v) for k, v in entry.items()})
        if not projects:
            raise ProjectError(f"{config} ne déclare aucun projet ([projects.NOM]).")
        default = str(data.get("default_project") or next(iter(projects)))
        if default not in projects:
            raise ProjectError(f"{config}: default_project {default!r} is not declared.")
        return cls(root, default, projects)

    def project(self, name: str | None = None) -> Project:
        """A project of the home (default: its default project), or a French error listing them."""
        name = name or self.default_project
        if name not in self.projects:
            raise ProjectError(
                f"Projet {name!r} inconnu dans {self.root / CONFIG_FILE} (projets : {', '.join(self.projects)})."
            )
        return self.projects[name]


def open_project(name: str | None = None, home: Path | None = None) -> Project:
    """A project of the data home (default: its default project)."""
    return Home.open(home).project(name)


def init_home(target: Path, source: Path | None = None) -> Path:
    """Copy a data home (default: the current one) into ``target``, to train and keep versions there.

    Copies the configuration, the trees, the corpora and each project's current model version. When
    ``$CVCLASSIFY_HOME`` names the folder being made, the copy comes from the source checkout or the package.
    """
    if source is None and not (data_home() / CONFIG_FILE).is_file():
        source = source_checkout() or bundled_home()
    source_home = Home.open(source)
    target = Path(target)
    if (target / CONFIG_FILE).exists():
        raise ProjectError(f"{target} contient déjà un {CONFIG_FILE}.")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source_home.root / CONFIG_FILE, target / CONFIG_FILE)
    for project in source_home.projects.values():
        imports = project.imports or f"corpus/imports/{project.name}"
        for rel in (project.taxonomy, project.corpus, project.heldout, project.places, project.crosswalks, imports):
            if rel and (target / rel).exists():
                continue  # shared with a project already copied
            if not rel:
                continue
            src = source_home.root / rel
            if src.is_dir():
                shutil.copytree(src, target / rel, dirs_exist_ok=True)
            elif src.is_file():  # the file and its companions (a tree and its .lexicon.yaml)
                dest = (target / rel).parent
                dest.mkdir(parents=True, exist_ok=True)
                for sibling in src.parent.glob(src.name.split(".")[0] + ".*"):
                    shutil.copy2(sibling, dest / sibling.name)
        try:
            version = project.current_version()
        except ProjectError:
            continue
        models_rel = project.models_dir.relative_to(source_home.root)
        shutil.copytree(project.version_dir(version), target / models_rel / version)
        (target / models_rel / CURRENT_FILE).write_text(version + "\n", encoding="utf-8")
    return target


PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def check_project_name(home: Home, name: str) -> None:
    """Refuse, in French, a name that is taken or that could not be a folder of its own."""
    if name in home.projects:
        raise ProjectError(f"Le projet « {name} » existe déjà dans {home.root / CONFIG_FILE} : "
                           "choisissez un autre nom.")
    if not PROJECT_NAME.match(name) or ".." in name:
        raise ProjectError(f"Nom de projet refusé : « {name} ». Un nom est en minuscules, chiffres, « - », « _ » ou "
                           "« . », sans espace ni « / » ni « .. » (par exemple « lorn-2024-2030 »).")


def project_entry(name: str, title: str) -> dict[str, str]:
    """Where a new project's files go in a data home."""
    return {"title": title, "taxonomy": f"corpus/objectives/{name}.json", "corpus": f"corpus/projects/{name}/proposals",
            "heldout": f"corpus/projects/{name}/heldout.txt", "models": f"models/{name}"}


def add_project(home: Home, name: str, entry: dict[str, str]) -> Project:
    """Declare a project in the home's ``cvclassify.toml`` (rewritten atomically: readers see the old file or
    the new one)."""
    from cvclassify.io import atomic_write_text

    config = home.root / CONFIG_FILE
    text = config.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + f"[projects.{name}]\n" + "".join(
        f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in entry.items())
    tomllib.loads(text)  # what is written reads back
    atomic_write_text(config, text)
    return Home.open(home.root).project(name)
