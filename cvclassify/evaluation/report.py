"""Evaluation reports: ``reports/metrics.json``, a readable Markdown page and, with the ``plots`` extra
(matplotlib), PNG plots."""

from __future__ import annotations

import json
from pathlib import Path

from cvclassify.errors import MissingExtraError
from cvclassify.io import atomic_write_text

METRICS = ("P@1", "R@3", "R@5", "F1@3", "nDCG@5", "macro_F1")


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingExtraError(PLOTS_MISSING) from exc
    return plt


PLOTS_MISSING = "Plots need matplotlib: install the plots extra, `pip install 'cvclassify[plots]'`."


def plots_available() -> bool:
    """Whether matplotlib (the ``plots`` extra) is installed."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def metrics_table(block: dict) -> str:
    """Markdown table of ranking metrics at the three levels."""
    lines = ["| level | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    for level in ("leaf", "objective", "axis"):
        m = block[level]
        lines.append(f"| {level} | " + " | ".join(f"{m.get(k, float('nan')):.3f}" for k in METRICS) + " |")
    return "\n".join(lines)


def plot_reliability(calibration: dict, path: Path) -> None:
    """PNG reliability diagram of calibrated scores."""
    plt = _pyplot()
    rows = calibration["reliability"]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="parfaitement calibré")
    ax.plot([r["mean_score"] for r in rows], [r["observed"] for r in rows], "o-", label="modèle")
    ax.set_xlabel("score moyen")
    ax.set_ylabel("fréquence observée")
    ax.set_title(f"Calibration (ECE {calibration['ECE']:.3f})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_per_code_f1(per_code: dict, path: Path) -> None:
    """PNG bar chart of F1 per code."""
    plt = _pyplot()
    codes = [c for c, v in per_code.items() if v["support"] > 0]
    fig, ax = plt.subplots(figsize=(16, 4))
    ax.bar(range(len(codes)), [per_code[c]["F1"] for c in codes], color="#3b6ea5")
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels(codes, rotation=90, fontsize=6)
    ax.set_ylabel("F1 (codes sélectionnés)")
    ax.set_ylim(0, 1)
    ax.set_title("F1 par code (validation croisée)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_levels(report: dict, path: Path) -> None:
    """PNG comparison of the ranking metrics at the three levels."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), sharey=True)
    for ax, level in zip(axes, ("leaf", "objective", "axis"), strict=True):
        for offset, (name, block) in enumerate(report["evaluations"].items()):
            values = [block[level][k] for k in METRICS]
            ax.bar([i + offset * 0.4 for i in range(len(METRICS))], values, width=0.4, label=name)
        ax.set_xticks([i + 0.2 for i in range(len(METRICS))])
        ax.set_xticklabels(METRICS, rotation=45, fontsize=8)
        ax.set_title(level)
        ax.set_ylim(0, 1)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _share(value: float | None) -> str:
    """A rate of a table cell, or « – » when no document was there to measure it."""
    return "–" if value is None or value != value else f"{value:.3f}"


def _officer_row(name: str, m: dict) -> str:
    sel = m["selected"]
    routes = m.get("routes") or {}
    auto = routes.get("auto", {})
    obj = routes.get("objective", {})
    return (f"| {name} | {m['documents']} | {m['P@1']:.3f} | {m['R@3']:.3f} | {m['ECE_top5']:.3f} | "
            f"{sel['precision']:.3f} | {sel['recall']:.3f} | {sel['per_document']:.2f} | "
            f"{auto.get('share', 0):.2f} | {_share(auto.get('P@1'))} | "
            f"{_share(auto.get('exact_set'))} | {obj.get('share', 0):.2f} | "
            f"{_share(obj.get('objective_P@1'))} |")


def officer_sections(evaluations: dict) -> list[str]:
    """Markdown: calibration of the five codes shown, ticked codes and decisions, by style and mix."""
    parts = ["", "## What an officer sees", "",
             "Scores, ticks and decisions as shown to users (top five suggestions). Targets: ECE over the top "
             "five ≤ 0.03; ticked codes precision ≥ 0.85 with recall ≥ 0.80; `auto` right first code ≥ 0.97 "
             "and exactly the right ticked codes ≥ 0.90, on ≥ 60 % of applications. *Programme mix* re-weights "
             "documents so that the national themes "
             "have their 2020 Metz shares (84 % cohesion, 11 % employment, 4 % living environment, 1 % "
             "steering).", ""]
    head = ("| set | docs | P@1 | R@3 | ECE top 5 | ticked P | ticked R | ticked/doc | auto share | auto P@1 "
            "| auto exact set | objective share | objective P@1 |")
    for name, block in evaluations.items():
        officer = block.get("officer")
        if not officer:
            continue
        parts += [f"### {name.replace('_', ' ').capitalize()}", "", head, "|---" * 13 + "|",
                  _officer_row("all (flat)", officer["flat"])]
        if "programme_mix" in officer:
            parts.append(_officer_row("all (programme mix)", officer["programme_mix"]))
        for style, m in officer["by_style"].items():
            parts.append(_officer_row(style, m))
        parts += ["", "Reliability of the first score (all documents):", "",
                  "| score | documents | mean score | right |", "|---|---|---|---|"]
        for row in officer["flat"]["top1_reliability"]:
            parts.append(f"| {row['bin']} | {row['count']} | {row['mean_score']:.3f} | {row['observed']:.3f} |")
        parts += ["", "Reliability of the first score by style (mean score → right):", "",
                  "| style | " + " | ".join(b for b in ("0.0-0.5", "0.5-0.8", "0.8-0.95", "0.95-1.0")) + " |",
                  "|---|---|---|---|---|"]
        for style, m in officer["by_style"].items():
            parts.append(f"| {style} | " + " | ".join(_band(m["top1_reliability"], lo, hi)
                                                     for lo, hi in ((0, .5), (.5, .8), (.8, .95), (.95, 1.01)))
                         + " |")
        parts.append("")
    return parts


