"""Page furniture of contract texts, removed before any layout parser reads them.

Text exports of real contracts (PDF, DOCX, ODT) carry what is not the document: running headers and footers
repeated on every page, page numbers, form feeds, footnotes, tables of contents with dot leaders. ``clean``
drops them and returns the lines that remain, each with its indentation and whether a page break preceded it
(a label may continue across it).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from cvclassify.io.laid_out import SYMBOL_FONT_BULLETS, page_columns

PICTOGRAM = re.compile(r"^(\f?\s*(?:#{1,6} +)?)(?:[A-Za-z]\s{2,}|(?<=# )[A-Z] )(?=(?:axe|pilier|enjeu|engagement"
                       r"|orientation|objectif|th[ée]matique|priorit[ée]|ambition|fiche)s?\b)", re.IGNORECASE)
"""A letter printed apart before a heading's keyword (« E   Engagement n°1 : … », or « # E Engagement n°1 : … » from a
Word heading whose spaces were collapsed): a pictogram font's glyph."""
SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009\u200a]")
PRIVATE_BULLETS = re.compile(f"[{SYMBOL_FONT_BULLETS}]")
PLACEHOLDER = re.compile(r"(?:cliquez|appuyez) (?:ou appuyez )?ici pour (?:entrer|taper|saisir)"
                         r"|click or tap here to enter|choisissez un [ée]l[ée]ment\.?\s*$|tapez le texte ici",
                         re.IGNORECASE)
"""The placeholder of a template's field left empty (« Objectif 2.4 : Cliquez ou appuyez ici pour entrer du
texte. »): the line is not the document's."""
SLIDE_BREAK = re.compile(r"^\s*[=\-#*_]{2,}\s*(?:diapositive|slide|diapo)\s*(?:n[°o]\s*)?\d+\s*[=\-#*_]*\s*$",
                         re.IGNORECASE)
"""The separator a presentation's text export prints between slides (« ===== Diapositive 7 ===== »)."""
PICTOGRAPHS = re.compile(r"^(\f?\s*(?:#{1,6}\s+|[-*+•>]\s+)?)(?:[\U0001F000-\U0001FAFF\u2600-\u260F\u2613-\u26FF"
                         r"\u2B00-\u2BFF\u2300-\u23FF\u25B8\u25B9\u25BE\u2139\u2705\u274C\u2757][\uFE0F\u200D]*\s*)+")
"""Emoji and pictographs opening a line (« 🏠 Axe 1 · Habiter … », a toggle's « ▸ », « - 🔴 logements … »), as a
wiki or a note-taking tool exports them: not the text's (bullet glyphs are kept)."""
EMOJI_ITEM = re.compile(r"^(\s*(?:>\s?)*)(?:[\U0001F000-\U0001FAFF\u2600-\u260F\u2613-\u26FF\u2B00-\u2BFF\u2705\u274C"
                        r"\u2757][\uFE0F\u200D]*\s*)+(?=[^\W\d_«\"])(?P<label>[^:]{1,80})$")
"""A short line opened by an emoji (« 🧒 Jeunesse »): an item when a few such lines follow one another, as a wiki or
a note-taking tool writes a list with emoji for bullets."""
LINK_NUMBER = re.compile(r"\[\d{1,3}\](?=[^\W\d_])")
"""A link's number before its text in a web page saved by a text browser (« [28]Kervalan-les Dunes », lynx -dump)."""
LIST_ITEM = re.compile(r"[•●▪■◆♦➢►✓‣·❖⁃◦○➔➜→\-–—*+]\s")
"""A bulleted line (private-use font bullets are « • » once ``normalise`` has run)."""
OCR_KEYWORD = re.compile(r"^(\f?\s*)(?:0b[ij]ectif|Obiectif|0biectif)(?=s?\b)")
"""« Objectif » as character recognition misreads it in a scanned contract (« 0bjectif », « Obiectif »)."""
TICKED = re.compile(r"^(\f?\s*)[☒☑🗹]")
"""A ticked box before an option a form retained (« ☒ La jeunesse »): a bullet."""
UNTICKED = re.compile(r"^\f?\s*[☐□]\s")
"""An empty box before an option a form did not retain (« ☐ Le numérique »): not the document's."""
PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.)\s*\d+(?:\s*(?:/|sur|de)\s*\d+)?|[-–—]?\s*\d{1,3}\s*[-–—]?|\d{1,3}\s*/\s*\d{1,3})\s*$",
    re.IGNORECASE)
