"""Lightweight markup sources as the Markdown the contract parsers read: a contract kept as AsciiDoc, MediaWiki, LaTeX
or Emacs Org text (an intranet's or a wiki's source, a report typeset in LaTeX) has its headings written « = », « == »,
« \\section{…} » or « * », its lists « * », « # », « . » or « \\item ». Each source is recognised by its own heading
marks (at least two headings), then its headings become « # » headings and its list items « - » items indented by
their depth; markup inside lines (links, bold, footnotes, commands) is left out. Other texts pass unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

ASCIIDOC_HEADING = re.compile(r"^(={1,6})\s+(?=[^=\n]*[^\W\d_])(\S.*)$")
WIKI_HEADING = re.compile(r"^(={1,6})\s*(?=[^=\n]*[^\W\d_])(\S.*?)\s*\1\s*$")
LATEX_HEADING = re.compile(r"^\s*\\(part|chapter|section|subsection|subsubsection|paragraph)\*?\s*"
                           r"(?:\[[^\]]*\])?\{(.*)\}\s*$")
ORG_HEADING = re.compile(r"^(\*{1,6})\s+(?:(?:TODO|DONE|NEXT|WAIT)\s+)?(?:\[#[A-C]\]\s+)?(\S.*?)(?:\s+:[\w@:]+:)?\s*$")
SIDE = re.compile(r"(?:indicateurs?|actions?|partenaires?|pilotes?|calendrier|budget|moyens|notes?)\b", re.IGNORECASE)
"""A heading over what stands beside an objective (« Indicateurs », « Actions »), not over objectives."""
LATEX_LEVELS = {"part": 1, "chapter": 1, "section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}


def as_markdown(text: str) -> str:
    """The text with its AsciiDoc, MediaWiki, LaTeX or Org markup written as Markdown (unchanged otherwise)."""
    lines = text.split("\n")
    if sum(bool(LATEX_HEADING.match(line)) for line in lines) >= 2:
        return "\n".join(_latex(lines))
    if sum(bool(WIKI_HEADING.match(line)) for line in lines) >= 2 and re.search(r"\[\[|\{\{|''|<ref\b", text):
        text = re.sub(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", "", text, flags=re.DOTALL)  # footnotes, over lines too
        return "\n".join(_wiki(text.split("\n")))
    if sum(bool(ASCIIDOC_HEADING.match(line)) for line in lines) >= 2 and re.search(
            r"^= \S|^:[\w-]+:", text, re.MULTILINE):  # a document title or an attribute: not a slide's « === »
        return "\n".join(_asciidoc(lines))
    if sum(bool(re.match(r"^\*{1,6}\s+\S", line)) for line in lines) >= 2 and re.search(
            r"^#\+(?:TITLE|AUTHOR|OPTIONS|STARTUP)|^\s*:PROPERTIES:", text, re.MULTILINE | re.IGNORECASE):
        return "\n".join(_org(lines))
    outline = paths_as_outline([line for line in lines if not line.startswith("#")])  # « # » opens a comment there
    return "\n".join(outline) if outline is not None else text


PATH_SEPARATORS = (r"\s*>\s*", r"\s*»\s*", r"\s*›\s*", r"\s*→\s*", r"\s+/\s+")
"""What separates the levels of a path written on one line or in one cell (« Axe 1 - Emploi > 1.2 Lever … »)."""
PATH_SHARE = 0.5
"""Share of the lines (or cells) that must be paths."""
INACTIVE = re.compile(r"[\[(](?:inactif|inactive|d[ée]sactiv[ée]e?|archiv[ée]e?|supprim[ée]e?)[\])]", re.IGNORECASE)


def paths_as_outline(cells: list[str]) -> list[str] | None:
    """Paths, one per line or cell (« Axe 1 - Emploi > 1.2 Lever les freins > 1.2.1 Développer la garde », a
    grant platform's nomenclature), as a dash outline of their levels, each level once (spelled twice, dashes or
    spaces aside, it is one node) and the paths marked inactive left out; None unless most lines are paths."""
    cells = [" ".join(cell.split()) for cell in cells if cell.strip()]
    for separator in PATH_SEPARATORS:
        paths = [[part for part in re.split(separator, cell) if part] for cell in cells]
        split = [parts for parts in paths if len(parts) >= 2]
        if len(split) < max(3, PATH_SHARE * len(cells)) or len({parts[0] for parts in split}) * 2 > len(split):
            continue  # paths share their first levels; lines of prose with a « / » do not
        outline: dict[str, dict] = {}
        spelled: dict[str, str] = {}
        for parts in paths:
            if len(parts) < 2 or INACTIVE.search(parts[-1]):
                continue
            level = outline
            for part in parts:
                key = "".join(c for c in unicodedata.normalize("NFKD", part.casefold()) if c.isalnum())
                level = level.setdefault(spelled.setdefault(key, part), {})
        return list(_outline_lines(outline, 1))
    return None


def _outline_lines(level: dict[str, dict], depth: int) -> Iterator[str]:
    for label, below in level.items():
        yield _item(depth, label)
        yield from _outline_lines(below, depth + 1)


def _item(depth: int, label: str) -> str:
    return "    " * (depth - 1) + "- " + label.strip()


def _asciidoc(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        heading = ASCIIDOC_HEADING.match(line)
        bullet = re.match(r"^(\*{1,5}|\.{1,5}|-)\s+(\S.*)$", line)
        if heading:
            out += ["", "#" * len(heading.group(1)) + " " + heading.group(2), ""]
        elif bullet:
            out.append(_item(1 if bullet.group(1) == "-" else len(bullet.group(1)), bullet.group(2)))
        elif re.match(r"^(?::[\w-]+:|\[[\w#.,=\" -]*\]\s*$|\|===|//|ifdef::|endif::|include::|image::|toc::)", line):
            out.append("")  # attributes, block attributes, table delimiters, comments, macros
        else:
            out.append(re.sub(r"\b(?:link|https?):\S*?\[([^\]]*)\]", r"\1", re.sub(r"\*([^*\n]+)\*", r"\1", line)))
    return out


def _wiki(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", line)  # [[target|text]] → text
        line = re.sub(r"\[https?://\S+\s+([^\]]*)\]", r"\1", re.sub(r"'{2,}", "", line))
        heading = WIKI_HEADING.match(line)
        bullet = re.match(r"^([*#:;]{1,5})\s*(\S.*)$", line)
        if heading:
            out += ["", "#" * len(heading.group(1)) + " " + heading.group(2), ""]
        elif bullet:
            out.append(_item(len(bullet.group(1)), bullet.group(2)))
        elif re.match(r"^\s*(?:\{\{|\}\}|\{\||\|\}|\|-|\||!|__\w+__)", line):
            out.append("")  # templates, tables, magic words
        else:
            out.append(line)
    return out


def _latex(lines: list[str]) -> list[str]:
    out, depth = [], 0
    for line in lines:
        line = re.sub(r"(?<!\\)%.*$", "", line)  # comments
        heading = LATEX_HEADING.match(line)
        if heading:
            out += ["", "#" * LATEX_LEVELS[heading.group(1)] + " " + _latex_inline(heading.group(2)), ""]
            continue
        if re.match(r"^\s*\\begin\{(?:itemize|enumerate|description)\}", line):
            depth += 1
            continue
        if re.match(r"^\s*\\end\{(?:itemize|enumerate|description)\}", line):
            depth = max(0, depth - 1)
            continue
        item = re.match(r"^\s*\\item(?:\[[^\]]*\])?\s*(.*)$", line)
        if item:
            out.append(_item(max(depth, 1), _latex_inline(item.group(1))))
        elif re.match(r"^\s*\\[a-zA-Z]+(?:\[[^\]]*\])?(?:\{[^}]*\})*\s*$", line) or "&" in line or "\\\\" in line:
            out.append("")  # a command alone (\begin{document}, \maketitle, \tableofcontents), a table's row
        else:
            out.append(_latex_inline(line))
    return out


def _latex_inline(text: str) -> str:
    """A line of LaTeX as its text: footnotes out, commands around text kept as their text, spacing and quotes."""
    text = re.sub(r"\\footnote\{(?:[^{}]|\{[^{}]*\})*\}", "", text)
    text = text.replace("\\og", "«").replace("\\fg{}", "»").replace("\\fg", "»").replace("--", "–")
    text = re.sub(r"\\[,;:!]|~", " ", text)
    for _ in range(3):
        text = re.sub(r"\\[a-zA-Z]+\*?(?:\[[^\]]*\])?\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([%&$#_])", r"\1", re.sub(r"\\[a-zA-Z]+\b\s*", "", text))
    return re.sub(r"[{}]", "", re.sub(r"  +", " ", text)).rstrip()


def _org(lines: list[str]) -> list[str]:
    out, drawer, skipped = [], False, 0  # skipped: the depth of a heading tagged « :noexport: », until its end
    words = {word for line in lines if (declared := re.match(r"^#\+(?:SEQ_|TYP_)?TODO:(.*)$", line, re.IGNORECASE))
             for word in re.findall(r"[^\s|()]+", declared.group(1))}  # « #+TODO: TODO EN-COURS | DONE »
    own = re.compile(rf"^(\*{{1,6}}\s+)(?:{'|'.join(map(re.escape, sorted(words)))})\s+") if words else None
    deepest = max((len(m.group(1)) for line in lines if (m := ORG_HEADING.match(line))), default=0)
    for line in lines:
        if own is not None:
            line = own.sub(r"\1", line)
        if re.match(r"^\s*:[A-Z]+:\s*$", line):
            drawer = line.strip() != ":END:"
            out.append("")
            continue
        heading = ORG_HEADING.match(line)
        if heading and skipped and len(heading.group(1)) <= skipped:
            skipped = 0
        if heading and re.search(r":noexport:\s*$", line):
            skipped = len(heading.group(1))
        if drawer or skipped or re.match(r"^\s*(?:#\+|(?:DEADLINE|SCHEDULED|CLOSED):)", line):
            out.append("")
        elif heading and len(heading.group(1)) >= 3 and deepest >= 3:  # the outline's lower levels: a list
            title = heading.group(2)
            out.append("    " * (len(heading.group(1)) - 3) + f"{title.rstrip(' :')} :" if SIDE.match(title)
                       else _item(len(heading.group(1)) - 2, title))  # « **** Indicateurs » heads its own list
        elif heading:
            out += ["", "#" * len(heading.group(1)) + " " + heading.group(2), ""]
        else:
            out.append(re.sub(r"\[\[[^\]]*\]\[([^\]]*)\]\]", r"\1", line))
    return out
