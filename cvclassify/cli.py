"""Command-line interface: ``cvclassify --help``."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from cvclassify.errors import CvclassifyError

app = typer.Typer(help="Suggest Contrat de Ville objective codes for French grant applications.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
taxonomy_app = typer.Typer(help="Import and inspect objective trees.", no_args_is_help=True)
corpus_app = typer.Typer(help="Inspect and check the labelled corpus.", no_args_is_help=True)
models_app = typer.Typer(help="List a project's model versions and choose the current one.", no_args_is_help=True)
projects_app = typer.Typer(help="The projects of the data home.", no_args_is_help=True)
app.add_typer(taxonomy_app, name="taxonomy")
app.add_typer(corpus_app, name="corpus")
app.add_typer(models_app, name="models")
app.add_typer(projects_app, name="projects")

_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)])
"""Characters that steer a terminal rather than print: C0 and C1 controls but the tab and the line feed (ESC
starts the sequences that clear a screen, set a title or recolour), DEL, and bidirectional overrides."""


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters dropped (a header cell of a hostile CSV may hold
    escape sequences); line breaks and tabs kept."""
    return text.translate(_CONTROLS)


class _SafeConsole(Console):
    """A console that prints every string through ``printable``: column names, cells, file names and the
    messages that quote them come from files, and reach the terminal only here."""

    def render_str(self, text: str, **kwargs) -> Text:  # every str printed, table cells included, passes here
        return super().render_str(printable(text), **kwargs)


out = _SafeConsole()
err = _SafeConsole(stderr=True)

ModelOpt = Annotated[
    Path | None, typer.Option("--model", "-m", help="Model folder (default: the project's current version).")
]
ProjectOpt = Annotated[
    str | None, typer.Option("--project", "-p", help="Project of the data home (default: its default project).")
]
VersionOpt = Annotated[
    str | None, typer.Option("--version", help="Model version of the project (default: the current one).")
]
TaxonomyOpt = Annotated[str | None, typer.Option("--taxonomy", "-t", help="Taxonomy name or file.")]
OnlyOpt = Annotated[list[str] | None, typer.Option("--only", help="Keep only these codes or patterns (2.*).")]
ExcludeOpt = Annotated[list[str] | None, typer.Option("--exclude", help="Leave out these codes or patterns.")]


def progress(message: str) -> None:
    """Progress lines on a terminal; nothing when stderr is a pipe or a file (pipelines stay quiet)."""
    if err.is_terminal:
        err.print(f"[dim]{escape(message)}[/]", highlight=False)


def load_classifier(model: Path | None, project: str | None, version: str | None):
    """The model asked for, loaded once per process (a changed file on disk is loaded again)."""
    from cvclassify.model.classifier import MODEL_FILE
    from cvclassify.projects import open_project

    folder = Path(model) if model is not None else open_project(project).version_dir(version)
    path = folder / MODEL_FILE if folder.is_dir() else folder
    stat = path.stat() if path.is_file() else None
    return _load_model(str(path.resolve()), stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0)


@functools.lru_cache(maxsize=4)
def _load_model(path: str, mtime_ns: int, size: int):
    from cvclassify.model import Classifier

    return Classifier.load(path)


def friendly(func):
    """Turn cvclassify errors into one clear line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CvclassifyError as exc:
            err.print(f"[bold red]Erreur :[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(1) from exc

    return wrapper


# ---------------------------------------------------------------------------------------------
# Taxonomy
# ---------------------------------------------------------------------------------------------


@taxonomy_app.command("import")
@friendly
def taxonomy_import(
    source: Annotated[Path, typer.Argument(help="The contract (TXT, MD, PDF, DOCX, ODT) or a tree spreadsheet "
                                           "(XLSX, ODS, CSV) or rows in YAML/JSON.", dir_okay=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the tree (.json or .yaml; "
                                                 "default: NAME.json in the current folder).")] = None,
    name: Annotated[str | None, typer.Option(help="Tree name (default: the output's or source's stem).")] = None,
) -> None:
    """Read an objective tree from a contract or a spreadsheet, check it and store it."""
    from cvclassify.taxonomy import save_taxonomy
    from cvclassify.taxonomy.importing import import_tree

    name = name or (output.name.split(".")[0] if output else source.name.split(".")[0])
    how, tree = import_tree(source, name)
    output = output or Path(f"{name}.json")
    save_taxonomy(tree, output)
    _tree_summary(tree, how)
    out.print(f"Arbre écrit dans {output}.", highlight=False)


@taxonomy_app.command("show")
@friendly
def taxonomy_show(
    source: Annotated[Path, typer.Argument(help="A stored tree, a tree spreadsheet or a contract's text.",
                                           dir_okay=False)],
) -> None:
    """Print the tree a file gives, without writing anything."""
    from cvclassify.taxonomy.importing import import_tree

    how, tree = import_tree(source)
    print_tree(tree)
    _tree_summary(tree, how)


@taxonomy_app.command("template")
@friendly
def taxonomy_template(
    output: Annotated[Path, typer.Option("--output", "-o", help="The template to write: .xlsx, .ods or .csv.")],
) -> None:
    """Write a tree spreadsheet to fill in (columns and a filled example)."""
    from cvclassify.taxonomy.spreadsheet import COLUMNS, write_template

    write_template(output)
    out.print(f"Modèle écrit dans {output} (colonnes : {', '.join(COLUMNS)}). Remplissez-le, puis : "
              f"cvclassify taxonomy import {output.name}", highlight=False)


@taxonomy_app.command("export")
@friendly
def taxonomy_export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The spreadsheet to write: .xlsx, .ods or .csv.")],
    project: ProjectOpt = None,
) -> None:
    """Write a project's tree as a spreadsheet to edit (national sous-thèmes, keywords…), then import it back."""
    from cvclassify.io.writers import write_rows
    from cvclassify.projects import open_project
    from cvclassify.taxonomy import load_taxonomy
    from cvclassify.taxonomy.spreadsheet import COLUMNS, tree_rows

    proj = open_project(project)
    write_rows(output, list(COLUMNS), tree_rows(load_taxonomy(proj.taxonomy_path)))
    out.print(f"Arbre du projet {proj.name} écrit dans {output}. Après modification : cvclassify taxonomy import "
              f"{output.name} -o {proj.taxonomy_path}", highlight=False)