PAGE_NUMBER_END = re.compile(r"(?:page|p\.)\s*\d+\s*(?:/|sur|de)\s*\d+\s*$", re.IGNORECASE)
TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|(?:\s?\.){4,})\s*\d+\s*$|\t\s*\d{1,3}\s*$|\s(?:\.{1,3}|…)\s+\d{1,3}\s*$")
"""A table of contents' line: its dot leader (cut to « . » or « ... » when the title is long) or a tab, then its
page."""
SUPERSCRIPT_NOTE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*\S")
WEB_FURNITURE = re.compile(
    r"^\s*(?:lire la suite|en savoir plus|voir (?:plus|la carte\b.*)|retour en haut(?: de (?:la )?page)?"
    r"|imprimer(?: la page)?|partager sur \w+|envoyer par (?:courriel|e-mail|mail)"
    r"|aller (?:au contenu|à la recherche|au pied de page)|haut de page|fermer|menu|rechercher)\s*[.…›>]*\s*$",
    re.IGNORECASE)
"""A web page's links and buttons, copied with its text (« Lire la suite », « Retour en haut de page »)."""
STAR_NOTE = re.compile(r"^\s*\*{1,3}\s*[A-ZÉÈÀ]")
STAR_MARK = re.compile(r"\w\*{1,3}(?=[\s.,;:)]|$)")
DIGIT_NOTE = re.compile(r"^\s*(\d{1,2})\s+[A-ZÉÈÀÂÎÔ]")
"""A footnote whose number a PDF's text gives as a plain digit (« 2 En lien avec le conseil local… »)."""
NOTE_REACH = 120
"""Lines before a page where a footnote's mark may stand (a note printed at the foot of the next page)."""
GLUED_MARK = r"(?<=[a-zà-ÿ]{{3}}){}(?=[\s.,;:)]|$)"
"""A footnote mark glued to the word before it (« santé mentale2 »), for a given number."""
HEADING = re.compile(r"^\s*(?:fiche|axe|pilier|enjeu|ambition|priorit|orientation|objectif|chapitre|partie)",
                     re.IGNORECASE)
"""A heading that repeats on several pages (« FICHE THÉMATIQUE N°2 ») is not a running header."""
ZONE = 9
"""Lines at the top and at the bottom of a page where running headers and footers are looked for."""
MD_HEADING = re.compile(r"^(\f?)[ \t]{0,3}(?P<hashes>#{1,6})[ \t]+(.*?)[ \t#]*$")
MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S) ?\*\*|__(?=\S)(.+?)(?<=\S)__")
"""Bold text in Markdown, « **Axe 1 – Éducation **» too (a space before the closing stars, as converters leave it)."""
MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
"""A character a Markdown converter escaped (« 1\\. L'égalité », « \\* »): the character itself."""
MD_QUOTE = re.compile(r"^\s*(?:>\s?)+")
"""The marks of a Markdown quotation or callout (« > Trois priorités transversales … »)."""
MD_BULLET = re.compile(r"^(\f?)( +)(?=[-*+•]\s+\S)")
MD_TASK = re.compile(r"^(\f?\s*[-*+]\s+)\[[ xX]\]\s+(?=\S)")
"""A Markdown task box (« - [x] », « - [ ] »): a bullet of a checklist, ticked or not."""
MD_NOTE = re.compile(r"\s+[—–]\s+(?:⚠️?\s*)?\*(?=[^\s*])[^*\n]+\*\s*$")
"""A note in italics after a dash at the end of an item (« … des quartiers — *à confirmer avec la Région* »)."""
MD_ITALIC = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![\w*])")
"""Italic text in Markdown (« *Exemples d'actions :* »); a bullet's star is followed by a space."""
MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)|!\[[^\]]*\]\[[^\]]*\]")
"""A Markdown link or image (« [Axe 1 – Grandir⇥8](#heading=h.3znysh7) », « ![][image1] »): its text, an image's
alternative text."""
MD_CONTENTS_ENTRY = re.compile(r"(?:[-*+]\s+|\d{1,2}\.\s+)?\[[^\]]*\]\(#[^()\s]*\)")
"""A line that is only a link to a heading of the document (« [Axe 1 – Grandir⇥8](#heading=h.3znysh7) »,
« - [Pilier 1 : Cohésion sociale](#pilier-1) »): an entry of its contents."""
MD_ATTRIBUTES = re.compile(r"\s*\{#[^{}]*\}\s*$")
"""A heading's identifier as Google Docs or pandoc writes it (« ## Axe 1 {#axe-1---grandir} »)."""
MD_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*<?(?:data:|https?:|#)")
"""A link or image reference's definition (« [image1]: <data:image/png;base64,…> »): not text."""


@dataclass
class Line:
    """A line of the document that is not page furniture."""

    number: int
    """1-based line number in the text (for messages)."""
    indent: int
    text: str
    """The line without its indentation, spaces normalised."""
    after_break: bool = False
    """A page break (with its furniture) came just before this line."""
    heading: int = 0
    """A Markdown heading's level (« ## » → 2; a DOCX or ODT contract's headings are written so), else 0."""


def normalise(line: str) -> str:
    """Spaces of every kind as plain spaces, private-use font bullets and ticked boxes as « • », tabs expanded, a
    pictogram's letter before a level's keyword, emoji opening a line and a text browser's link numbers left out, a
    slide's separator a page break, « Objectif » as character recognition misreads it mended."""
    line = TICKED.sub(r"\1•", SPACES.sub(" ", line.replace("\r", "")))
    if SLIDE_BREAK.match(line):
        return "\f"  # a presentation's text: each slide a page, its footer running furniture
    line = PICTOGRAPHS.sub(r"\1", OCR_KEYWORD.sub(r"\1Objectif", LINK_NUMBER.sub("", line)))
    return PICTOGRAM.sub(r"\1", PRIVATE_BULLETS.sub("•", line).expandtabs(4).rstrip())


@functools.lru_cache(maxsize=1 << 16)
def _key(line: str) -> str:
    """A line reduced for comparison between pages: digits and spaces blurred, case and accents folded (each layout
    parser cleans the same lines: cached)."""
    text = unicodedata.normalize("NFKD", line.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"\d+", "0", text)).strip()