def _band(table: list[dict], lo: float, hi: float) -> str:
    rows = [r for r in table if lo <= float(r["bin"].split("-")[0]) < hi]
    n = sum(r["count"] for r in rows)
    if not n:
        return "–"
    mean = sum(r["mean_score"] * r["count"] for r in rows) / n
    right = sum(r["observed"] * r["count"] for r in rows) / n
    return f"{mean:.2f} → {right:.2f} (n={n})"


def write_report(report: dict, directory: Path, taxonomy=None, plots: bool | None = None) -> Path:
    """Write metrics.json, report.md and (when matplotlib is installed, or ``plots``) the PNG plots."""
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write_text(directory / "metrics.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    evaluations = report["evaluations"]
    detailed = evaluations.get("cross_validation") or next(iter(evaluations.values()))
    plots = plots_available() if plots is None else plots
    if plots:
        plot_levels(report, directory / "levels.png")
        plot_reliability(detailed["calibration"], directory / "calibration.png")
        plot_per_code_f1(detailed["per_code"], directory / "per_code_f1.png")
    image = (lambda alt, name: f"![{alt}]({name})") if plots else (lambda alt, name: f"*({alt}: {PLOTS_MISSING})*")

    label = (lambda c: taxonomy[c].label) if taxonomy is not None else (lambda c: "")
    parts = [
        "# cvclassify — evaluation report",
        "",
        f"Model `{report['model_version']}`; corpus `{report['corpus_fingerprint']}` "
        f"({report['proposals']} proposals, {report['heldout_proposals']} held out). "
        "Every figure below comes from proposals the scored model did not train on.",
        "",
    ]
    for warning in report.get("warnings", []):
        parts += [f"> **Attention :** {warning}", ""]
    for name, block in evaluations.items():
        parts += [f"## {name.replace('_', ' ').capitalize()} ({block['leaf']['documents']} documents)", "",
                  metrics_table(block), ""]
    parts += [image("metrics per level", "levels.png"), "", "## Targets", "",
              "| target | value | met |", "|---|---|---|"]
    for t in report.get("targets", []):
        sign = "≤" if "at most" in t["name"] else "≥"
        parts.append(f"| {t['name'].replace(' (at most)', '')} {sign} {t['target']} | {t['value']:.3f} | "
                     f"{'yes' if t['met'] else '**no**'} |")
    parts += officer_sections(evaluations)
    cal = detailed["calibration"]
    parts += ["", "## Calibration of every (document, code) score", "",
              f"ECE {cal['ECE']:.3f}, Brier {cal['Brier']:.4f}; mean top-1 score "
              f"{cal['top1_mean_score']:.3f} for a top-1 accuracy of {cal['top1_accuracy']:.3f}.", "",
              image("calibration", "calibration.png"), "", "## Most frequent confusions", "",
              "| gold | ranked first instead | count |", "|---|---|---|"]
    for c in detailed["confusions"]:
        parts.append(f"| {c['gold']} {label(c['gold'])[:60]} | {c['predicted']} {label(c['predicted'])[:60]} "
                     f"| {c['count']} |")
    parts += ["", "## Per code", "", image("per-code F1", "per_code_f1.png"), "",
              "| code | support | P | R | F1 |", "|---|---|---|---|---|"]
    for code, v in detailed["per_code"].items():
        parts.append(f"| {code} | {v['support']} | {v['P']:.2f} | {v['R']:.2f} | {v['F1']:.2f} |")
    path = directory / "report.md"
    atomic_write_text(path, "\n".join(parts) + "\n")
    return path


def plot_batch(summary, path: Path, taxonomy=None) -> Path:
    """Bar charts of a batch's first codes by axis and its most frequent codes (French labels)."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1, 2]})
    axes = sorted(summary.axes.items())
    names = [f"Axe {a}" for a, _ in axes]
    left.bar(names, [n for _, n in axes], color="#3b6ea5")
    left.set_title("Premier code, par axe")
    left.set_ylabel("demandes")
    codes = summary.codes.most_common(15)[::-1]
    def label(code: str) -> str:
        text = taxonomy[code].label if taxonomy is not None else ""
        return f"{code} {text[:45].rstrip()}…" if len(text) > 45 else f"{code} {text}".strip()

    right.barh([label(c) for c, _ in codes], [n for _, n in codes], color="#4f8a4f")
    right.set_title("Codes les plus fréquents (premier code)")
    right.xaxis.get_major_locator().set_params(integer=True)
    right.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"{summary.rows} demandes : {summary.classified} classées, {summary.to_review} à vérifier, "
                 f"{summary.errors} en erreur")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