def _tree_summary(tree, how: str) -> None:
    from collections import Counter

    from cvclassify.labels import level_name

    levels = Counter(level_name(o.level) for o in tree if not o.transversal)
    out.print(f"Lu comme : {how}. {len(tree.leaves)} codes à attribuer sur {tree.depth} niveau(x) "
              f"({', '.join(f'{n} {lvl}' for lvl, n in levels.items())}), "
              f"{len(tree.transversal)} préoccupation(s) transversale(s).", highlight=False)
    for warning in tree.warnings:
        err.print(f"[yellow]note :[/] {escape(warning)}", highlight=False)


@app.command("objectives")
@friendly
def objectives(
    taxonomy: TaxonomyOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tree as JSON.")] = False,
) -> None:
    """Print the objective tree."""
    from cvclassify.taxonomy import load_taxonomy

    tree = load_taxonomy(taxonomy)
    if as_json:
        sys.stdout.write(json.dumps(tree.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    print_tree(tree)
    for warning in tree.warnings:
        err.print(f"[yellow]note:[/] {warning}", highlight=False)


TREE_STYLES = {"root": "bold", "inner": "cyan", "heading": "bold magenta", "leaf": ""}


def print_tree(tree) -> None:
    """The tree on the terminal, indented by level."""
    from cvclassify.render import tree_lines

    for depth, style, text in tree_lines(tree):
        colour = TREE_STYLES[style]
        line = escape(text)
        out.print("  " * depth + (f"[{colour}]{line}[/]" if colour else line), highlight=False)


# ---------------------------------------------------------------------------------------------
# Training and suggestions
# ---------------------------------------------------------------------------------------------


TRAINABLE_BACKENDS = ("linear", "omikuji", "ensemble")
"""Backends ``cvclassify train --backend`` fits (``transfer`` is made by ``projects`` cold starts)."""


@app.command("train")
@friendly
def train(
    project: ProjectOpt = None,
    corpus: Annotated[Path | None, typer.Option(help="Folder of proposals (*.jsonl; default: the project's).")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the model to this folder instead of a new version.")
    ] = None,
    taxonomy: TaxonomyOpt = None,
    include_heldout: Annotated[
        bool, typer.Option(help="Also train on the held-out split (no honest metrics then).")
    ] = False,
    descriptions_only: Annotated[
        bool, typer.Option(help="Cold start: learn from objective descriptions only.")
    ] = False,
    cv_folds: Annotated[int, typer.Option(help="Folds for calibration and thresholds (0: none).")] = 5,
    backend: Annotated[str | None, typer.Option(help="Scorer of the leaf codes: linear, omikuji or ensemble "
                                                "(linear + omikuji, pip install \"cvclassify[omikuji]\"; see "
                                                "bench/results/ensemble_lobo.md). Default: the current version's, "
                                                "else linear.")] = None,
    promote_it: Annotated[bool, typer.Option("--promote", help="Promote the new version when it is not worse than "
                                             "the current one (see `models promote`).")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --promote: promote even if it is worse.")] = False,
    no_feedback: Annotated[bool, typer.Option("--no-feedback", help="Leave the officers' decisions out.")] = False,
    database_url: Annotated[str | None, typer.Option(envvar="CVCLASSIFY_DATABASE_URL",
                                                     help="Feedback database.")] = None,
) -> None:
    """Train a candidate version on the corpus, the imported history and the officers' decisions; measure it on
    the held-out split. It becomes current with `models promote` or --promote (a project's first version at once)."""
    from cvclassify.errors import ModelError
    from cvclassify.model.params import ModelParams
    from cvclassify.projects import open_project
    from cvclassify.service.models import train_candidate
    from cvclassify.training import train_version

    if backend is None:
        backend = _current_backend(project)
    if backend not in TRAINABLE_BACKENDS:
        raise ModelError(f"Backend {backend!r} inconnu pour l'entraînement : choisissez "
                         f"{', '.join(TRAINABLE_BACKENDS[:-1])} ou {TRAINABLE_BACKENDS[-1]}.")
    params = ModelParams(backend=backend)
    if output is not None:
        result = train_version(project=project, corpus_dir=corpus, output=output, taxonomy=taxonomy,
                               include_heldout=include_heldout, descriptions_only=descriptions_only,
                               cv_folds=cv_folds, params=params,
                               feedback=None if no_feedback else _feedback(project, database_url), log=progress)
        out.print(f"Model {result.card.version} written to {result.directory}", highlight=False)
        promotion = None
    else:
        proj = open_project(project)
        result, promotion = train_candidate(
            proj, feedback=() if no_feedback else _feedback(proj.name, database_url), promote_it=promote_it,
            force=force, log=progress, corpus_dir=corpus, taxonomy=taxonomy, include_heldout=include_heldout,
            descriptions_only=descriptions_only, cv_folds=cv_folds, params=params)
        state = ("current (first version)" if promotion is None and result.directory.name == proj.current_version()
                 else "promoted, now current" if promotion else "candidate: `cvclassify models promote "
                 f"{result.card.version}` makes it current")
        out.print(f"Model {result.card.version} written to {result.directory} ({state})", highlight=False)
    card = result.card
    used = card.feedback or {}
    out.print(f"Learnt from {card.training_proposals} texts ({card.imports.get('proposals', 0)} imported, "
              f"{used.get('train', 0)} officers' decisions, weight {used.get('officer_weight', '–')}) in "
              f"{card.training_seconds} s.", highlight=False)
    if used.get("unknown_codes"):
        err.print(f"[yellow]Feedback codes not in the tree (left out):[/] {', '.join(used['unknown_codes'])}",
                  highlight=False)
    metrics = card.metrics.get("heldout")
    if metrics:
        out.print(heldout_table(metrics))
    if promotion is not None:
        out.print(comparison_table(promotion.comparison))


def _current_backend(project: str | None) -> str:
    """The backend of the project's current version (a retrain keeps it), else linear."""
    import json

    from cvclassify.projects import open_project

    try:
        proj = open_project(project)
        card = json.loads((proj.version_dir(proj.current_version()) / "model-card.json").read_text(encoding="utf-8"))
    except (CvclassifyError, OSError, ValueError):
        return "linear"
    backend = (card.get("params") or {}).get("backend", "linear")
    return backend if backend in TRAINABLE_BACKENDS else "linear"


def _feedback(project: str | None, database_url: str | None) -> list:
    """The project's stored decisions (an empty list when the database does not exist yet)."""
    from cvclassify.feedback import FeedbackStore
    from cvclassify.projects import open_project

    name = open_project(project).name
    store = FeedbackStore(database_url)
    try:
        store.upgrade()
        return store.feedback(name)
    finally:
        store.close()


def comparison_table(comparison: dict) -> Table:
    """A terminal table of a promotion's comparison: each gated metric, before and after, per set."""
    table = Table("set", "metric", "current", "candidate", "Δ", "tolerance", "",
                  title=f"{comparison['candidate']} vs {comparison['current'] or '(none)'}")
    for block in comparison["sets"]:
        if not block["metrics"]:
            table.add_row(block["set"], f"{block['documents']} texts", "", "", "", "", "")
        for m in block["metrics"]:
            mark = "[green]ok[/]" if m["held"] else "[red]drop[/]"
            table.add_row(f"{block['set']} ({block['documents']})" + ("" if block["gates"] else " *"), m["metric"],
                          f"{m['current']:.3f}", f"{m['candidate']:.3f}", f"{m['delta']:+.3f}", f"{m['tolerance']:.3f}",
                          mark)
    return table


def heldout_table(metrics: dict, title: str = "Held-out split") -> Table:
    """A terminal table of held-out metrics at the three levels."""
    table = Table("level", "P@1", "R@3", "R@5", "F1@3", "nDCG@5", "macro-F1", title=title)
    for level in ("leaf", "objective", "axis"):
        m = metrics[level]
        table.add_row(level, *(f"{m[k]:.3f}" for k in ("P@1", "R@3", "R@5", "F1@3", "nDCG@5", "macro_F1")))
    return table


@app.command("evaluate")
@friendly
def evaluate(
    model: ModelOpt = None,
    project: ProjectOpt = None,
    version: VersionOpt = None,
    corpus: Annotated[Path | None, typer.Option(help="Folder of proposals.")] = None,
    cv: Annotated[int, typer.Option("--cv", help="Cross-validation folds on the training split (0: none).")] = 5,
    output: Annotated[Path, typer.Option("--output", "-o", help="Report folder.")] = Path("reports"),
) -> None:
    """Measure a model on the held-out split and its recipe by cross-validation; write a report."""
    from cvclassify.evaluation.evaluate import evaluation_report
    from cvclassify.evaluation.report import PLOTS_MISSING, metrics_table, plots_available, write_report

    clf = load_classifier(model, project, version)
    if not plots_available():
        err.print(f"[yellow]note:[/] {escape(PLOTS_MISSING)} The report is written without them.", highlight=False)
    report = evaluation_report(clf, corpus, cv, project=project, log=progress)
    path = write_report(report, output, clf.taxonomy)
    for warning in report["warnings"]:
        err.print(f"[yellow]attention :[/] {escape(warning)}", highlight=False)
    for name, block in report["evaluations"].items():
        out.print(f"[bold]{name}[/] ({block['leaf']['documents']} documents)")
        out.print(metrics_table(block), highlight=False)
    for t in report["targets"]:
        mark = "[green]met[/]" if t["met"] else "[red]not met[/]"
        sign = "<=" if "at most" in t["name"] else ">="
        out.print(f"target {t['name'].replace(' (at most)', '')} {sign} {t['target']}: {t['value']:.3f} {mark}")
    out.print(f"Report: {path}")


def _read_text_argument(text: str) -> str:
    """The text of ``suggest``: the argument, or stdin for ``-``, in its detected encoding."""
    from cvclassify.io.encoding import decode_bytes

    if text == "-":
        return decode_bytes(sys.stdin.buffer.read())
    if any("\udc80" <= c <= "\udcff" for c in text):  # bytes of the argument that were not UTF-8
        return decode_bytes(os.fsencode(text))
    return text


@app.command("suggest")
@friendly
def suggest(
    text: Annotated[str, typer.Argument(help="Application text, or - to read stdin.")],
    k: Annotated[int, typer.Option("-k", help="Number of suggestions.", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    model: ModelOpt = None,
    project: ProjectOpt = None,
    version: VersionOpt = None,
    only: OnlyOpt = None,
    exclude: ExcludeOpt = None,
) -> None:
    """Suggest objective codes for one application text."""
    from cvclassify import render
    from cvclassify.labels import Route, french

    clf = load_classifier(model, project, version)
    result = clf.suggest(_read_text_argument(text), k=k, only=only, exclude=exclude)
    if as_json:
        sys.stdout.write(json.dumps(render.as_dict(result), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("#", "code", "score", "objectif", "libellé", "mots déterminants",
                  title=f"Suggestions (modèle {result.model_version})", show_lines=False)
    for rank, *cells in render.cli_rows(result):
        table.add_row(rank.replace("✔", "[green]✔[/]"), *cells)
    out.print(table)
    decision = render.cli_decision(result)
    if decision:
        colour = "green" if result.decision.route == Route.AUTO else "yellow"
        verdict = french(result.decision.route)
        out.print(decision.replace(verdict, f"[{colour}]{verdict}[/]", 1))
    hint = render.cli_hint(result)
    if hint:
        out.print(hint)
    concerns = render.cli_concerns(result)
    if concerns:
        out.print(concerns, highlight=False)
    for warning in result.warnings:
        err.print(f"[yellow]attention :[/] {escape(warning)}", highlight=False)


@app.command("classify")
@friendly
def classify(
    input_file: Annotated[Path, typer.Argument(
        help="An export (CSV, TSV, XLSX, XLSM, ODS, XLS, JSON Lines), a document (PDF, DOCX, ODT, TXT, MD), a .zip "
             "or a folder of documents; - reads JSON Lines from stdin.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output .csv, .xlsx or .jsonl (- for JSON Lines "
                                                                "on stdout).")],
    k: Annotated[int, typer.Option("-k", help="Suggestions per application.", min=1, max=50)] = 5,
    text_col: Annotated[list[str] | None, typer.Option("--text-col", help="Column(s) holding the text, in reading "
                                                       "order (default: recognised export headers).")] = None,
    id_col: Annotated[str | None, typer.Option("--id-col", help="Column holding the row id.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Only this sheet of a workbook, hidden or not "
                                              "(default: every visible sheet).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run into the same output.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Processes (0: one per core, at most 4).")]
    = 0,
    chart: Annotated[Path | None, typer.Option("--chart", help="Also draw the distribution of codes and axes "
                                                "(PNG; plots extra).")] = None,
    model: ModelOpt = None,
    project: ProjectOpt = None,
    version: VersionOpt = None,
    only: OnlyOpt = None,
    exclude: ExcludeOpt = None,
    also: Annotated[list[str] | None, typer.Option("--also", help="Also write the codes of this project beside "
                                                   "(e.g. --also metz-2024-2030 on an archive coded in 2015-2020); "
                                                   "repeatable.")] = None,
) -> None:
    """Classify every row of a file; one output row per input row, in order, written atomically."""
    import tempfile

    from cvclassify.io.writers import check_output_path
    from cvclassify.service.classify import Options

    with tempfile.TemporaryDirectory(prefix="cvclassify-") as tmp:
        source = input_file
        if str(input_file) == "-":
            source = Path(tmp) / "stdin.jsonl"
            source.write_bytes(_stdin_jsonl())
        target = Path(tmp) / "stdout.jsonl" if str(output) == "-" else output
        check_output_path(target, [source])
        if chart is not None:
            _check_chart_path(chart)
        clf = load_classifier(model, project, version)
        model_dir = model
        if model_dir is None:
            from cvclassify.projects import open_project

            model_dir = open_project(project).version_dir(version)
        options = Options(k=k, only=tuple(only or ()), exclude=tuple(exclude or ()))
        n_workers = workers or max(1, min(4, os.cpu_count() or 1))
        try:
            others = {name: load_classifier(None, name, None) for name in also or []}
            summary = _run_with_progress(clf, source, target, options, text_col, id_col, sheet, resume, n_workers,
                                         model_dir, others)
        except KeyboardInterrupt:
            err.print("Interrompu. Les lignes déjà classées sont gardées : relancez la même commande avec --resume "
                      "pour continuer.", highlight=False)
            raise typer.Exit(130) from None
        if str(output) == "-":
            with target.open(encoding="utf-8") as handle:
                for line in handle:
                    sys.stdout.write(line)
    _print_summary(summary)
    if chart is not None:
        from cvclassify.evaluation.report import plot_batch

        plot_batch(summary, chart, clf.taxonomy)
        err.print(f"Graphique : {chart}", highlight=False)
    if summary.classified == 0:
        raise typer.Exit(2)


def _stdin_jsonl() -> bytes:
    """The JSON Lines of stdin; a CSV there is refused with a message that fits stdin (it has no name to change)."""
    import io

    from cvclassify.errors import BatchInputError
    from cvclassify.io.readers.jsonl import looks_like_csv

    data = sys.stdin.buffer.read()
    first = next((line for line in io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")) if line.strip()), b"")
    if looks_like_csv(first.decode("latin-1")):
        raise BatchInputError("L'entrée standard ne ressemble pas à du JSON Lines : s'agit-il d'un CSV ? Avec « - », "
                              "classify lit du JSON Lines (un objet {…} par ligne). Enregistrez le CSV dans un "
                              "fichier (par exemple demandes.csv) et donnez son nom à la place de « - ».")
    return data


def _check_chart_path(chart: Path) -> None:
    from cvclassify.errors import BatchInputError
    from cvclassify.evaluation.report import PLOTS_MISSING, plots_available

    if chart.suffix.lower() != ".png":
        raise BatchInputError(f"Le graphique s'écrit en PNG : donnez un nom en .png, pas « {chart.name} ».")
    if chart.is_dir() or not chart.parent.is_dir() or not os.access(chart.parent, os.W_OK):
        raise BatchInputError(f"Impossible d'écrire le graphique « {chart} » : dossier absent ou protégé.")
    if not plots_available():
        raise BatchInputError(PLOTS_MISSING)


def _run_with_progress(clf, source, target, options, text_col, id_col, sheet, resume, workers, model_dir, also):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from cvclassify.batch import run_batch

    def notes(lines: list[str]) -> None:
        for line in lines:
            err.print(escape(line), highlight=False)

    if not err.is_terminal:
        return run_batch(clf, source, target, options=options, text_cols=text_col, id_col=id_col, sheet=sheet,
                         resume=resume, workers=workers, model_dir=model_dir, also=also)
    total = _estimate_rows(source)
    columns = [TextColumn("Classement"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} lignes/s"), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("rows", total=total, rate="–")

        def advance(n: int) -> None:
            bar.advance(task, n)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f}".replace(",", " ") if speed else "–")

        return run_batch(clf, source, target, options=options, text_cols=text_col, id_col=id_col, sheet=sheet,
                         resume=resume, workers=workers, model_dir=model_dir, on_chunk=advance, on_start=notes,
                         also=also)


def _estimate_rows(path: Path) -> int | None:
    """A quick row count for the progress bar (records of a CSV, lines of JSON Lines, files of a folder)."""
    from cvclassify.io.readers import reader_for

    try:
        return reader_for(path).count_rows(path)
    except (CvclassifyError, OSError):
        return None


def _print_summary(summary) -> None:
    """Closing lines: readable on a terminal, one JSON line in a pipeline."""
    if not err.is_terminal:
        err.print(json.dumps({"summary": summary.to_dict()}, ensure_ascii=False), highlight=False, soft_wrap=True)
        return
    err.print(f"{summary.rows} lignes : {summary.classified} classées dont {summary.to_review} à vérifier, "
              f"{summary.errors} en erreur" + (f" ({summary.resumed} reprises)." if summary.resumed else "."),
              highlight=False)
    if summary.axes:
        err.print("Axes : " + ", ".join(f"{a} : {n}" for a, n in sorted(summary.axes.items())), highlight=False)
        err.print("Codes les plus fréquents : " + ", ".join(f"{c} ({n})" for c, n in summary.codes.most_common(8)),
                  highlight=False)


# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


@corpus_app.command("stats")
@friendly
def corpus_stats_cmd(
    corpus: Annotated[Path | None, typer.Option(help="Folder of proposals.")] = None,
    taxonomy: TaxonomyOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Counts per code, axis and style, multi-code share, lengths, near-duplicates."""
    from cvclassify.corpus import corpus_stats, load_corpus
    from cvclassify.taxonomy import load_taxonomy

    stats = corpus_stats(load_corpus(corpus), load_taxonomy(taxonomy))
    if as_json:
        sys.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"[bold]{stats['proposals']}[/] proposals, {stats['leaf_codes']} leaf codes, "
              f"at least {stats['min_primary_per_code']} primary examples per code, "
              f"{stats['multi_code_share']:.0%} with 2-3 codes.")
    out.print(f"Per axis (primary): {stats['per_axis']}")
    out.print(f"Per style: {stats['per_style']}")
    out.print(f"Per year: {stats['per_year']}")
    out.print(f"Length in words: {stats['length_words']}")
    if stats["codes_without_primary_example"]:
        out.print(f"[red]Codes without a primary example:[/] {stats['codes_without_primary_example']}")
    out.print("Most similar pairs: " + ", ".join(
        f"{p['a']}~{p['b']} {p['cosine']:.2f}" for p in stats["most_similar_pairs"]))
    out.print(f"Near-duplicates (cosine > 0.8): {len(stats['near_duplicates'])}")
    table = Table("code", "primary", "any", title="Per code")
    for code, c in stats["per_code"].items():
        table.add_row(code, str(c["primary"]), str(c["any"]))
    out.print(table)


@corpus_app.command("check")
@friendly
def corpus_check_cmd(
    corpus: Annotated[Path | None, typer.Option(help="Folder of proposals.")] = None,
    taxonomy: TaxonomyOpt = None,
) -> None:
    """Report invalid codes, missing fields, empty texts, duplicate ids and near-duplicates."""
    from cvclassify.corpus import check_corpus, load_corpus
    from cvclassify.taxonomy import load_taxonomy

    loaded = load_corpus(corpus)
    issues = check_corpus(loaded, load_taxonomy(taxonomy))
    for issue in issues:
        out.print(f"{issue.kind}\t{issue.proposal_id}\t{issue.message}", highlight=False)
    if issues:
        err.print(f"[red]{len(issues)} problem(s) in {len(loaded)} proposals.[/]")
        raise typer.Exit(1)
    out.print(f"{len(loaded)} proposals: no problem found.")


@corpus_app.command("import")
@friendly
def corpus_import_cmd(
    source: Annotated[Path, typer.Argument(help="A tagged export (CSV, XLSX, ODS, JSON Lines).")],
    codes_col: Annotated[str, typer.Option("--codes-col", help="Column holding the codes the team gave "
                                           "(« 2.11.1 ; 1.4.1 », « Obj. 2.11.1 », labels…).")],
    project: ProjectOpt = None,
    text_col: Annotated[list[str] | None, typer.Option("--text-col", help="Column(s) to read as the text, in "
                                                       "order (default: the recognised headers).")] = None,
    id_col: Annotated[str | None, typer.Option("--id-col", help="Column holding each row's id.")] = None,
    sheet: Annotated[str | None, typer.Option(help="Sheet of a workbook, hidden or not (default: every visible "
                                              "sheet).")] = None,
    from_project: Annotated[str | None, typer.Option("--from", help="The codes are another project's (an older "
                                                     "contract): map them through its crosswalk.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a team's tagged history into a project's corpus (used by the next `cvclassify train`)."""
    from cvclassify.history import crosswalk_source, import_history, unknown_summary
    from cvclassify.projects import open_project
    from cvclassify.taxonomy import load_taxonomy

    proj = open_project(project)
    tree = load_taxonomy(proj.taxonomy_path)
    origin = crosswalk_source(proj, from_project, tree) if from_project else None
    report = import_history(proj, source, tree, codes_col, text_cols=text_col, id_col=id_col, sheet=sheet,
                            source=origin, dry_run=dry_run)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    if report.already_imported:
        out.print(report.notes[0], highlight=False)
        return
    written = f" → {report.target}" if report.target else (" (essai : rien n'est écrit)" if dry_run else "")
    out.print(f"[bold]{report.kept}[/] ligne(s) gardée(s) sur {report.rows}{written}", highlight=False)
    for label, rows in (("texte vide", report.empty_text), ("sans code", report.empty_codes),
                        ("aucun code de l'arbre", report.no_code_kept),
                        ("illisible(s)", [w for w, _ in report.unreadable])):
        if rows:
            out.print(f"  {len(rows)} ligne(s) {label} : {', '.join(rows[:5])}{' …' if len(rows) > 5 else ''}",
                      highlight=False)
    if report.duplicates:
        out.print(f"  {len(report.duplicates)} doublon(s) : " + ", ".join(
            f"{row} (= {earlier})" for row, earlier in report.duplicates[:5]) + (" …" if len(report.duplicates) > 5
                                                                                  else ""), highlight=False)
    if report.unknown:
        out.print(f"  [yellow]{len(report.unknown)} valeur(s) de code non reconnue(s)[/] (lignes gardées si elles "
                  "ont un autre code) :", highlight=False)
        for line in unknown_summary(report):
            out.print(f"    {escape(line)}", highlight=False)
    if report.codes:
        top = ", ".join(f"{code} ({n})" for code, n in list(report.codes.items())[:8])
        out.print(f"  codes : {top}{' …' if len(report.codes) > 8 else ''}", highlight=False)


@corpus_app.command("split")
@friendly
def corpus_split_cmd(
    corpus: Annotated[Path | None, typer.Option(help="Folder of proposals.")] = None,
    force: Annotated[bool, typer.Option(help="Recompute the split even if it exists.")] = False,
    project: ProjectOpt = None,
) -> None:
    """Write the fixed held-out split (about 20 %, stratified by primary code)."""
    from cvclassify.corpus import load_corpus, save_heldout, stratified_heldout
    from cvclassify.projects import open_project

    path = open_project(project).heldout_path
    if path.exists() and not force:
        err.print(f"{path} exists; use --force to recompute it (this moves proposals across the split).")
        raise typer.Exit(1)
    loaded = load_corpus(corpus)
    heldout = stratified_heldout(loaded.proposals)
    save_heldout(heldout, path)
    out.print(f"{path}: {len(heldout)} held-out proposals of {len(loaded)}.")


# ---------------------------------------------------------------------------------------------
# Projects and model versions
# ---------------------------------------------------------------------------------------------


@models_app.command("list")
@friendly
def models_list(
    project: ProjectOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The project's model versions, oldest first, with their held-out metrics and promotion comparison."""
    from cvclassify.projects import open_project
    from cvclassify.service.models import comparison_of

    proj = open_project(project)
    versions = proj.versions()
    if as_json:
        rows = [{"version": v.version, "current": v.current, "path": str(v.path), "created": v.card.get("created"),
                 "training_seconds": v.card.get("training_seconds"), "heldout": v.heldout,
                 "comparison": comparison_of(proj, v.version)} for v in versions]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("", "version", "texts", "leaf P@1", "leaf R@3", "obj. R@3", "axis P@1", "promotion",
                  title=f"Project {proj.name}: model versions (held-out metrics)")
    table.columns[1].no_wrap = True
    for v in versions:
        h = v.heldout

        def cell(level: str, metric: str, h: dict = h) -> str:
            return f"{h[level][metric]:.3f}" if level in h else "–"

        comparison = comparison_of(proj, v.version)
        verdict = "–" if comparison is None else (
            f"vs {comparison['current']}: " + ("passed" if comparison["passed"] else
                                               "forced" if comparison.get("forced") else "refused"))
        table.add_row("[green]●[/]" if v.current else "", v.version, str(v.card.get("training_proposals", "")),
                      cell("leaf", "P@1"), cell("leaf", "R@3"), cell("objective", "R@3"), cell("axis", "P@1"), verdict)
    out.print(table)
    if not versions:
        err.print(f"No model version in {proj.models_dir}; build one with `cvclassify train`.")


@models_app.command("promote")
@friendly
def models_promote(
    version: Annotated[str, typer.Argument(help="Candidate version (see `cvclassify models list`).")],
    project: ProjectOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Promote even if a metric drops beyond the "
                                        "tolerance.")] = False,
    database_url: Annotated[str | None, typer.Option(envvar="CVCLASSIFY_DATABASE_URL",
                                                     help="Feedback database.")] = None,
) -> None:
    """Compare a version with the current one (held-out split and held-out feedback) and make it current if it
    is not worse; a running `cvclassify serve` switches to it within seconds."""
    from cvclassify.projects import open_project
    from cvclassify.service.models import PromotionError, comparison_of, promote

    proj = open_project(project)
    try:
        promotion = promote(proj, version, force=force, feedback=_feedback(proj.name, database_url), log=progress)
    except PromotionError:
        kept = comparison_of(proj, version) if (proj.models_dir / version).is_dir() else None
        if kept is not None and kept.get("candidate") == version and not kept.get("passed"):
            out.print(comparison_table(kept))
        raise
    out.print(comparison_table(promotion.comparison))
    forced = " (forced)" if promotion.forced else ""
    out.print(f"Project {proj.name}: current version is now {version}{forced} (was {promotion.previous}).")


@models_app.command("rollback")
@friendly
def models_rollback(project: ProjectOpt = None) -> None:
    """Return to the version that was current before the last switch."""
    from cvclassify.projects import open_project
    from cvclassify.service.models import rollback

    proj = open_project(project)
    left, now = rollback(proj)
    out.print(f"Project {proj.name}: current version is now {now} (was {left}).")


@models_app.command("use")
@friendly
def models_use(
    version: Annotated[str, typer.Argument(help="Version to make current (see `cvclassify models list`).")],
    project: ProjectOpt = None,
) -> None:
    """Make a version current without comparing it (recorded in the history; prefer `models promote`)."""
    from cvclassify.projects import open_project
    from cvclassify.service.models import use

    proj = open_project(project)
    use(proj, version)
    out.print(f"Project {proj.name}: current version is now {version}.")


@models_app.command("verify")
@friendly
def models_verify(
    version: Annotated[str | None, typer.Argument(help="Version (default: every version).")] = None,
    project: ProjectOpt = None,
    seal: Annotated[bool, typer.Option("--seal", help="Record the hashes of a version written before cards held "
                                       "them (only for a version you know is yours).")] = False,
) -> None:
    """Check every file of a project's versions against the SHA-256 its card records."""
    from cvclassify.errors import ModelError
    from cvclassify.model.classifier import read_card
    from cvclassify.model.integrity import check_environment, check_files
    from cvclassify.model.integrity import seal as seal_version
    from cvclassify.projects import open_project

    proj = open_project(project)
    names = [version] if version else [v.version for v in proj.versions()]
    bad = 0
    for name in names:
        folder = proj.version_dir(name)
        try:
            if seal:
                seal_version(folder)
            card = read_card(folder)
            check_files(folder, card.get("files") or {})
            check_environment(card.get("environment") or {}, folder)
            out.print(f"[green]ok[/]   {name}  ({', '.join(card['files'])})", highlight=False)
        except ModelError as exc:
            bad += 1
            out.print(f"[red]refusé[/] {name}  {escape(str(exc))}", highlight=False)
    if bad:
        raise typer.Exit(1)


@projects_app.command("list")
@friendly
def projects_list() -> None:
    """Projects of the data home, with their current model version."""
    from cvclassify.projects import Home, ProjectError

    home = Home.open()
    table = Table("", "project", "title", "current version", title=f"Data home {home.root}")
    for name, proj in home.projects.items():
        try:
            current = proj.current_version()
        except ProjectError:
            current = "–"
        table.add_row("*" if name == home.default_project else "", name, proj.title, current)
    out.print(table)


@projects_app.command("create")
@friendly
def projects_create(
    name: Annotated[str, typer.Argument(help="The project's name (lower case, digits, -, _ or .).")],
    tree: Annotated[Path, typer.Option("--tree", help="The territory's tree: its contract (TXT, PDF, DOCX, ODT) or "
                                       "a tree spreadsheet (XLSX, ODS, CSV; see `taxonomy template`).",
                                       dir_okay=False)],
    title: Annotated[str | None, typer.Option(help="A title for people (default: the name).")] = None,
    source: Annotated[str | None, typer.Option(help="Project whose model and labelled proposals the cold-start "
                                               "model learns from (default: the default project).")] = None,
) -> None:
    """Add a territory to the data home with a cold-start model: `suggest -p NAME` works at once."""
    from cvclassify.service.projects import create_project

    project, how = create_project(name, tree, title or name, source)
    out.print(f"Projet « {project.name} » créé (arbre lu comme : {how}) avec un modèle de démarrage à froid "
              f"{project.current_version()}. Essayez : cvclassify suggest -p {project.name} \"…\"", highlight=False)


@projects_app.command("init")
@friendly
def projects_init(
    target: Annotated[Path, typer.Argument(help="New data home folder.")],
) -> None:
    """Copy the current data home (trees, corpora, current models) into a writable folder."""
    from cvclassify.projects import init_home

    init_home(target)
    out.print(f"Data home written to {target}. Use it with: export CVCLASSIFY_HOME={target.resolve()}")


# ---------------------------------------------------------------------------------------------
# HTTP service and feedback
# ---------------------------------------------------------------------------------------------


@app.command("serve")
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes (one per core).")] = 1,
    project: Annotated[list[str] | None, typer.Option("--project", "-p", help="Serve only these projects "
                                                      "(default: every project with a model).")] = None,
    api_key: Annotated[str | None, typer.Option(envvar="CVCLASSIFY_API_KEY", help="Require this key for feedback, "
                                                "exports, queues and the review desk.")] = None,
    admin_key: Annotated[str | None, typer.Option(envvar="CVCLASSIFY_ADMIN_KEY", help="Require this key (header "
                                                  "X-Admin-Key) to promote, roll back or reload models.")] = None,
    accounts: Annotated[Path | None, typer.Option(envvar="CVCLASSIFY_ACCOUNTS", help="Named officer accounts (TOML "
                                                  "or JSON: name, role officer|admin, key): each key signs in under "
                                                  "its name, recorded as « Relu par ».")] = None,
    database_url: Annotated[str | None, typer.Option(envvar="CVCLASSIFY_DATABASE_URL", help="Feedback database "
                                                     "(default: a SQLite file in the data home).")] = None,
    cors_origin: Annotated[list[str] | None, typer.Option("--cors-origin", help="Origin allowed to call the API "
                                                          "from a browser (repeatable).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the JSON API, its Annif dialect and the review desk (uvicorn); OpenAPI docs at /docs."""
    import uvicorn

    from cvclassify.api.settings import Settings, load_accounts
    from cvclassify.feedback import FeedbackStore, default_database_url
    from cvclassify.projects import Home

    named = load_accounts(accounts) if accounts else ()
    Settings(api_key=api_key, admin_key=admin_key, accounts=named)  # bad keys refused before any work
    home = Home.open()
    for name in project or []:
        home.project(name)
    url = database_url or default_database_url()
    store = FeedbackStore(url)
    store.upgrade()  # once, before the workers start
    store.close()
    os.environ.update({"CVCLASSIFY_DATABASE_URL": url, "CVCLASSIFY_PROJECTS": ",".join(project or [])})
    if api_key:
        os.environ["CVCLASSIFY_API_KEY"] = api_key
    if admin_key:
        if admin_key == api_key:
            raise typer.BadParameter("la clé d'administration doit différer de celle des instructeurs.",
                                     param_hint="--admin-key")
        os.environ["CVCLASSIFY_ADMIN_KEY"] = admin_key
    if accounts:
        os.environ["CVCLASSIFY_ACCOUNTS"] = str(Path(accounts).resolve())
    if cors_origin:
        os.environ["CVCLASSIFY_CORS_ORIGINS"] = ",".join(cors_origin)
    err.print(f"Revue des demandes : http://{host}:{port}/ — API : http://{host}:{port}/docs — "
              f"retours : {store.safe_url}", highlight=False)
    uvicorn.run("cvclassify.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, timeout_graceful_shutdown=5)


feedback_app = typer.Typer(help="The officers' decisions kept by the review desk and the API.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
@friendly
def feedback_export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Output .jsonl or .csv (- for JSON Lines on "
                                                                "stdout).")] = Path("-"),
    project: ProjectOpt = None,
    database_url: Annotated[str | None, typer.Option(envvar="CVCLASSIFY_DATABASE_URL",
                                                     help="Feedback database.")] = None,
) -> None:
    """Write every stored decision of a project (withdrawn ones included, marked)."""
    import tempfile

    from cvclassify.feedback import FeedbackStore
    from cvclassify.projects import open_project
    from cvclassify.service.review import export_feedback

    name = open_project(project).name
    store = FeedbackStore(database_url)
    store.upgrade()
    if str(output) == "-":
        with tempfile.TemporaryDirectory(prefix="cvclassify-") as tmp:
            target = Path(tmp) / "retours.jsonl"
            export_feedback(store, name, target)
            sys.stdout.write(target.read_text(encoding="utf-8"))
        return
    count = export_feedback(store, name, output)
    err.print(f"{count} décisions écrites dans {output}.", highlight=False)


def main() -> None:  # pragma: no cover - console script entry point
    """Console script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