def _pages(raw: list[str]) -> list[list[int]]:
    """Line indices of each page: split at form feeds, else after page-number lines."""
    pages: list[list[int]] = [[]]
    for i, line in enumerate(raw):
        if "\f" in line and pages[-1]:
            pages.append([])
        pages[-1].append(i)
    if len(pages) > 1:
        return pages
    pages = [[]]
    for i, line in enumerate(raw):
        pages[-1].append(i)
        if PAGE_NUMBER.match(line) or PAGE_NUMBER_END.search(line):
            pages.append([])
    return [p for p in pages if p]


def clean(text: str, keep: re.Pattern | None = None) -> list[Line]:
    """The lines of a contract without its page furniture (blank lines kept as empty texts); lines matching
    ``keep`` (table rows whose header repeats on every page) are never taken for a running header."""
    original = _emoji_bullets(_space_outline(_tab_outline(_bold_joined(_underlined(_unquoted(page_columns(
        text.split("\n"))))))))
    raw, depths = _plain_markdown([normalise(line) for line in original])
    pages = _pages(raw)
    furniture: set[int] = set()
    zones: list[list[int]] = []
    for page in pages:
        filled = [i for i in page if raw[i].replace("\f", "").strip()]
        zones.append(sorted(set(filled[:ZONE]) | set(filled[-ZONE:])))
    seen = Counter(k for zone in zones for k in {_key(raw[i].replace("\f", "")) for i in zone})
    threshold = max(2, round(0.6 * (len(pages) - 1)))  # every page but the title page, give or take
    for zone in zones:
        for i in zone:
            if (len(pages) > 2 and seen[_key(raw[i].replace("\f", ""))] >= threshold and not HEADING.match(raw[i])
                    and not depths[i] and not _announces_list(raw, i)
                    and not (keep and keep.match(raw[i].replace("\f", "")))):
                furniture.add(i)  # a document's heading (« ###### Constats » atop each axis's section) is not, nor a
                # line announcing a list (« Actions envisagées : » at a page's foot under each objective)
    if len(pages) <= 2:
        furniture |= _running_lines(raw, depths)
    for i, line in enumerate(raw):
        if PAGE_NUMBER.match(line.replace("\f", "")) or PAGE_NUMBER_END.search(line):
            furniture.add(i)
        elif WEB_FURNITURE.match(line.replace("\f", "")) or UNTICKED.match(line) or PLACEHOLDER.search(line):
            furniture.add(i)
        elif TOC_LINE.search(original[i].rstrip()):
            furniture.add(i)
            j = i  # an entry wrapped over lines (« Fiche n°1 – Éducation et » / « parentalité ...... 4 »)
            while j > 0 and raw[j].strip()[:1].islower() and raw[j - 1].strip() and not TOC_LINE.search(
                    original[j - 1].rstrip()):
                j -= 1
                furniture.add(j)
    furniture |= _contents(raw)
    breaks = set(furniture)  # running headers, footers and page numbers: a page turns there, form feed or not
    _drop_footnotes(raw, furniture)
    lines: list[Line] = []
    page_starts = {page[0] for page in pages[1:]}
    pending_break = False
    for i, line in enumerate(raw):
        if i in page_starts:
            pending_break = True
        if i in furniture:
            pending_break = pending_break or (i in breaks and not TOC_LINE.search(original[i].rstrip()))
            continue
        text = line.replace("\f", "")
        stripped = text.lstrip()
        lines.append(Line(i + 1, len(text) - len(stripped), stripped, pending_break and bool(stripped), depths[i]))
        if stripped:
            pending_break = False
    return lines


CONTENTS = re.compile(r"^\s*(?:sommaire|table des mati[eè]res|plan du document|au sommaire)\s*:?\s*$", re.IGNORECASE)
ENTRY_NUMBER = re.compile(r"^\s*#*\s*(?:(?:\d{1,2}|[ivx]{1,5}|[a-h])(?:\.\d{1,2})*[.)]?|partie \w+)?\s*[-–—:.]?\s*"
                          r"|\s{2,}\d{1,3}\s*$", re.IGNORECASE)
"""What an entry of a table of contents and its heading may not share: the heading's marks and number, the entry's
page."""


def _contents(raw: list[str]) -> set[int]:
    """The entries of a table of contents printed without dot leaders (« SOMMAIRE » over « 1. Préambule », « 1.1 Le
    cadre national », …): the lines after its title whose text, numbers aside, stands again further down the document
    as a heading, or that end with their page's number set apart; the first line that does neither ends it."""
    found: set[int] = set()
    for start, line in enumerate(raw):
        if not CONTENTS.match(line.replace("\f", "")):
            continue
        keys = Counter(_key(ENTRY_NUMBER.sub("", other.replace("\f", ""))) for other in raw[start + 1:])
        blanks = 0
        for i in range(start + 1, min(len(raw), start + 80)):
            text = raw[i].replace("\f", "").strip()
            if not text:
                blanks += 1
                if blanks > 1 and found:
                    break
                continue
            blanks = 0
            key = _key(ENTRY_NUMBER.sub("", text))
            if not key or (keys[key] < 2 and not re.search(r"\S\s{2,}\d{1,3}$", text)):  # printed again as a
                break  # heading, or ending with its page's number
            found.add(i)
        break
    return found


RUNNING_GAP = 20
"""Lines between two prints of a running header or footer, at least, in a text without page breaks."""


def _announces_list(raw: list[str], i: int) -> bool:
    """Whether line ``i`` ends with a colon over a bulleted list (« Actions envisagées : » over « • … »)."""
    if not raw[i].rstrip().endswith(":"):
        return False
    following = next((line.replace("\f", "").strip() for line in raw[i + 1:i + 4] if line.strip()), "")
    return LIST_ITEM.match(following) is not None


def _running_lines(raw: list[str], depths: list[int]) -> set[int]:
    """The running headers and footers of a text copied without its page breaks (a PDF viewer's copy): short lines
    printed three times or more, at least ``RUNNING_GAP`` lines apart, that are neither headings (Markdown's, whose
    level ``depths`` gives, included: « ###### Constats » atop each axis), list items nor lines announcing a list
    (« Actions envisagées : » repeats too)."""
    seen: dict[str, list[int]] = {}
    for i, line in enumerate(raw):
        text = line.replace("\f", "").strip()
        if (not text or len(text.split()) > 12 or text.endswith(":") or HEADING.match(text) or depths[i]
                or re.match(r"^(?:[-–—•*▪◦]|\d{1,2}[.)]|[A-Za-z][.)])\s", text)):
            continue
        seen.setdefault(_key(text), []).append(i)
    return {i for lines in seen.values() if len(lines) >= 3 and min(
        b - a for a, b in pairwise(lines)) >= RUNNING_GAP for i in lines}


UNDERLINE = re.compile(r"^\s*([=\-~^*+#])\1{2,}\s*$")
"""A line of one repeated mark (« ===== », « ----- », « ~~~~~ »): a heading's underline in Markdown (setext) or
reStructuredText."""


def _underlined(lines: list[str]) -> list[str]:
    """Headings underlined (« Titre » over « ===== ») as Markdown headings, their levels in the order the marks first
    appear (« = » then « - », as Markdown and most reStructuredText write them); the underline becomes a blank
    line. A rule after a blank line, or under a line that is not text, is left alone."""
    levels: dict[str, int] = {}
    out = list(lines)
    for i in range(1, len(out)):
        mark = UNDERLINE.match(out[i])
        above = out[i - 1].strip()
        if (mark and above and not UNDERLINE.match(above) and not above.startswith(("|", "#", "+", "-", "*", "•"))
                and len(mark.group(0).strip()) >= 0.6 * len(above)):
            level = levels.setdefault(mark.group(1), len(levels) + 1)
            out[i - 1], out[i] = "#" * min(level, 6) + " " + above, ""
    return out


def _bold_joined(lines: list[str]) -> list[str]:
    """A bold line wrapped over two or three lines (« **Orientation 1.1 – … à » / « l'insertion professionnelle** »,
    as pandoc wraps a Word file's bold title) on one line; the lines it took become blank."""
    out = list(lines)
    for i, line in enumerate(out):
        if not line.lstrip().startswith("**") or line.count("**") % 2 == 0:
            continue
        for j in range(i + 1, min(i + 3, len(out))):
            if not out[j].strip() or out[j].lstrip().startswith(("**", "#", "-", "*")):
                break
            if out[j].count("**") % 2:
                out[i] = " ".join(part.strip() for part in out[i:j + 1])
                out[i + 1:j + 1] = [""] * (j - i)
                break
    return out


TAB_ITEM = re.compile(r"^(\f?)(\t+)(?=[^\s•\-–—*])([^\t]+)$")
"""A line indented by tabs, with no bullet and no other tab (an outline exported by an outliner or a mind map)."""


def _tab_outline(lines: list[str]) -> list[str]:
    """An outline indented by tabs without bullets (« Cohésion sociale » / « <TAB>Réussite éducative » /
    « <TAB><TAB>Développer … ») as dash lists nested by their tabs, when at least four lines are such items and no
    line of the text is a tab-indented bullet; the lines without a tab stay headings."""
    items = [TAB_ITEM.match(line) for line in lines]
    if sum(item is not None for item in items) < 4 or any(
            re.match(r"^\f?\t+[•\-–—*]\s", line) for line in lines):
        return lines
    return [f"{item.group(1)}{'    ' * (len(item.group(2)) - 1)}- {item.group(3)}" if item else line
            for line, item in zip(lines, items, strict=True)]


ITEM_MARK = re.compile(rf"^(?:[•●▪■◆♦➢►✓‣·❖⁃◦○➔➜→⇒▶✔√□❑{SYMBOL_FONT_BULLETS}*+\-–—]|o\s|\(?(?:\d{{1,2}}|[A-Za-z]"
                       r"|[IVXivx]{1,5})(?:\.\d{1,2})*\s?[.)°/:–-]\s)")
"""A line that starts with a bullet, a dash or a number: a list already marked."""
INFINITIVE = re.compile(r"^(?:[A-ZÉÈÀÂÎÔ][a-zéèêëàâîïôûç'-]+(?:er|ir|re|oir))\b")
SPACE_OUTLINE_ITEMS = 4


def _space_outline(lines: list[str]) -> list[str]:
    """An outline indented by spaces without bullets, as a word processor's indented paragraphs give it
    (« Cohésion sociale » / « ␣␣␣␣Favoriser la réussite éducative » / « ␣␣␣␣␣␣␣␣Développer … »), as dash lists
    nested by their indentation. Only blocks (lines between blank lines) under a short title (their first line,
    or the line above the blank before them, less indented), whose indented lines are short sentences starting
    with a capital (a line in lower case goes on the one above), none marked as a list item nor cut in columns,
    at least half of them starting with a verb (« Favoriser », « Développer »), and at least four such items in
    the text; a line less indented than the block's first ends its outline."""
    texts = [normalise(line.replace("\f", "")) for line in lines]
    blocks: list[list[int]] = [[]]
    blank = False
    for i, text in enumerate(texts):
        if not text.strip():
            blank = True
            continue
        if blank and blocks[-1] and _indent(text) <= _indent(texts[blocks[-1][0]]):
            blocks.append([])  # a blank line ends a block unless the outline goes on, more indented (a PDF's
        blocks[-1].append(i)   # paragraph spacing)
        blank = False
    found: list[tuple[int, str]] = []
    above: str | None = None  # the last line of the block before
    for block in (b for b in blocks if b):
        titled = above is not None and (above.startswith("#") or (_title(above) and _indent(above) < _indent(
            texts[block[0]])))
        found += _outline_block([(i, texts[i]) for i in block], titled)
        above = texts[block[-1]]
    if len(found) < SPACE_OUTLINE_ITEMS:
        return lines
    out = list(lines)
    for i, text in found:
        out[i] = ("\f" if lines[i].startswith("\f") else "") + text
    return out


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _title(text: str) -> bool:
    """A short line that may title an outline (not a sentence; a Markdown heading too)."""
    words = text.lstrip(" #").split()
    return 0 < len(words) <= 12 and not text.rstrip().endswith((".", ";", ",")) and words[0][:1].isupper()


def _outline_block(block: list[tuple[int, str]], titled: bool) -> list[tuple[int, str]]:
    """The lines of one block rewritten as dash items (``titled``: the line above the block is their title), or
    nothing when the block is not such an outline."""
    indents = [_indent(text) for _, text in block]
    base = -1 if titled else indents[0]  # the titles' indentation
    if not titled and (len(block) < 3 or not _title(block[0][1])):
        return []
    rewritten: list[tuple[int, str]] = []
    items, verbs, item_indent = 0, 0, None
    for (i, text), indent in zip(block, indents, strict=True):
        words = text.split()
        if indent < indents[0]:
            break  # the outline ends (« Gouvernance » after it)
        if ITEM_MARK.match(text.lstrip()) or re.search(r"\S {3,}\S", text.strip()):
            return []
        if indent == base:  # a title, or its wrapped end in lower case
            if not (_title(text) or (words[0][:1].islower() and i != block[0][0])):
                if items:
                    break  # the outline ends (a sentence after it)
                return []
            item_indent = None
            continue
        if words[0][:1].islower() and item_indent is not None and indent >= item_indent:
            rewritten.append((i, " " * (item_indent + 2) + text.strip()))  # the item above goes on
            continue
        if not words[0][:1].isupper() or len(words) > 30 or text.rstrip().endswith(":"):
            return []
        items += 1
        verbs += bool(INFINITIVE.match(words[0]))
        item_indent = indent
        rewritten.append((i, " " * indent + "- " + text.strip()))
    return rewritten if items >= 2 and 2 * verbs >= items else []


def _emoji_bullets(lines: list[str]) -> list[str]:
    """Two or more lines in a row that an emoji opens (« > 🧒 Jeunesse » / « > ⚖️ Égalité femmes-hommes ») as a
    list, the emoji a bullet; an emoji alone before a line is left out later (``PICTOGRAPHS``)."""
    found = [EMOJI_ITEM.match(line) if len(line.split()) <= 12 else None for line in lines]
    out = list(lines)
    for i, match in enumerate(found):
        if match and ((i > 0 and found[i - 1]) or (i + 1 < len(found) and found[i + 1])):
            out[i] = f"{match.group(1)}• {match.group('label').strip()}"
    return out


def _unquoted(lines: list[str]) -> list[str]:
    """The lines of a text pasted in an e-mail as a quotation (« > » at the start of most lines) without the marks."""
    filled = [line for line in lines if line.strip()]
    if not filled or sum(line.lstrip().startswith(">") for line in filled) < 0.6 * len(filled):
        return lines
    return [re.sub(r"^\s*(?:>\s?)+", "", line) for line in lines]


def _plain_markdown(lines: list[str]) -> tuple[list[str], list[int]]:
    """The lines of a Markdown export (a PDF or word processor converted to Markdown) as the parsers read text:
    « ## Axe 1 : … » without its hashes and identifier, « **bold** » and « *italic* » without their stars, links as
    their text, images and their definitions left out, and two-space list nesting widened to four spaces (a level
    of indentation is three spaces or more); and each line's heading level (« ## » → 2, else 0). Other texts are
    returned as they are."""
    if sum(bool(MD_HEADING.match(line)) for line in lines) < 2 and sum("**" in line for line in lines) < 2:
        return lines, [0] * len(lines)
    nested = [len(m.group(2)) for line in lines if (m := MD_BULLET.match(line))]
    widen = bool(nested) and min(nested) == 2 and all(n % 2 == 0 for n in nested)
    out, depths = [], []
    for line in lines:
        heading = MD_HEADING.match(line)
        depths.append(len(heading.group("hashes")) if heading else 0)
        line = "" if MD_DEFINITION.match(line) else MD_ATTRIBUTES.sub("", MD_HEADING.sub(r"\1\3", line))
        if MD_CONTENTS_ENTRY.fullmatch(line.strip()):
            line = ""  # « [Axe 1 – Grandir⇥8](#heading=h.3znysh7) »: an entry of the contents, linked to its heading
        line = MD_NOTE.sub("", MD_TASK.sub(r"\1", line))
        line = MD_ITALIC.sub(r"\1", MD_BOLD.sub(lambda m: m.group(1) or m.group(2), MD_LINK.sub(r"\1", line)))
        line = MD_QUOTE.sub("", MD_ESCAPE.sub(r"\1", line))  # a quotation or callout: its text
        if widen:
            line = MD_BULLET.sub(lambda m: m.group(1) + m.group(2) * 2, line)
        out.append(line)
    return out, depths


def _drop_footnotes(raw: list[str], furniture: set[int]) -> None:
    """Footnotes (« ¹ Source : … », or « * … » when a word of the text above carries a star) and their
    continuation lines, up to the next blank line, heading or page break (a PDF's text has no blank lines)."""
    starred = False
    page_start = 0
    i = 0
    while i < len(raw):
        if "\f" in raw[i]:
            page_start = i
        line = raw[i].replace("\f", "")
        note = SUPERSCRIPT_NOTE.match(line) or (starred and STAR_NOTE.match(line)) or _digit_note(
            raw, i, page_start, furniture)
        if note and i not in furniture:
            start = i
            while i < len(raw) and raw[i].replace("\f", "").strip() and (
                    i == start or ("\f" not in raw[i] and not HEADING.match(raw[i])
                                   and not SUPERSCRIPT_NOTE.match(raw[i]) and not DIGIT_NOTE.match(raw[i]))):
                furniture.add(i)
                i += 1
            starred = False
            continue
        if i not in furniture and STAR_MARK.search(line):
            starred = True
        i += 1


def _between_text(raw: list[str], j: int, furniture: set[int]) -> bool:
    """Whether the nearest lines with text before and after line ``j`` are running text, not page furniture (a page
    number alone on its line stands at a page's top or foot)."""
    before = next((k for k in range(j - 1, max(-1, j - 4), -1) if raw[k].strip()), None)
    after = next((k for k in range(j + 1, min(len(raw), j + 4)) if raw[k].strip()), None)
    return (before is not None and after is not None and before not in furniture and after not in furniture
            and "\f" not in raw[j] and "\f" not in raw[after])


def _digit_note(raw: list[str], i: int, page_start: int, furniture: set[int]) -> bool:
    """Whether line ``i`` is a footnote numbered with a plain digit: a word above it, on its page or the one before,
    carries that number glued to it (« mentale2 »), which is then taken off; and no running text follows it on its
    page."""
    number = DIGIT_NOTE.match(raw[i].replace("\f", ""))
    if number is None:
        return False
    glued = re.compile(GLUED_MARK.format(number.group(1)))
    alone = re.compile(r"^\s*" + number.group(1) + r"\s*$")  # a raised mark the layout put on a line of its own
    reach = range(i - 1, max(0, page_start - NOTE_REACH) - 1, -1)
    marked = [j for j in reach if j not in furniture and glued.search(raw[j])][:1] or [
        j for j in reach if alone.match(raw[j]) and _between_text(raw, j, furniture)][:1]
    mark = glued if marked and glued.search(raw[marked[0]]) else alone
    if not marked:
        return False
    for line in raw[i + 1:]:
        if "\f" in line:
            break
        text = line.strip()
        if text and not DIGIT_NOTE.match(text) and not PAGE_NUMBER.match(text) and len(text.split()) > 12:
            return False  # running text goes on below: a numbered line of the text, not a note
    for j in marked:
        raw[j] = mark.sub("", raw[j])
    return True
