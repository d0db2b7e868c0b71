"""The outline engine shared by the contract parsers that read headings and lists.

A contract's objectives are an outline: headings named by keywords (« Pilier 1 », « ENJEU 2 », « Orientation
1.2 », « Objectif opérationnel 1.2.3 », « Premier objectif stratégique »), numbered items (« A. », « 1) »,
« IV. »), bullet and dash lists with sub-lists, plain headings over lists. ``read_items`` turns the cleaned
lines (``pages.clean``) into structural items; ``build`` nests them by the order in which each kind of item
first appears (the first kind is the top level), joins labels wrapped over lines and pages, keeps the text
under a node as its description, and leaves out what is not an objective: lists introduced by « Exemples
d'actions », « Partenaires », « Indicateurs »…, encadrés, tables of contents, document sections. Lists
announced as transversal (« axes transversaux », « préoccupations transversales ») become the transversal
family.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from cvclassify.taxonomy.parsers.pages import Line

ORDINALS = {"premier": 1, "premiere": 1, "1er": 1, "1re": 1, "deuxieme": 2, "second": 2, "seconde": 2,
            "troisieme": 3, "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8,
            "neuvieme": 9, "dixieme": 10}
KEYWORDS = {
    "axe strategique": "axe", "axe thematique": "axe", "axe": "axe", "pilier": "pilier", "enjeu": "enjeu",
    "ambition": "ambition", "priorite": "priorite", "fiche thematique": "fiche", "thematique": "thematique",
    "volet": "volet", "defi": "defi", "chantier": "chantier", "engagement": "engagement", "theme": "theme",
    "orientation strategique": "orientation",
    "orientation": "orientation", "objectif strategique": "objectif strategique",
    "objectif operationnel": "objectif operationnel", "objectif general": "objectif general",
    "objectif specifique": "objectif specifique", "objectif": "objectif", "sous-objectif": "sous-objectif",
    "sous-theme": "sous-theme", "sous-thematique": "sous-theme",
    "os": "objectif strategique", "oo": "objectif operationnel", "og": "objectif general", "obj": "objectif",
}
"""Keywords that name a level of the tree (folded) → the level they stand for."""
ABBREVIATIONS = ("os", "oo", "og")
"""Keywords written as a code's prefix (« OS1 – … », « OO1.2 – … »): the code keeps them."""
PREFIXED = re.compile(r"^(?:OS|OO|OG)\d")
PREFIX_LETTERS = re.compile(r"^(?:OS|OO|OG)(?=\d)")
_KW = "|".join(sorted((k.replace(" ", r"s?\s+") for k in KEYWORDS), key=len, reverse=True))
KEY_VALUE_ROW = re.compile(r"^([^\s:|][^:|]{0,40}?\S)\s{5,}(?=\S)")
"""A row of a two-column key/value table in a PDF's text: a short key, a wide gap, its value."""
NODE_REFERENCE = re.compile(rf"^(?:pour|au titre de|concernant|s.agissant de|dans)\s+(?:l.|le |la )?(?:{_KW})s?\s+"
                            r"(?:n[°o]\s*)?(?P<code>\d{1,2}(?:\.\d{1,2})*|[a-h]|[ivx]{1,4})\)?\s*:$")
"""A line naming a node of the tree by its level and code, over its list (« Pour l'orientation a) : »), folded."""
QUALIFIERS = r"strategique|prioritaire|operationnel(?:le)?|generale?|specifique|thematique|majeure?|cle"
"""Words that may qualify a level's keyword without naming another level (« Priorité stratégique 1 »,
« Objectif prioritaire 1.2 »): the level is the keyword's."""
KEYWORD_LINE = re.compile(
    rf"^(?:(?P<ord>{'|'.join(ORDINALS)})\s+)?(?P<kw>{_KW})s?(?:(?<=obj)\.)?(?![^\W\d_]|['’])(?:\s+(?:{QUALIFIERS})s?(?![\w'’]))?"
    r"\s*(?:n[°o]\s*)?"
    r"(?P<code>\d+(?:\.\d+)*|(?:[ivxlc]{1,5}|[a-h])(?:\.\d+)+|[a-h]\d{1,2}|[ivxlc]{1,5}|[a-h])?(?![\w'’])\.?\s*"
    r"(?P<sep>[:.\-–—)|·•])?\s*(?P<label>.*)$")
KEYWORD_PREFIX = re.compile(rf"^(?:{_KW})s?\s*(?:\d+(?:\.\d+)*|[ivx]{{1,5}})\s*[:|–—-]\s*")
"""A level's keyword and number before a part's title (« axe 1 | chiffres reperes », folded)."""
NUMBERED = re.compile(r"^(?P<code>\d{1,2}[a-h](?=\))|\d{1,2}|[A-H]|[a-h]|[IVX]{1,5}|(?:i{1,3}|iv|vi{0,3}|ix|x)(?=[.)]))"
                      r"(?P<sep>[.)°/]|\s?[-–—])\s+(?P<label>\S.*)$")
"""« 1. », « 2) », « A. », « IV. », « 1° », « 1/ », « 1 - », « ii) »: a numbered item."""
COUNT_COLUMN = re.compile(r"\s{3,}\d{1,3}\s+[^\W\d_]+\s*$")
"""A recapitulative table's count set apart after a heading's label (« AXE 1   Vivre dignement …   4 objectifs »)."""
CONTINUED = re.compile(r"\s*\((?:suite|fin|suite et fin)\)\s*$", re.IGNORECASE)
"""A heading printed again over the rest of its content (« (suite) »), on a slide or after a page break."""
SPACED_HEADING = re.compile(r"^(?P<code>[IVX]{1,5}|\d{1,2})(?P<sep>\s)\s*(?P<label>[A-ZÉÈÀÂÎÔ][^\W\d_].*)$")
"""A heading numbered with only a space or a tab before its title (« I⇥Cohésion sociale », « 2 Emploi »)."""
DOTTED = re.compile(r"^(?P<code>(?:\d{1,2}|[A-Za-z]|[IVX]{2,4})(?:\.(?:\d{1,2}|[A-Za-z])){1,3})\.?\s*[-–—:]?\s+"
                    r"(?P<label>\S.*)$")
"""« 1.2 », « 1.2.3 », « 1.a », « A.1 », « II.3 »: an item whose code holds its parents' codes."""
LETTER_CODED = re.compile(r"^(?P<code>[A-H]\d{1,2})\s*[-–—:.)]?\s+(?P<label>[A-ZÉÈÀÂÎÔ][^\W\d_].*)$")
"""« A1 Poursuivre la rénovation … »: an objective coded by its axis's letter and its rank, « A.1 » without a dot."""
GLYPHS = {"•": "dot", "●": "dot", "▪": "dot", "■": "dot", "◆": "dot", "♦": "dot", "➢": "dot", "►": "dot",
          "✓": "dot", "‣": "dot", "·": "dot", "❖": "dot", "⁃": "dash", "-": "dash", "–": "dash", "—": "dash",
          "o": "circle", "◦": "circle", "○": "circle", "*": "star", "+": "star", "➔": "arrow", "➜": "arrow",
          "→": "arrow", "⇒": "arrow", "▶": "arrow", "✔": "check", "√": "check", "□": "box", "❑": "box",
          # symbol-font bullets as a PDF's or a word processor's text gives them (private use area)
          "\uf0b7": "dot", "\uf076": "dot", "\uf0a7": "box", "\uf0d8": "arrow", "\uf0e0": "arrow",
          "\uf0fc": "check"}
"""Bullet glyphs → the kind of list they mark (two glyphs of one kind are one list level)."""
SYMBOL_BULLETS = "".join(glyph for glyph in GLYPHS if glyph not in "-–—*+o")
"""The glyphs that are bullets wherever they stand (a dash or a star may be text)."""
BULLET = re.compile(rf"^(?P<glyph>[{SYMBOL_BULLETS}\-–—*+]|o(?=\s))\s+(?P<label>\S.*)$")
SECTION = re.compile(r"^(?:(?:\d{1,2}(?:\.\d{1,2})?\.?|[IVX]{1,5}\.|[A-H]\.?)\s+[A-ZÉÈÀÂÎÔ]"
                     r"|(?i:(?:partie|chapitre|titre|article)\s+\w+|(?:premi[eè]re|deuxi[eè]me|troisi[eè]me|quatri[eè]me"
                     r"|cinqui[eè]me|sixi[eè]me|seconde)\s+partie\b|annexe\b))")
"""A heading of the document itself (« 3.2 Gouvernance », « Chapitre 4 », « Article 2 – … », « TROISIÈME PARTIE »)."""
NUMBERED_SECTION = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+([A-ZÉÈÀÂÎÔ][^.;:]*)$")
"""A numbered section of the document (« 3.1 L'éducation »): the tree's heading when objectives are listed below."""
QUARTER = re.compile(r"^(?:(?:le|les) )?(?:quartiers?|qpv)\b|^presentation des quartiers")
"""A section about the neighbourhoods (« 7.1 Quartier des Tilleuls »): its lists are their stakes, not the tree."""
PREFACE = re.compile(r"^(?:preambule|introduction|avant-propos|contexte|presentation|diagnostic|sommaire"
                     r"|table des matieres)\b")
"""A heading of the document's opening parts: a section, never a node of the tree."""
STOP_WORDS = ("gouvernance", "pilotage", "signataire", "annexe", "evaluation", "suivi et", "moyens", "engagements des",
              "mise en oeuvre", "modalites", "financement", "calendrier", "glossaire", "sommaire", "par quartier",
              "declinaison territoriale", "fiches quartiers", "qui fait quoi", "references")
PAGE_STATUS = re.compile(r"^(?:statut|etat d.avancement|version|derniere (?:modification|mise a jour)|mis a jour le"
                         r"|proprietaire|auteure?)\s*:\s*\S")
"""A line about the page or document itself (« Statut : VALIDÉ · Validé en COPIL … »), folded."""
STOP_HEADING = re.compile(r"^(?:suivi|bilan|historique(?: des (?:versions|modifications))?|a faire|questions?"
                          r"|remarques|notes?|contacts?|documents? a telecharger|prochaines etapes)\s*[?:]?$")
"""A heading of its own after the tree (« ## Suivi », « Historique des versions »), folded: the tree is over."""
OBJECTIVE_HEADERS = re.compile(r"\bobjectifs?\b|\borientations?\b|\benjeux\b|\bpriorites\b")
ANNOUNCING = re.compile(r"\bnous (?:nous )?(?:engageons|voulons|souhaitons|allons|proposons)\b"
                        r"|^(?:pour (?:cela|ce faire|y parvenir)|a cette fin|dans ce cadre)\b")
"""A sentence that announces the objectives below in the signatories' voice (« Pour cela, nous nous engageons à : »):
not a title, and its list is the tree's."""
TOP_HEADERS = re.compile(r"\b(?:thematiques|enjeux|axes|priorites|ambitions|piliers)\b")
"""A list announced with these words lists the top nodes of the tree (« six grandes thématiques : »)."""
DOCUMENT_TITLE = re.compile(r"\bcontrat\b|engagements quartiers")
"""A heading that names the document itself (« Contrat de ville 2024-2030 de … »)."""
TREE_PART = re.compile(r"^(?:les |nos |des )?(?:grandes |principales )?(?:orientations|objectifs|priorites|axes"
                       r"|enjeux|thematiques|piliers|ambitions|engagements)\b")
"""A heading that names the part of the document holding the tree (« Les orientations stratégiques »)."""
UNNAMED_LEVELS = ("axe", "orientation", "sous-orientation")
"""Names of the levels above the objectives that the document does not name (numbered items over items)."""
REFERENCE = re.compile(r"\s*\((?:(?P<kw>OO|OS|OG|OSt|Obj\.?|Objectif|Orientation|Axe|Réf\.?|Ref\.?)\s*)?"
                       r"(?P<code>\d{1,2}(?:\.\d{1,2}){0,3})\)$")
"""A node's code printed in brackets after its label (« Développer l'accueil … (OO 1.1.1) »)."""
CROSS_REFERENCE = re.compile(r"\s*\((?:voir(?: aussi)?|cf\.?|v\.)\s[^()]*\d[^()]*\)", re.IGNORECASE)
"""A reference to another node in brackets (« (voir aussi OO 3.2.2) », « (cf. objectif 2.1) »): not the label's."""
TRANSVERSAL = re.compile(r"transvers|preoccupation")
NOT_OBJECTIVES = re.compile(r"^(?:exemples?|ex\.(?=\s|:)|actions?\s+(?:envisagee|possible|type|prevue|a mener|proposee)"
                            r"|activites?\s+(?:indicative|envisagee|prevue|proposee|type)"
                            r"|pistes?\s+d.actions?|ce que nous ferons|resultats?\s+attendus?|pourquoi\b"
                            r"|indicateurs?|partenaires?|pilotes?"
                            r"|publics?|financeurs?|constats?|encadre|les signataires|le contrat (?:est|soutient)"
                            r"|chiffres?\s+(?:cles|reperes)|source|moyens|leviers?\b|dispositifs mobilises|territoire"
                            r"|calendrier|beneficiaires|total\b"
                            r"|(?:les )?enjeux (?:du|de ce|de chaque) (?:quartier|qpv)|code qpv|population\s*:"
                            r"|revenu median|nombre d.habitants\s*:)")
"""Lines that announce lists of something else than objectives (actions, indicators, a neighbourhood's stakes,
its figures): the list below them is skipped, and the line heads nothing."""
EXAMPLES = re.compile(r"^(?:exemples?|ex\.(?=\s|:)|actions?\s+(?:envisagee|possible|type|prevue|a mener|proposee)"
                      r"|activites?\s+(?:indicative|envisagee|prevue|proposee|type)"
                      r"|pistes?\s+d.actions?|ce que nous ferons)")
DANGLING = re.compile(r"(?:\b(?:de|des|du|la|le|les|et|a|au|aux|en|pour|sur|dans|par|avec|ou|un|une|leur|leurs|ses"
                      r"|son|sa|que|qui)|[,'’\-])$")
FOOTNOTE_MARKS = re.compile(r"(?<=\w)(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*{1,3})|(?<=\w)\(\d\)|(?<=[A-Za-zà-ÿ]{3})[1-9](?=[\s,;.:)]|$)"
                            r"|\s\(\*{1,3}\)(?=[\s.;]*$)")
"""Footnote marks glued to a word: superscripts, stars, « (1) », or a single digit a PDF's text gave at the size of
the word (« santé mentale2 »; « Covid19 » and « CO2 » are left alone); a « (*) » ending the label (« modifié par
l'avenant »)."""
TRAILING = " \t;:.,"


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case without accents, one character for one (offsets are kept); remembered, since the builder folds
    the same labels again and again."""
    return "".join((unicodedata.normalize("NFKD", c)[:1] or c).lower() for c in text)


def clean_label(text: str) -> str:
    """A label as stored: footnote markers out, whitespace collapsed, trailing punctuation off."""
    text = LINK_BRACKETS.sub(r"\1", FOOTNOTE_MARKS.sub("", text))
    return re.sub(r"\s+", " ", text).strip().rstrip(TRAILING).strip()


LINK_BRACKETS = re.compile(r"\[(?=[^\]\d]*[^\W\d])([^\[\]]{2,80})\](?!\()")
"""A link's text in brackets, as a browser saves a page as text (« l'[espace France Services] du Clos-Fleuri »)."""


@dataclass
class Item:
    """A structural line: what kind of line it is, its printed code and its label."""

    kind: tuple
    code: str | None
    label: str
    line: Line
    keyword: str | None = None
    ordinal: int | None = None
    header: bool = False
    """A keyword line without label (« Objectifs opérationnels : »): it announces a list, it is not a node."""


@dataclass
class Node:
    """A node of the tree being built."""

    label: str
    code: str | None
    kind: tuple
    line: int
    level_name: str = ""
    description: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    local: str | None = None
    """The code as printed for this node alone (« A », « 2 »), before the parents' codes are added."""
    level_depth: int = 0
    """A plain heading's level: its Markdown level (« ## » → 2), or 1 for a title in capitals and 2 for the
    headings under it; 0 when unknown."""

    def key(self) -> str:
        """The label compared between the two passes of a contract (case, accents, quotes, articles)."""
        return _label_key(self.label)


def classify(line: Line) -> Item | None:
    """The structural item a line is, or None for running text."""
    text = line.text
    if not text:
        return None
    bullet = BULLET.match(text)
    body = bullet.group("label") if bullet else text
    keyword = KEYWORD_LINE.match(fold(body))
    titled = (bool(keyword) and body[keyword.end("kw"):keyword.end("kw") + 1].lower() != "s"  # « Engagements … »
              and _titled(body[keyword.start("label"):]))
    alone = bool(keyword) and bool(line.heading) and not keyword.group("label").strip()
    if keyword and (keyword.group("ord") or keyword.group("code") or keyword.group("sep") or titled or alone):
        kw = KEYWORDS[re.sub(r"s?\s+", " ", keyword.group("kw").rstrip("s") if keyword.group("kw").endswith(
            ("ifs", "els")) else keyword.group("kw"))]
        code = printed_code(keyword)
        label = body[keyword.start("label"):]
        if code and re.fullmatch(r"(?:19|20)\d\d", code):
            return None  # « Axe      2025      2026 »: a table's header of years, not « Axe 2025 »
        ordinal = ORDINALS[keyword.group("ord")] if keyword.group("ord") else None
        if not code and not ordinal and keyword.group("sep") not in (":", "–", "—", "-", "|", "·", "•") and (
                not titled and not alone):
            return None  # but « ###### Objectifs opérationnels » alone, a heading over a list, heads that list
        if not code and ordinal and not keyword.group("sep") and (
                body[:1].islower() or label.rstrip().endswith(".") or "," in label):
            return None  # « Première priorité des signataires, la réussite éducative concerne… »: a sentence
        if not code and not ordinal and (label[:1].islower() or (label.endswith(".") and len(label.split()) > 10
                                                                  and ";" not in label)):
            return None  # « Enjeu : les enfants des quartiers réussissent moins bien… »: a sentence, not a node
        if code and NOT_OBJECTIVES.match(fold(label)):
            return None  # « Axe 1 | Chiffres repères »: a part of the axis that lists no objective
        label = COUNT_COLUMN.sub("", CONTINUED.sub("", label))  # « Axe 2 | Emploi … (suite) »: the same axis
        return Item(("kw", kw), code, label, line, keyword=kw, ordinal=ordinal,
                    header=not label.strip() and not code and not ordinal)
    if bullet and (dotted := DOTTED.match(body)) and re.match(r"\d", body):  # « • 1.1 Développer … » (a slide's)
        return Item(("dotted", dotted.group("code").count(".")), dotted.group("code"), dotted.group("label"), line)
    if bullet:
        glyph = GLYPHS.get(bullet.group("glyph"), "dot")
        return Item(("bullet", glyph, line.indent // 3), None, body, line)
    dotted = DOTTED.match(text) or LETTER_CODED.match(text)
    if dotted:
        return Item(("dotted", code_depth(dotted.group("code"))), dotted.group("code"), dotted.group("label"), line)
    numbered = NUMBERED.match(text) or _spaced_heading(line)
    if numbered:
        code = numbered.group("code")
        style = "arabic" if code.isdigit() else "sub" if code[:1].isdigit() else (
            "lower_roman" if set(code) <= set("ivx") and code not in "vx" else "lower") if code.islower() else (
            "roman" if (set(code) <= set("IVX") and code != "I") or code in ("I", "II", "III", "IV") else "letter")
        sep = numbered.group("sep").strip().replace("–", "-").replace("—", "-")
        return Item(("num", style, sep, line.indent // 3), code, numbered.group("label"), line)
    return None


def code_depth(code: str) -> int:
    """How many codes above a dotted code holds (« 1.2.3 » → 2, « A1 » → 1, as « A.1 »)."""
    return code.count(".") + bool(re.match(r"[A-H]\d", code))


def extends(code: str, parent: str) -> bool:
    """Whether a dotted code is below another one (« 1.2.3 » below « 1.2 » and « 1 », « A1 » below « A »)."""
    return code.startswith(parent + ".") or (re.fullmatch(r"[A-H]\d{1,2}", code) is not None and code[0] == parent)


def _spaced_heading(line: Line) -> re.Match | None:
    """A heading numbered with only a space before its title: one marked as a heading and numbered in roman
    numerals, or a short title without figures set apart from its number by a tab's width (« I        Cohésion
    sociale et santé », a PDF's text)."""
    match = SPACED_HEADING.match(line.text)
    if match is None or (line.heading and not match.group("code").isdigit()):
        return match  # « # 1 Réussite éducative », a number set by hand in large type, stays a plain heading
    label = match.group("label")
    wide = re.match(r"\S+\s{3,}\S", line.text) is not None
    return match if wide and len(label.split()) <= 12 and not any(c.isdigit() for c in label) else None


def _titled(label: str) -> bool:
    """Whether the words after a level's keyword, with no number or separator between, are a heading's title
    (« Pilier Cohésion sociale »), not a sentence (« Axe majeur du contrat, la … »)."""
    return (label[:1].isupper() and len(label.split()) <= 8 and not label.endswith((".", ",", ";"))
            and not any(ch.isdigit() for ch in label))  # « Engagements Quartiers 2030 » names the programme


def printed_code(keyword: re.Match) -> str | None:
    """The code of a ``KEYWORD_LINE`` match as printed: roman and letter codes in capitals, a prefix such as
    « OS » or « OO » kept (« OS1 », « OO1.2 »)."""
    code = keyword.group("code")
    if not code:
        return None
    code = code.upper() if not code[0].isdigit() else code
    return keyword.group("kw").upper() + code if keyword.group("kw") in ABBREVIATIONS else code


def is_heading(lines: list[Line], i: int, width: int = 0) -> bool:
    """A plain line that looks like a heading: short, capitalised, not a sentence, set apart from a paragraph
    (a line as wide as the page followed by more text is a wrapped paragraph, not a heading)."""
    text = lines[i].text
    words = text.split()
    if not text or not 1 <= len(words) <= 16 or text[-1] in ".;,:" or not (text[0].isupper() or text[0].isdigit()):
        return False
    following = lines[i + 1] if i + 1 < len(lines) else None
    if following is not None and following.text and (following.text[:1].islower() or (
            classify(following) is None and width and len(text) >= 0.8 * width)):
        return False  # a sentence going on (« … cinq thématiques et dix-sept » / « objectifs : »)
    before = next((line for line in reversed(lines[:i]) if line.text), None)
    return (before is None or lines[i - 1].text == "" or lines[i].after_break or before.text[-1] in ".:;!?"
            or classify(before) is not None)


def splits_dash(label: str) -> tuple[str, str]:
    """« Thématique — sous-domaines », « Titre – sous-titre » or « Thématique (sous-domaines) »: label and
    description."""
    dash = re.search(r"\s[–—]\s|\s-\s", label)
    if dash:
        return label[:dash.start()], label[dash.end():]
    paren = re.match(r"^([^()]{3,}?)\s*\(([^()]+)\)\s*$", label)
    if paren:
        return paren.group(1), paren.group(2)
    return label, ""


def infinitive_share(labels: list[str]) -> float:
    """Share of labels that start like an objective: an infinitive (« Favoriser », « Développer »…)."""
    if not labels:
        return 0.0
    return sum(looks_like_objective(label) for label in labels) / len(labels)


NOT_VERBS = {"quartier", "dossier", "premier", "dernier", "metier", "chantier", "atelier", "foyer", "centre", "cadre",
             "entre", "autre", "notre", "votre", "ordre", "titre", "nombre", "membre", "offre", "livre", "lettre",
             "hiver", "janvier", "fevrier", "particulier", "entier", "chiffre", "public", "espace", "pilier",
             "collectivite", "comite", "conseil", "service", "registre", "filiere", "matiere", "frontiere",
             "maire", "prefet", "directeur", "president", "partenaire", "secretaire", "bailleur"}


@functools.lru_cache(maxsize=1 << 14)
def _label_key(label: str) -> str:
    """A label folded for comparison (``Node.key``), cached: each node is compared with its siblings."""
    text = re.sub(r"[’']", "'", fold(label))
    return re.sub(r"^(?:l'|la |le |les )", "", re.sub(r"\s+", " ", text)).strip()


def _aside(label: str) -> bool:
    """Whether a bullet names a branch beside the objectives, its content below it (a mind map's « Actions »,
    « Indicateurs », « Partenaires : France Travail, … »): a short title, or a short key before a colon."""
    key = label.split(":", 1)[0].strip() if ":" in label else label.strip()
    return len(key.split()) <= 3 and bool(ASIDE.match(fold(key)) or NOT_OBJECTIVES.match(fold(key))) and (
        ":" in label or len(label.split()) <= 3)


ASIDE = re.compile(r"^(?:actions?(?:\s+(?:pilotes?|phares?|cles?|emblematiques?))?|indicateurs?|partenaires?"
                   r"|pilotes?|moyens|financeurs?|financements?|budget"
                   r"|calendrier|publics?(?: cibles?)?|porteurs?|operateurs?|exemples?)$")


def looks_like_objective(label: str) -> bool:
    """Whether a label starts with an infinitive verb, or with a commitment in the signatories' voice (« Nous
    développerons l'accueil des tout-petits »)."""
    words = re.findall(r"[a-zœæ'’\-]+", fold(label))
    if not words or re.match(r"\s*\d", label):  # « 1 questionnaire en ligne : 412 réponses »: a figure
        return False
    if len(words) >= 3 and words[0] == "nous" and words[1].endswith("ons") and words[1] not in (
            "avons", "sommes", "pouvons", "devons", "savons", "faisons", "allons", "etions", "avions"):
        return True
    word = words[0].split("'")[-1].split("’")[-1]
    noun = (word.endswith("ure") and not word.endswith("clure")) or word.endswith("iere")  # « ouverture »,
    # « signature », « pépinière », « filière »; « conclure » is a verb
    return len(word) >= 4 and word not in NOT_VERBS and word.endswith(("er", "ir", "re", "oir")) and not noun


@dataclass
class Outline:
    """What ``build`` found: the top nodes, the transversal concerns, and notes for the user."""

    roots: list[Node]
    transversal: list[str]
    notes: list[str] = field(default_factory=list)


LEVEL_NAMES = {"axe": "axe", "pilier": "pilier", "enjeu": "enjeu", "ambition": "ambition", "priorite": "priorité",
               "fiche": "fiche thématique", "thematique": "thématique", "volet": "volet", "defi": "défi",
               "chantier": "chantier", "engagement": "engagement", "theme": "thème", "orientation": "orientation",
               "objectif strategique": "objectif stratégique",
               "objectif operationnel": "objectif opérationnel", "objectif general": "objectif général",
               "objectif specifique": "objectif spécifique", "objectif": "objectif", "sous-objectif": "sous-objectif",
               "sous-theme": "sous-thème"}


def _joined(parent: Node | None, local: str) -> str:
    """A node's full code: a dotted code as printed; a rank (« A », « 2 ») after its parent's code."""
    if "." in local or parent is None or not parent.code or PREFIXED.match(local) or local[:-1] == parent.code:
        return local  # « 1a) » under « 1) »: its code holds its parent's
    joiner = "." if re.fullmatch(r"[\d.]+", parent.code) and local.isdigit() else "-"
    return f"{parent.code}{joiner}{local}"


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _successor(code: str) -> str | None:
    """The code printed after ``code`` in its numbering: 2 → 3, B → C, II → III, 3.1 → 3.2."""
    if "." in code:
        head, _, last = code.rpartition(".")
        following = _successor(last)
        return f"{head}.{following}" if following else None
    if code.isdigit():
        return str(int(code) + 1)
    if code in ROMAN[:-1]:
        return ROMAN[ROMAN.index(code) + 1]
    if len(code) == 1 and code.isalpha() and code.upper() != "Z":
        return chr(ord(code) + 1)
    return None


class Builder:
    """Nests structural items into a tree (see the module's docstring)."""

    def __init__(self, lines: list[Line], mode: str, capital_kind: tuple | None = None,
                 capital_titles: bool = False) -> None:
        self.lines, self.mode = lines, mode
        self.indents = {line.number: line.indent for line in lines}
        self.capital_titles = capital_titles
        """Plain headings in capitals (« EMPLOI ET INSERTION ») are the level above the other plain headings, once
        ``build`` found that they stand over them; until then they are the document's sections."""
        self.capital_sections: list[int] = []
        """The indices of the lines in capitals read as sections, each with a list below it."""
        self.capital_kind = capital_kind
        """The kind of numbered heading in capitals that heads the tree (« I. L'EMPLOI »), once ``build`` found
        that they do; until then such headings are the document's sections (« 4. GOUVERNANCE »)."""
        self.capital_headings: list[Item] = []
        """The numbered headings in capitals read as the document's sections."""
        lengths = sorted(len(line.text) + line.indent for line in lines if line.text)
        self.width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
        self.roots: list[Node] = []
        self.transversal: list[str] = []
        self.stack: list[tuple[int, Node]] = []
        self.ranks: dict[tuple, int] = {capital_kind: 0} if capital_kind else {}
        self.started = self.stopped = False
        self.part_over = False
        self.heading_depth = 0
        """The level of the last Markdown heading read."""
        self.part_depth = 0
        """The level of the Markdown heading over the first keyword items that are not headings themselves."""
        self.aside_indent: int | None = None
        """The indentation of the last bullet naming what is not an objective (« - Actions »): items below it are
        its content."""
        self.bulleted_keywords: list[tuple[int, Node]] = []
        """The indentation and node of keyword headings written as bullets (« - Axe 1 - … » in a mind map): once
        one has items indented below it, a bullet as far left is a branch of the document, not an objective."""
        self.transversal_bullet = False
        """The transversal concerns' list hangs under a bullet: an item as far left ends it."""
        self.keyword_indents: set[int] = set()
        """The indentations of the keyword headings read (a heading left of them all is a part of the document)."""
        self.heading_keywords: dict[int, tuple[tuple, str]] = {}
        """The kind and keyword of the first keyword heading read at each Markdown heading level."""
        """A Markdown heading as high as the keyword headings closed the tree's part of the document."""
        self.preface = False
        """Under a heading of the opening parts (« Diagnostic »): its bullet lists (figures, places) are not nodes."""
        self.list_ok = mode == "lists"
        self.top_kind: tuple | None = None
        """The kind of the items of a list of the tree's top nodes (« cinq thématiques : »)."""
        self.announcing = ""
        """The heading and sentence that announce the transversal list being read."""
        self.transversal_kind: tuple | None = None
        """The kind of the items of the transversal list being read."""
        self.consumed: set[int] = set()
        """Lines already read as the end of a wrapped keyword heading (``_join_wrapped``)."""
        self.skip_indent: int | None = None
        self.skipped = False
        """An item of the list being skipped was read (before it, a blank line does not end the list)."""
        self.examples_of: Node | None = None
        """The objective whose « Exemples d'actions » are being read (they describe it; they are not nodes)."""
        self.transversal_indent: int | None = None
        self.last: Node | None = None
        self.last_line: Line | None = None
        """The line the last node was read from."""
        self.blank = False
        self.top_list = False
        self.transversal_started = False
        self.implicit_indent: int | None = None
        """After « Objectifs opérationnels : », the indentation under which lines are items without bullets
        (symbol-font bullets lost by PDF text exports)."""
        self.notes: list[str] = []

    # -- nesting -------------------------------------------------------------------------------------
    def rank(self, kind: tuple) -> int:
        """The level of a kind of item: the order in which it first appeared."""
        return self.ranks.setdefault(kind, len(self.ranks))

    def push(self, kind: tuple, label: str, local: str | None, line: Line, level_name: str, nest: bool = True) -> Node:
        """Add a node at the level of its kind (or return the node of the first pass that it repeats); with
        ``nest`` False, under the last node of the stack as the caller left it."""
        rank = self.rank(kind)
        while nest and self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        parent = self.stack[-1][1] if self.stack else None
        if local is None:  # a node printed again without number (the detail pass of a two-pass contract)
            key = Node(clean_label(label), None, kind, line.number, level_name).key()
            same = [n for n in (parent.children if parent else self.roots) if n.kind == kind and n.key() == key]
            if same:
                self.stack.append((rank, same[0]))
                self.last = same[0]
                return same[0]
        node = Node(label, _joined(parent, local) if local else None, kind, line.number, level_name, parent=parent,
                    local=local)
        again = [n for n in (parent.children if parent else self.roots)  # « Objectif 1.1 – … » repeats « 1.1 … » too
                 if local and (n.kind == kind or {n.kind[0], kind[0]} == {"kw", "dotted"}) and n.code == node.code
                 and n.key() == node.key()]
        if again:  # « Orientation 1 – … » printed again, code and label, in the detail of a two-pass contract
            self.stack.append((rank, again[0]))
            self.last, self.last_line = again[0], line
            return again[0]
        (parent.children if parent else self.roots).append(node)
        self.stack.append((rank, node))
        self.last, self.last_line = node, line
        return node

    def _printed(self, kind: tuple, local: str) -> bool:
        """Whether a node of this keyword and number was read already (« OG 1 » is « Objectif général 1 »)."""
        stack = list(self.roots)
        while stack:
            node = stack.pop()
            if node.kind == kind and node.local and PREFIX_LETTERS.sub("", node.local) == PREFIX_LETTERS.sub("", local):
                return True
            stack.extend(node.children)
        return False

    def reuse(self, line: Line, i: int | None = None) -> bool:
        """A plain heading that repeats a node of the first pass: go back to it. When the list below it is of the
        node's own kind (« • Éducation » listed first, then « Éducation » over « • Favoriser … »), the node stands
        above that list."""
        key = Node(clean_label(line.text), None, (), 0).key()
        for rank, node in self._all_ranked():
            if node.key() == key:
                below = next((classify(other) for other in self.lines[i + 1:] if other.text), None) if i else None
                if below is not None and below.kind == node.kind and not node.children:
                    rank = -1  # its list's items are its children, not its siblings
                while self.stack and self.stack[-1][0] >= rank:
                    self.stack.pop()
                self.stack.append((rank, node))
                self.last, self.list_ok, self.skip_indent, self.top_list = node, True, None, False
                return True
        return False

    def _all_ranked(self):
        def walk(nodes: list[Node]):
            for node in nodes:
                yield self.ranks.get(node.kind, 0), node
                yield from walk(node.children)
        return walk(self.roots)

    # -- reading -------------------------------------------------------------------------------------
    def run(self) -> Outline:
        """Read every line and return the outline."""
        for i, line in enumerate(self.lines):
            if not line.text:
                self.blank = True
                self.implicit_indent = None
                continue
            if i not in self.consumed:
                self.read(i, line)
            self.blank = False
        kept: dict[str, str] = {}  # a concern named in the preamble's sentence and listed again later: once
        for label in self.transversal:
            kept.setdefault(fold(label).strip(" .;"), label)
        return Outline(self.roots, list(kept.values()), self.notes)

    def read(self, i: int, line: Line) -> None:
        """Read one line of the document."""
        folded = fold(line.text)
        self.heading_depth = line.heading or self.heading_depth
        item = classify(line)
        above = self.lines[i - 1].text if i else ""
        if item is not None and item.kind[0] == "kw" and line.text[:1].islower() and above and not above.endswith(
                (".", ":", ";")) and classify(self.lines[i - 1]) is None:
            item = None  # a sentence going on (« … la coordination des » / « objectifs 2.2.1 et »), not a heading
        if line.heading == 1 and item is None and not any(node.kind[0] == "kw" for _, node in self.stack):
            # a part of the document (« # Nos orientations pour 2030 ») ranks its own lists: the bullets of « Ce que
            # nous ont dit les habitants » above do not rank over its « A. », « B. »
            self.ranks = {self.capital_kind: 0} if self.capital_kind else {}
        if self.preface and item is not None and (item.kind[0] in ("dotted", "kw") or (item.kind[0] == "num" and (
                looks_like_objective(item.label) or (self._heads_list(i, item) and self._objectives_follow(i))))):
            self.preface = False  # the tree starts (« I – Cohésion sociale » over « A. »), not a list of places
        if self.preface and item is not None and item.kind[0] == "num" and self.transversal_indent is None and (
                not TRANSVERSAL.search(fold(item.label))):
            return  # « 1. Le Bourg-Neuf », « 2. La Cité des Forges » under « Les quartiers concernés »
        if item is not None and item.kind[0] in ("num", "dotted"):
            if len(item.label.split()) <= 8 and not looks_like_objective(item.label) and (
                    TRANSVERSAL.search(fold(item.label)) or any(w in fold(item.label) for w in STOP_WORDS)):
                item = None  # a numbered section of the document (« 4. LES AXES TRANSVERSAUX », « 5. Gouvernance »),
                # not an objective that names one (« 4. Associer les habitants à l'évaluation du contrat »)
            elif item.label.isupper() and item.kind != self.capital_kind:
                self.capital_headings.append(item)
                item = None  # « 2. DIAGNOSTIC DU TERRITOIRE »
            elif item.kind == self.capital_kind and not self.stopped:
                self.started = self.list_ok = True
                self.skip_indent = self.examples_of = None
                self.ranks = {self.capital_kind: 0}  # each part ranks its own lists (the diagnostic's dashes first)
        if item is not None and item.kind[0] == "num" and self.mode == "keywords" and line.heading and (
                line.heading <= min(self._keyword_depths(), default=0)):
            item = None  # « ## 3. Matrice du cadre logique » after « ### Objectif général 4 – … »: a document part
        elif item is not None and item.kind[0] == "dotted" and line.heading in self.heading_keywords and any(
                node.kind[0] == "kw" and 0 < node.level_depth < line.heading for _, node in self.stack):
            kind, keyword = self.heading_keywords[line.heading]  # « ## 2.1 Accompagner … » where « ## Objectif 1.1 :
            item = dataclasses.replace(item, kind=kind, keyword=keyword)  # … » stood: an objective of that level
        if self.transversal_indent is not None:
            if self.collect_transversal(i, line, item):
                return
        if item is None or (item.kind[0] == "dotted" and self.mode == "lists" and item.kind != self.capital_kind
                            and not any(node.code and extends(item.code, node.code) for _, node in self.stack)):
            self.read_plain(i, line, folded)  # in lists, « 2.1 Gouvernance » is a section unless « 2. » is open
            return
        if item.kind[0] == "kw":
            self._join_wrapped(i, item)
            if re.match(r"objectifs\b", folded) and item.label.count(";") >= 1 and not item.code:
                self.read_keyword(dataclasses.replace(item, label="", header=True))  # « Objectifs : a ; b ; c. »
                for part in (part.strip(" .") for part in item.label.split(";")):
                    if part:
                        self.read_list_item(Item(("bullet", "semicolon", 9), None, part, line))
                return
            self.read_keyword(item)
            return
        if self.mode == "lists" and not self.started and item.kind[0] == "num" and (
                self._list_follows(i) or self._heads_list(i, item)):
            self.started = True  # « A. Accompagner les familles » over its list, with no heading before
        self.read_list_item(item)

    def _join_wrapped(self, i: int, item: Item) -> None:
        """A keyword heading's label wrapped onto the lines below in lower case (« Objectif stratégique : Renforcer le
        lien social et l'accès à la culture et au » / « sport »), joined before the node is made, so that a heading
        printed twice is known by its whole label."""
        if not item.label or item.label.endswith((".", ":", ";")):
            return
        for j in range(i + 1, min(i + 4, len(self.lines))):
            line = self.lines[j]
            if not line.text[:1].islower() or line.after_break or classify(line) is not None:
                break
            item.label = f"{item.label} {line.text}"
            self.consumed.add(j)

    def collect_transversal(self, i: int, line: Line, item: Item | None) -> bool:
        """Read a line of a list announced as transversal; False when the list is over."""
        opening = NUMBERED.match(self.announcing or "")
        if (not self.transversal_started and item is not None and item.kind[0] == "num" and opening is not None
                and item.code == _successor(opening.group("code"))):
            self.transversal_indent = None  # « 3. Priorités transversales » then « 4. Calendrier » in an agenda
            return False
        if not self.transversal_started and not self.blank and line.text[:1].islower() and (
                line.indent <= self.transversal_indent):
            self.announcing += " " + line.text
            return True  # the announcing sentence goes on (« … de l'ensemble des » / « objectifs : »)
        listed = item is not None and item.kind[0] == "num" and not item.label.isupper() and (
            not self.transversal_started or item.kind == self.transversal_kind)  # « 1. L'égalité … », « 2. … »
        heading = item is None and (line.heading or any(w in fold(line.text) for w in STOP_WORDS))  # a section
        if (item is not None and item.kind[0] == "kw") or (SECTION.match(line.text) and not listed) or heading or (
                self.blank and item is None and line.indent <= self.transversal_indent
                and self.transversal_started) or (self.transversal_bullet and line.indent <= self.transversal_indent):
            self.transversal_indent, self.transversal_bullet = None, False
            if not self.transversal:  # no list: the sentence named them (« … : la jeunesse ; l'égalité … »)
                self.transversal += _enumerated(self.announcing)
            return False
        if item is None and not self.transversal_started and (line.indent <= self.transversal_indent or (
                not self.transversal and self._announces(i))):
            self.announcing += " " + line.text
            return True  # the announcing sentence goes on (indented under its heading in an Org file)
        self.transversal_started = True
        self.transversal_kind = item.kind if item is not None else self.transversal_kind
        label = item.label if item is not None else line.text
        above = self.lines[i - 1] if i else None
        if item is None and self.transversal and line.text[:1].islower() and not self.blank and (line.indent > (
                self.transversal_indent or 0) + 2 or (above is not None and classify(above) is not None
                                                     and not above.text.endswith((".", ";")))):
            self.transversal[-1] += " " + line.text  # a wrapped item (flush left in a PDF's text)
        elif label and (item is not None or line.indent > self.transversal_indent or line.text[0].islower()):
            cells = re.split(r"\s{5,}", label) if item is None else [label]  # « La jeunesse      L'égalité … »
            self.transversal += cells if all(len(cell.split()) <= 12 for cell in cells) else [label]  # side by side
        else:
            self.transversal_indent = None
            return False
        return True

    def read_keyword(self, item: Item) -> None:
        """A heading named by a keyword: a node (or, without label, the header of a list)."""
        if self.stopped:
            return
        self.started, self.skip_indent = True, None
        if item.header:
            self.list_ok, self.implicit_indent = True, item.line.indent
            return
        local = str(item.ordinal) if item.ordinal else item.code
        if self.part_over and local and self._printed(item.kind, local):
            self.stack, self.last, self.list_ok = [], None, False
            return  # « | OG 1 | Améliorer l'accès à l'emploi | Taux d'emploi | » in a matrix after the tree: a recap
        if local and self.ranks.get(item.kind) == 0 and item.ordinal is None and item.keyword in ("axe", "pilier"):
            pass
        node = self.push(item.kind, item.label, local, item.line, LEVEL_NAMES[item.keyword])
        node.level_depth = item.line.heading  # « # Axe 3 » is not over « # Gouvernance »
        if item.line.heading:
            self.heading_keywords.setdefault(item.line.heading, (item.kind, item.keyword))
        elif not self.part_depth:
            self.part_depth = self.heading_depth  # the Markdown heading the first axes stand under
        self.keyword_indents.add(item.line.indent)
        if BULLET.match(item.line.text):
            self.bulleted_keywords.append((item.line.indent, node))
        self.list_ok = True
        if not node.label.strip():
            node.label = ""

    def read_list_item(self, item: Item) -> None:
        """A bullet, dash or numbered item: a node when it stands in an objectives list."""
        if self.stopped or not self.started or not self.list_ok or (self.preface and item.kind[0] == "bullet"):
            return
        if self.aside_indent is not None:
            if item.line.indent > self.aside_indent:
                return  # under « - Actions » or « - Indicateurs » in a mind map
            self.aside_indent = None
        if item.kind[0] == "bullet" and _aside(item.label):
            self.aside_indent, self.last = item.line.indent, None
            return
        if item.kind[0] == "bullet" and any(self.indents.get(node.children[0].line, 0) > indent for indent, node in
                                            self.bulleted_keywords if node.children) and (
                item.line.indent <= min(indent for indent, _ in self.bulleted_keywords)):
            self.last = None  # « - Gouvernance » beside « - Axe 4 - … » in a mind map: a branch of the document
            if TRANSVERSAL.search(fold(item.label)):
                self.transversal_indent, self.transversal_started, self.announcing = item.line.indent, False, ""
                self.transversal_bullet = True
            else:
                self.aside_indent = item.line.indent
            return
        if self.skip_indent is not None and self._next_sibling(item):
            self.skip_indent, self.examples_of = None, None
        if self.skip_indent is not None:
            if item.line.indent > self.skip_indent or (item.line.indent == self.skip_indent and (
                    not self.blank or item.line.after_break or not self.skipped)):  # over a page break, or the
                self.skipped = True  # list's first item after a blank line (« Ce que nous ferons : », blank, « - … »)
                if self.examples_of is not None:
                    self.examples_of.description.append(item.label)
                return
            self.skip_indent, self.examples_of = None, None
        label = item.label
        if not label[:1].isupper() and not label[:1].isdigit():
            if item.kind[0] == "dotted" or not looks_like_objective(label):
                return  # a lower-case list item is the end of a sentence (« - le contrat d'engagement jeune ; »)
            label = label[:1].upper() + label[1:]  # « - garantir à chaque enfant … ; »: an objective, as French lists
        if item.kind[0] == "dotted" and item.kind != self.capital_kind:  # its parent: the open node above its level
            rank = self.ranks.get(item.kind)
            above = [node for r, node in self.stack if rank is None or r < rank]
            parent_code = above[-1].code if above else None
            if not parent_code or not extends(item.code, parent_code):
                return
        local = item.code if item.kind[0] in ("num", "dotted") else None
        top = self.top_list and self.top_kind in (None, item.kind)  # a sub-list of the top list is not the top
        if top:
            self.stack, self.top_kind = [], item.kind
        self.push(item.kind, label, local, item.line, "thème" if top else "objectif")

    def _next_sibling(self, item: Item) -> bool:
        """A numbered item that follows an open node of its kind (« C. » after « B. »), or a dotted one whose code
        extends an open node's (« 1.2. » under « 1 »): the tree goes on, whatever list (examples, encadré) came
        between; a PDF's text has no blank line to close that list."""
        if item.kind[0] == "dotted" and item.code:  # « 1.2. » after « Pistes d'action : » under « 1.1. »
            return any(node.code and extends(item.code, node.code) and code_depth(item.code) == (
                code_depth(node.code) + 1) for _, node in self.stack)
        if item.kind[0] != "num" or not item.code:
            return False
        return any(node.kind == item.kind and node.local and _successor(node.local) == item.code
                   for _, node in self.stack)

    def read_plain(self, i: int, line: Line, folded: str) -> None:
        """A plain line: a heading, a section, a list header, a label's continuation or a description."""
        text = line.text
        if PAGE_STATUS.match(folded):
            return  # « Statut : VALIDÉ » under an axis's heading on a wiki page: about the page, not a heading
        if re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){1,3}\.?", text):
            return  # « 1.1 » alone, printed in large type above its heading: the heading is the node
        if self.implicit_indent is not None and line.indent > self.implicit_indent and text[:1].isupper():
            self.read_list_item(Item(("bullet", "none", line.indent // 3), None, text, line))
            return
        section = bool(SECTION.match(text)) or (text.isupper() and len(text.split()) <= 12 and text[0] != "(") or bool(
            NUMBERED.match(text) or DOTTED.match(text)) or bool(PREFACE.match(_part_title(folded)))
        heading = is_heading(self.lines, i, self.width)
        if section or heading:
            self.preface = bool(PREFACE.match(_part_title(folded)))  # « DEUXIÈME PARTIE – DIAGNOSTIC » too
        if (section or heading) and (any(w in folded for w in STOP_WORDS) or STOP_HEADING.match(
                _part_title(folded))) and self._has_objectives():
            self.stopped, self.stack, self.last = True, [], None
        if TRANSVERSAL.search(folded) and (section or heading or self._announces(i)) and self._list_follows(i) and (
                not re.search(r":\s*\S", text)) and not _enumerated(text) and len(self.transversal) < 2:
            # (once listed, a later « 4. Prise en compte des priorités transversales (15 points) » lists none)
            # « Priorités transversales concernées : jeunesse » opens no list, nor « | Priorités … | a – b | »
            self.transversal_indent, self.transversal_started, self.announcing = line.indent, False, text
            self.last = None
            return
        if TRANSVERSAL.search(folded) and not self.transversal and (named := _enumerated(self._paragraph_from(i))):
            self.transversal += named  # « … trois priorités transversales : l'égalité …, la lutte … et la … »
        if self.stopped:
            return
        if self.continues(line):
            self.last.label = f"{self.last.label} {text}".strip()
            return
        if NOT_OBJECTIVES.match(KEYWORD_PREFIX.sub("", folded.lstrip("- "))) and not _sentence(
                self._paragraph_from(i)) and not (
                text[:1].islower() and not self.blank):  # « publics, au plus près » ends a sentence: no header
            examples = EXAMPLES.match(folded.lstrip("- ")) and self.last is not None
            self.examples_of = self.last if examples else None
            if examples:
                self.last.description.append(text.split(":", 1)[-1].strip())
            self.skip_indent, self.last = line.indent, None
            if line.heading:  # « ## Indicateurs de suivi » beside the axes' « ## »: their lists are closed
                self.stack = [(r, node) for r, node in self.stack if 0 < node.level_depth < line.heading]
            self.skipped = ":" in text and not text.endswith(":") and not line.heading  # « Indicateur associé : … »
            # announces no list after a blank line; a heading (« ###### Actions envisagées ») or a title alone on its
            # line (« **Résultats attendus** ») does
            return
        if self.examples_of is not None and self.skip_indent is not None and line.indent >= self.skip_indent and (
                not self.blank):
            self.examples_of.description.append(text)  # an example going on over lines
            return
        if text.endswith(":") and self._reopen(folded):
            return  # « Pour l'orientation a) : » over the objectives of the orientation listed above as « a) »
        if text.endswith(":") and self._titled_list(i, text, folded):
            self._push_heading(line, text.rstrip(" :"), line.heading or (2 if self.capital_titles else 0))
            return
        if text.endswith(":"):
            sentence = self._sentence_of(i)  # « … sur cinq thématiques et dix-sept » / « objectifs : »
            self.top_list = self.mode == "lists" and bool(TOP_HEADERS.search(sentence)) and not self._has_objectives()
            self.top_kind = None
            announces = self.top_list or bool(OBJECTIVE_HEADERS.search(sentence) or ANNOUNCING.search(sentence)) or (
                self.mode == "lists" and not self.started)
            self.list_ok = self.list_ok or announces
            self.skip_indent = None if announces else line.indent
            self.skipped = False
            self.implicit_indent = line.indent if announces else None
            self.last = None
            if self.top_list:
                self.started = True
            return
        if (heading or section) and self.started and self.reuse(line, i):
            return
        capitals = self.mode == "lists" and (heading or section) and text.isupper() and not SECTION.match(text) and (
            not any(w in folded for w in STOP_WORDS)) and self._list_follows(i)
        if capitals and not self.capital_titles:
            self.capital_sections.append(i)
        titled = capitals and self.capital_titles
        if self.mode == "lists" and ((heading and not section) or titled) and self._list_follows(i):
            if not self.started and not self._objectives_follow(i):
                self.preface, self.last = True, None  # « Les quartiers prioritaires » over a list of places
                return
            self._push_heading(line, text, line.heading or (0 if not self.capital_titles else 1 if titled else 2))
            return
        depths = self._keyword_depths()
        if (self.mode == "keywords" and heading and not section and not line.heading and self._has_objectives()
                and self.keyword_indents and line.indent < min(self.keyword_indents)
                and not any(node.level_depth for _, node in self.stack) and (
                    not self._items_below(i) or self.bulleted_keywords)):
            self._end_part()
            return  # « Qui finance ? » flush left over a paragraph after « ··Axe 4 - … » (a web page's text): the
            # tree's part is over; a heading left of the axes over a list may be their sub-heading, unless the axes
            # are bullets themselves (« * Orientation 1 : … »)
        if self.mode == "keywords" and 0 < line.heading <= self.part_depth and self._has_objectives() and not depths:
            self._end_part()
            return  # « ## Qui peut déposer un projet ? » after « ## Quels sont les axes ? » over the axes' bullets
        if self.mode == "keywords" and depths and 0 < line.heading <= min(depths):
            self._end_part()
            return  # « ## Comment nous travaillerons ensemble » after « ### Ambition 3 — … »: the tree's part is over
        if (self.mode == "keywords" and line.heading and not section and self.started and not self.stopped
                and not any(w in folded for w in STOP_WORDS)
                and any(node.kind[0] == "kw" and node.level_depth < line.heading for _, node in self.stack)
                and (self._list_follows(i) or self._keyword_below(i, line.heading))):
            self._push_heading(line, text, line.heading)  # « ### Réussite éducative » under « ## Pilier 1 : … »
            return
        if (self.mode == "keywords" and not line.heading and heading and not section
                and self.started and not self.stopped and not any(w in folded for w in STOP_WORDS)
                and any(node.kind[0] == "kw" for _, node in self.stack) and self._items_below(i)):
            self._push_heading(line, text, 0)  # « Comment accompagner les familles ? » over its list, under « AXE 1 »
            return
        if (self.mode == "keywords" and heading and not section and not line.heading and self.started
                and not self.stopped and any(node.kind[0] == "kw" for _, node in self.stack)
                and looks_like_objective(text) and self._paragraph_below(i)):
            self.read_list_item(Item(("line",), None, text, line))  # a web page's text: « Axe 1 : … », then each
            return  # objective on a line of its own over the paragraph that explains it
        numbered = NUMBERED_SECTION.match(text)
        if (self.mode == "lists" and numbered and not text.isupper() and not PREFACE.match(fold(numbered.group(2)))
                and not QUARTER.match(fold(numbered.group(2)))
                and not any(w in folded for w in STOP_WORDS) and self._list_follows(i) and self._objectives_follow(i)):
            self._push_heading(line, numbered.group(2), line.heading)  # « 3.1 L'éducation » over its objectives
            return
        if section:
            self.last, self.skip_indent = None, None
            if self.mode == "lists":
                self.stack = []
            if self.mode == "keywords" and self.started:
                self.list_ok = bool(OBJECTIVE_HEADERS.search(folded))
            return
        if self.last is not None and self.started:
            self.last.description.append(text)

    def _reopen(self, folded: str) -> bool:
        """A line naming a node read above by its level and code (« Pour l'orientation a) : », « Au titre de l'axe
        2 : »): that node is open again, the list below goes under it. Whether there was one."""
        named = NODE_REFERENCE.match(folded)
        if named is None:
            return False
        path: list[Node] = []

        def find(nodes: list[Node]) -> bool:
            for node in nodes:
                path.append(node)
                if (node.local or "").casefold() == named.group("code").casefold() or find(node.children):
                    return True
                path.pop()
            return False

        if not find(self.roots):
            return False
        self.stack = [(self.rank(node.kind), node) for node in path]
        self.started, self.list_ok, self.skip_indent, self.last, self.top_list = True, True, None, None, False
        return True

    def _end_part(self) -> None:
        """The tree's part of the document is over: no node stays open, no list goes on."""
        self.stack, self.last, self.list_ok, self.skip_indent = [], None, False, None
        self.part_over = True

    def _keyword_depths(self) -> list[int]:
        """The Markdown heading levels of the keyword headings open on the stack."""
        return [node.level_depth for _, node in self.stack if node.kind[0] == "kw" and node.level_depth]

    def _push_heading(self, line: Line, text: str, depth: int) -> None:
        """A plain heading over a list: a node under an open keyword heading (« Thématique 1 : Emploi ») or a
        heading of a higher level (« # »), if any; else a top node."""
        self.started, self.skip_indent, self.list_ok, self.top_list = True, None, True, False
        rank = self.rank(("heading",))
        self.stack = [(r, node) for r, node in self.stack if (node.kind[0] == "kw" and r < rank and not (
            0 < depth <= node.level_depth)) or (node.kind[0] == "heading" and 0 < node.level_depth < depth)]
        node = self.push(("heading",), text, None, line, "thème", nest=False)
        node.level_depth = depth

    def _titled_list(self, i: int, text: str, folded: str) -> bool:
        """« Réussir à l'école : » over a list: a title, not a sentence announcing the list (« Le contrat fixe
        les objectifs suivants : », « Les enjeux : »)."""
        title = text.rstrip(" :")
        return (self.mode == "lists" and title[:1].isupper() and 1 <= len(title.split()) <= 8
                and not (OBJECTIVE_HEADERS.search(folded) or TOP_HEADERS.search(folded) or TRANSVERSAL.search(folded)
                         or ANNOUNCING.search(folded))
                and self._list_follows(i) and (self.started or self._objectives_follow(i)))  # not figures

    def _announces(self, i: int) -> bool:
        """Whether the sentence of a line ends with a colon within three lines (it announces a list)."""
        for line in self.lines[i:i + 3]:
            if not line.text:
                return False
            if line.text.endswith(":"):
                return True
        return False

    def _has_objectives(self) -> bool:
        return any(node.children for node in self.roots)

    def continues(self, line: Line) -> bool:
        """Whether a plain line continues the label of the last node (wrapped, or cut by a page break)."""
        last = self.last
        if last is not None and not last.label.strip() and line.heading:
            return True  # « # AXE 1 » then its title as a heading of its own (« ## Vivre ensemble … »)
        if last is None or (self.blank and not line.after_break):
            return False
        if not last.label.strip():
            return True  # « ENJEU 3 » with its title on the next line
        if last.description:
            return False
        return line.text[:1].islower() or bool(DANGLING.search(fold(last.label.rstrip()))) or self._hanging(line)

    def _hanging(self, line: Line) -> bool:
        """Whether a short line stands where the text of the bullet or numbered item just read starts: the item's
        last words, however they start (« • Renforcer l'accueil de l'espace France » / «     Services », « 3.2
        Améliorer la propreté » / «     (GUSP, TFPB) », « – lutter … par le réseau » / «   France Services ; »); a
        sentence there, or a short one after an item that ended, is the item's description."""
        last = self.last_line.text if self.last_line is not None and not line.after_break else None
        bullet = (BULLET.match(last) or DOTTED.match(last) or NUMBERED.match(last)) if last is not None else None
        start = self.last_line.indent + bullet.start("label") if bullet else -1
        return (bullet is not None and start - 1 <= line.indent <= start + 1 and line.indent > self.last_line.indent
                and len(line.text.split()) <= HANGING_WORDS and not line.text.endswith(":") and not (
                    line.text.endswith((".", ";")) and last.rstrip().endswith((".", ";", ":"))))

    def _paragraph_below(self, i: int) -> bool:
        """Whether the next line is a paragraph: not an item, a sentence of eight words or more ending with a
        full stop (on that line or one of the next two)."""
        following = self.lines[i + 1:i + 4]
        if not following or not following[0].text or classify(following[0]) is not None:
            return False
        text = ""
        for line in following:
            if not line.text:
                break
            text += " " + line.text
            if line.text.endswith("."):
                return len(text.split()) >= 8
        return False

    def _items_below(self, i: int) -> bool:
        """Whether the next line with text is an item of a list (« - Renforcer … »)."""
        following = next((line for line in self.lines[i + 1:] if line.text), None)
        item = classify(following) if following is not None else None
        return item is not None and item.kind[0] in ("bullet", "num")

    def _paragraph_from(self, i: int) -> str:
        """The text of the paragraph that line ``i`` starts, wrapped over up to three more lines (« Les signataires
        s'engagent à faire des quartiers des lieux de rencontre et de » / « participation. »), also past a colon when
        the sentence goes on in lower case (« … irriguent les quatre axes : » / « l'égalité … »)."""
        text = self.lines[i].text
        keyed = KEY_VALUE_ROW.match(text) is not None
        for line in self.lines[i + 1:i + 4]:
            if not line.text or text.endswith((".", ";")) or classify(line) is not None or line.after_break or (
                    text.endswith(":") and not line.text[:1].islower()) or "|" in (text[:1], line.text[:1]) or (
                    keyed and KEY_VALUE_ROW.match(line.text)):
                break  # « … axes : » / « l'égalité … » goes on; a table's row is one, the next key its own row
            text = f"{text} {line.text}"
        if keyed:  # « Priorités transversales      Jeunesse – … » (a key/value table in a PDF's text)
            text = KEY_VALUE_ROW.sub(r"\1 : ", text, count=1)
        return text

    def _sentence_of(self, i: int) -> str:
        """The folded text of the paragraph that line ``i`` ends (« Les signataires retiennent … les objectifs
        suivants, déclinés chaque / année dans l'appel à projets : »)."""
        start = i
        while start > 0 and self.lines[start - 1].text and classify(self.lines[start - 1]) is None and i - start < 4:
            start -= 1
        return fold(" ".join(line.text for line in self.lines[start:i + 1]))

    def _heads_list(self, i: int, item: Item) -> bool:
        """Whether the next item is of another kind than ``item`` (« A. » under « I – »), a paragraph about it
        between them or not (« 1. Cohésion sociale » / « La cohésion sociale recouvre … » / « 1.1. … »)."""
        paragraphs = 0
        for line in self.lines[i + 1:]:
            if not line.text:
                continue
            below = classify(line)
            if below is not None:
                return below.kind[0] in ("bullet", "num", "dotted") and below.kind != item.kind
            paragraphs += 1
            if paragraphs > 3 or not (line.text.endswith((".", ";", ",")) or len(line.text.split()) > 12):
                return False  # a heading (« DIAGNOSTIC »), not a paragraph about the item
        return False

    def _objectives_follow(self, i: int) -> bool:
        """Whether one of the first items of the list after a line is worded as an objective (« Développer … »), not
        a place, a figure or a partner."""
        labels: list[str] = []
        own = classify(self.lines[i])
        for line in self.lines[i + 1:i + 30]:
            item = classify(line) if line.text else None
            if item is not None and own is not None and item.kind == own.kind:
                break  # the line's next sibling (« C. » after « B. »): its list is over
            if item is None and line.text and (SECTION.match(line.text) or line.text.isupper()):
                break  # the next part of the document (« TROISIÈME PARTIE – … »)
            if item is not None and item.kind[0] in ("bullet", "num", "dotted"):
                labels.append(item.label)
            elif labels and line.text and item is not None:
                break
            if len(labels) >= 6:
                break
        return any(looks_like_objective(label) for label in labels)

    def _keyword_below(self, i: int, depth: int) -> bool:
        """Whether the next heading after line ``i`` is a keyword's at a deeper heading level (« #### Agir pour la
        réussite » over « ##### Objectif 1 : … »): the line is a level of the tree that names no keyword."""
        for line in self.lines[i + 1:i + 6]:
            if not line.text:
                continue
            item = classify(line)
            return item is not None and item.kind[0] == "kw" and line.heading > depth
        return False

    def _list_follows(self, i: int) -> bool:
        """Whether list items follow a line, before the next heading (within a few lines of text; a line that goes
        on with a sentence, in lower case, does not count: a PDF's text wraps a paragraph over more lines)."""
        seen, wrapped = 0, not self.lines[i].text.endswith((".", ":", ";"))
        for line in self.lines[i + 1:]:
            if not line.text:
                wrapped = False
                continue
            if wrapped and line.text[:1].islower():  # the line's sentence goes on (« … de l'ensemble des » /
                wrapped = not line.text.endswith((".", ":", ";"))  # « objectifs : »)
                continue
            wrapped = False
            item = classify(line)
            if item is not None and item.kind[0] in ("bullet", "num"):
                return True
            seen += not line.text[:1].islower()
            if item is not None or seen > 8:
                return False
            if self.transversal_indent is None and line.indent > self.lines[i].indent and line.text[:1].islower():
                return True
        return False


def build(lines: list[Line], mode: str) -> Outline:
    """The outline of cleaned lines, read as headings named by keywords (``keywords``) or as plain headings
    over lists (``lists``).

    Numbered headings in capitals are first read as the document's sections. When the tree's top codes then
    restart (« A. », « B. », « A. » again) and such headings numbered in sequence came between (« I. », « II. »),
    they head the tree: the lines are read again with them as its top level. Plain titles in capitals over
    lists (« EMPLOI ET INSERTION ») are read again as the top level too, and that reading is kept when it finds
    at least as many objectives."""
    builder = Builder(lines, mode)
    outline = _finished(builder.run(), mode)
    capital = _capital_top(builder)
    parents = _capital_parents(builder) if capital is None else None
    if capital is not None:
        outline = _finished(Builder(lines, mode, capital[0]).run(), mode)
        if any(root.kind == capital[0] for root in outline.roots):  # not when the one left was the tree's title
            outline.notes.append("Les intitulés numérotés en capitales (« " + ", ".join(capital[1]) + " ») sont "
                                 "lus comme le premier niveau de l'arbre : la numérotation en dessous reprend à "
                                 "chacun.")
    elif parents is not None and _objective_leaves(read := _finished(Builder(lines, mode, parents[0]).run(), mode)
                                                   ) > _objective_leaves(outline):
        outline = read
        outline.notes.append("Les intitulés numérotés en capitales (« " + ", ".join(parents[1]) + " ») sont lus "
                             "comme le premier niveau de l'arbre : les codes en dessous commencent par les leurs.")
    elif mode == "lists" and len(builder.capital_sections) >= 2:
        titled = _finished(Builder(lines, mode, capital_titles=True).run(), mode)
        if len(titled.roots) >= 2 and _objective_leaves(titled) >= max(1, _objective_leaves(outline)):
            outline = titled
            outline.notes.append("Les titres en capitales sont lus comme le niveau au-dessus des listes et des "
                                 "autres titres.")
    return outline


def _finished(outline: Outline, mode: str) -> Outline:
    """An outline's labels cleaned, its title and its nodes that are not objectives left out."""
    _drop_title(outline)
    _drop_rows_read_across(outline.roots)
    for root in outline.roots:
        _finish(root, top=True, mode=mode)
    outline.roots = [r for r in outline.roots if r.label and (r.children or mode == "keywords")]
    if mode == "lists":  # lists of places, partners or signatories are not objectives
        outline.roots = [r for r in outline.roots if infinitive_share(_leaf_labels(r)) >= 0.4]
        _drop_title(outline)  # « Les orientations du contrat » left alone once the diagnostic's lists are out
    outline.transversal = [transversal_label(t) for t in outline.transversal if clean_label(t)]
    return outline


def _drop_rows_read_across(siblings: list[Node]) -> None:
    """A synthesis table without rules, read across its columns (« Axe 1      Accompagner chaque enfant … »), gives
    a childless node whose code the detail prints again over children, one of them with the node's label: that row
    is not a node, the detail is."""
    for node in list(siblings):
        twin = next((other for other in siblings if other is not node and other.children and node.code
                     and other.code == node.code), None)
        if not node.children and twin is not None and any(d.key() == node.key() for d in _descendants(twin)):
            siblings.remove(node)
    for node in siblings:
        _drop_rows_read_across(node.children)


def _descendants(node: Node) -> Iterator[Node]:
    for child in node.children:
        yield child
        yield from _descendants(child)


def _drop_title(outline: Outline) -> None:
    """A single top heading that names the document (« # Contrat de ville … »), its part that holds the whole tree
    (« Les orientations du contrat de ville », « Nos priorités »), that stands over a single heading (a title
    page's lines in large type) or over numbered nodes that number their own children (« Le projet en un coup
    d'œil » over « A – Habiter … » over « A1 … ») is not a level: its children are the roots."""
    while len(outline.roots) == 1 and outline.roots[0].children:
        root = outline.roots[0]
        single = len(root.children) == 1 and root.children[0].kind[0] == "heading"
        if root.kind[0] != "heading" and not (root.kind[0] == "num" and TREE_PART.match(fold(root.label))):
            return  # « III. LES ORIENTATIONS DU CONTRAT », the document's part, is not a level either
        numbered = len(root.children) >= 2 and all(  # « Le projet en un coup d'œil » over « A – … » over « A1 … »
            child.code and child.children and all(grandchild.code for grandchild in child.children)
            for child in root.children)
        if not (single or numbered or DOCUMENT_TITLE.search(fold(root.label)) or TREE_PART.match(fold(root.label))):
            return
        outline.roots = root.children
        for child in outline.roots:
            child.parent = None


def _objective_leaves(outline: Outline) -> int:
    """How many leaves of an outline are worded as objectives."""
    return sum(looks_like_objective(label) for root in outline.roots for label in _leaf_labels(root))


def _capital_top(builder: Builder) -> tuple[tuple, list[str]] | None:
    """The kind of the numbered headings in capitals that head the tree, and their codes, when the top codes
    restart and at least two such headings, numbered in sequence, stand before restarts; else None."""
    coded = [root for root in builder.roots if root.code]
    if len(coded) == len({root.code for root in coded}):
        return None
    restarts = [root.line for root in coded if root.code == coded[0].code][1:]
    if any(looks_like_objective(root.label) for root in coded) and not any(
            looks_like_objective(root.label) for root in coded if restarts and root.line < restarts[0]):
        return None  # only the list before the first restart is the tree (« 1) Bilan », « 2) Concertation »: steps)
    by_kind: dict[tuple, list[Item]] = {}
    for item in builder.capital_headings:
        by_kind.setdefault(item.kind, []).append(item)
    for kind, items in by_kind.items():
        in_sequence = all(_successor(a.code) == b.code for a, b in pairwise(items))
        bounds = [item.line.number for item in items] + [len(builder.lines) + 1]
        heads_restarts = all(any(a < line < b for a, b in pairwise(bounds)) for line in restarts)
        if len(items) >= 2 and in_sequence and heads_restarts and items[0].line.number < coded[0].line:
            return kind, [item.code for item in items]
    return None


PART = re.compile(r"^(?:(?:premiere|deuxieme|troisieme|quatrieme|cinquieme|sixieme|seconde)\s+partie"
                  r"|(?:partie|chapitre|titre)\s+\w+)\s*[-–—:.]?\s*")


def _part_title(folded: str) -> str:
    """A folded heading without its part's number (« deuxieme partie – diagnostic partage » → « diagnostic
    partage »)."""
    return PART.sub("", folded)


INLINE_TRANSVERSAL = re.compile(r"(?:de (?:mani[eè]re|fa[cç]on) transversale|transversalement|[àa] titre transversal"
                                r"|(?:attention|approche|vigilance|regard) transversale?"
                                r"|transversa(?:les?|ux)(?:\s+(?:[àa]|de|pour|dans)\s+l['’]ensemble\s+(?:des|du)"
                                r"\s+[^\W\d_]+)?,)"
                                r",?\s+([^:;]+?)(?:[.;](?:\s|$)|$)", re.IGNORECASE)
"""Concerns named in a sentence without a colon (« … prennent en compte, de manière transversale, la jeunesse, … »,
« Le contrat porte une attention transversale à la jeunesse, à l'égalité … », « … retient, comme priorités
transversales à l'ensemble des axes, la jeunesse, … »)."""
ARTICLE = re.compile(r"(?:la|le|les|des|du|une?|leurs?|nos|notre)\s|l['’]", re.IGNORECASE)


def _without_preposition(part: str) -> str:
    """A concern named after « à » as its noun phrase (« à la jeunesse » → « la jeunesse », « aux familles » → « les
    familles »)."""
    part = part.strip()
    if re.match(r"aux\s", part):
        return "les " + part[4:]
    if re.match(r"au\s", part):
        return "le " + part[3:]
    return re.sub(r"^[àa]\s+(?=(?:la|le|les|l'|l’)\b)", "", part)


LAST_AND = re.compile(r"\s+et\s+(?:[àa]\s+|(?=au\b|aux\b))?(?=(?:la|le|les|l'|l’|des|du|une?|au|aux)\b)")
"""An « et » before the last concern of an enumeration (« … et la lutte contre … », « … et à la jeunesse »)."""


def _enumerated(text: str) -> list[str]:
    """The concerns a sentence names after announcing them as transversal and a colon (« Les orientations intègrent
    trois priorités transversales : l'égalité entre les femmes et les hommes, la lutte contre les discriminations et
    la transition écologique. ») or after « de manière transversale » (each concern opening with an article), or
    nothing."""
    text = re.sub(r"^\|\s*|(?:\s*\|)+\s*$", "", text)  # a table's row across (« | Priorités … : … |  |  | »)
    text = re.sub(r"^([^|:]*transvers[^|:]*?)\s+\|\s+", r"\1 : ", text, flags=re.IGNORECASE)  # « | … | a – b | »
    match = re.search(r"(?:transvers|pr[ée]occupation)[^:;.]*:\s*([^:]+?)(?:\.(?:\s|$)|$)", text, re.IGNORECASE)
    inline = None if match else INLINE_TRANSVERSAL.search(text)
    if not match and not inline:
        return []
    named = match.group(1).strip().strip("|").strip() if match else ""  # « … : | La jeunesse | L'égalité … | »
    separator = next((sep for sep in (";", " • ", " · ", " | ") if sep in named), None)
    if named and not separator and "," not in named and named.count(" – ") >= 1 and all(
            len(part.split()) <= 6 for part in named.split(" – ")):
        separator = " – "  # « Jeunesse – Égalité femmes-hommes – Lutte contre les discriminations »
    if separator:  # « … : la jeunesse ; l'égalité entre les femmes et les hommes ; la lutte … » (or « • »)
        parts = [part.strip() for part in named.split(separator)]
    else:
        parts = [part.strip() for part in re.split(r",\s+", (match or inline).group(1))]
        if inline:  # « … prennent en compte, de manière transversale, la jeunesse, … et la lutte …, conformément »
            parts = [_without_preposition(part) for part in parts]
            parts = list(itertools.takewhile(lambda part: ARTICLE.match(part), parts))
            if not parts:
                return []
        last = [m for m in LAST_AND.finditer(parts[-1])  # not the « et » of « entre les femmes et les hommes »
                if not re.search(r"\bentre\s+(?:les\s+)?\w+$", parts[-1][:m.start()])]
        if last:  # « … entre les femmes et les hommes et la lutte … »: the enumeration's last « et »
            parts[-1:] = [parts[-1][:last[-1].start()].strip(), _without_preposition(parts[-1][last[-1].end():])]
    if len(parts) < 2 or not all(1 <= len(part.split()) <= 12 for part in parts):
        return []
    return parts


def _sentence(text: str) -> bool:
    """A whole sentence that announces what follows (« Les signataires s'engagent à faire des quartiers des lieux de
    rencontre. », « Les signataires retiennent les objectifs suivants : »), not a header over a list of partners,
    indicators or examples (« Partenaires », « Les signataires : », « Les signataires du contrat : »)."""
    words, folded = len(text.split()), fold(text)
    if re.match(r"(?:les signataires|le contrat)\s+(?!du\b|de\b|des\b|sont\b|:)", folded) and words > 4 and (
            OBJECTIVE_HEADERS.search(folded) is not None):
        return True  # its subject, a verb, then the objectives it announces
    return ":" not in text and text.rstrip().endswith(".") and words > 6


def _capital_parents(builder: Builder) -> tuple[tuple, list[str]] | None:
    """The kind of the numbered headings in capitals that head the tree, and their codes, when at least two of
    them, numbered in sequence one after the other, each stand over dotted codes that extend theirs (« 1. ÉDUCATION »
    over « 1.1. », « 1.1.1. »; « 3.1. VIVRE MIEUX » over « 3.1.1. » after sections « 1.1. », « 2.1. » that head
    none); else None."""
    by_kind: dict[tuple, list[Item]] = {}
    for item in builder.capital_headings:
        by_kind.setdefault(item.kind, []).append(item)
    dotted = [(line.number, found.code) for line in builder.lines
              if (found := classify(line)) is not None and found.kind[0] == "dotted" and found.code]
    for kind, items in by_kind.items():
        bounds = [item.line.number for item in items] + [len(builder.lines) + 1]
        heading = [item for item, (a, b) in zip(items, pairwise(bounds), strict=False)
                   if any(a < number < b and code.startswith(item.code + ".") for number, code in dotted)]
        # the document's other sections numbered alike (« 1.1. LE CONTEXTE », « 2.1. LES QUARTIERS ») head no code:
        # the run of those that do (« 3.1. VIVRE MIEUX … », « 3.2. … ») is the top of the tree
        if len(heading) >= 2 and all(_successor(a.code) == b.code for a, b in pairwise(heading)) and (
                len(heading) == len(items) or heading == items[items.index(heading[0]):][:len(heading)]):
            return kind, [item.code for item in heading]
    return None


def transversal_label(text: str) -> str:
    """A transversal concern without the explanation that may follow it (« La jeunesse, qui représente… », « La
    transition écologique, avec une attention particulière à … »)."""
    cut = re.search(r",\s+(?:qui|dont|afin|avec|notamment|en particulier|y compris|[àa] travers|au travers|en lien"
                    r"|pour|par|car|c.est-[àa]-dire)\b|\s:\s|\s[–—]\s", text)
    return clean_label(text[:cut.start()] if cut else text)


def _finish(node: Node, top: bool, mode: str) -> None:
    """Clean labels, take a code printed after them (« … (OO 1.2.1) »), split « Thème : a ; b » lists and
    « Titre – sous-titre » headings."""
    node.label = clean_label(CROSS_REFERENCE.sub("", node.label))
    reference = REFERENCE.search(node.label)
    if reference and (reference.group("kw") or "." in reference.group("code")) and reference.start() > 0:
        node.label = clean_label(node.label[:reference.start()])
        node.code = node.code or reference.group("code")
    if (top and mode == "lists") or (node.kind[:1] == ("num",) and node.parent is None):
        label, description = splits_dash(node.label)
        if description:
            node.label, node.description = clean_label(label), [description, *node.description]
    if not node.children and node.kind[:1] == ("bullet",):
        colon = re.match(r"^(?P<head>[^:;]{2,60}?)\s:\s(?P<tail>.+)$", node.label)
        if colon:
            tail = colon.group("tail")
            parts = [clean_label(p) for p in tail.split(";") if clean_label(p)]
            if len(parts) > 1 or (len(colon.group("head").split()) <= 4 and looks_like_objective(tail)):
                node.label = clean_label(colon.group("head"))
                node.children = [Node(p, None, ("part",), node.line, "objectif", parent=node) for p in parts]
    for child in node.children:
        _finish(child, top=False, mode=mode)
    node.children = [c for c in node.children if c.label]


SLUG_STOP = {"le", "la", "les", "l", "de", "des", "du", "d", "et", "a", "au", "aux", "en", "pour", "un", "une",
             "dans", "sur", "par", "avec", "ou", "leur", "leurs", "son", "sa", "ses", "qui", "que", "notamment"}


def slug(label: str, taken: set[str], words: int = 4) -> str:
    """A stable code for a node printed without one: the first significant words of its label
    (« Favoriser l'accès aux soins » → ``favoriser-acces-soins``), made unique with ``-2``, ``-3``…"""
    found = [w for w in re.split(r"[^a-z0-9]+", fold(label)) if w and w not in SLUG_STOP]
    base = "-".join(found[:words])[:48].strip("-") or "objectif"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


class Vocabulary:
    """The words of a document, to mend its labels' words that a line end split with a hyphen (« associa- tives »)."""

    BROKEN = re.compile(r"(?<![\w-])([^\W\d_]+)- ([^\W\d_]+)")
    COMPOUND_TAILS = frozenset({"être", "même", "mêmes", "ci", "là", "clé", "clés", "relais", "santé", "parents",
                                "enfants", "jeunes", "ville", "emploi", "vie", "quartier", "quartiers"})
    """Words that follow a hyphen in a compound (« bien-être », « enfants-parents »): kept with it when the
    document does not say otherwise."""

    def __init__(self, text: str) -> None:
        self.words = set(re.findall(r"[^\W\d_]+", text.casefold()))
        self.compounds = set(re.findall(r"[^\W\d_]+-[^\W\d_]+", text.casefold()))

    def mend(self, label: str) -> str:
        """The label with each « word- part » joined: as one word when the document writes it so or does not write
        it as a compound, with its hyphen when it does (« sport-santé »)."""
        def join(match: re.Match) -> str:
            left, right = match.group(1), match.group(2)
            if not right[:1].islower():
                return match.group(0)  # « Cohésion sociale - Emploi »: a dash between words
            whole, compound = (left + right).casefold(), f"{left}-{right}".casefold()
            if whole not in self.words and (compound in self.compounds or right.casefold() in self.COMPOUND_TAILS):
                return f"{left}-{right}"
            return left + right

        return self.BROKEN.sub(join, label)


def to_taxonomy(outline: Outline, name: str, source: str, text: str, layout: str):
    """The ``Taxonomy`` of an outline: printed codes kept (a code printed twice gets ``-bis``), codes generated
    for nodes printed without one, the transversal concerns as their own family."""
    import hashlib

    from cvclassify.taxonomy.tree import Objective, Taxonomy

    outline.roots = _without_stubs(outline.roots)
    objectives: list[Objective] = []
    taken: set[str] = set()
    warnings = list(outline.notes)
    words = Vocabulary(text)

    def under_uncoded(nodes: list[Node]) -> Iterator[Node]:
        for node in nodes:
            if node.code and node.parent is not None and not node.parent.code:
                yield node
            yield from under_uncoded(node.children)

    parents_of: dict[str, set[int]] = {}
    for node in under_uncoded(outline.roots):
        parents_of.setdefault(node.code, set()).add(id(node.parent))
    restarting = any(len(parents) >= 2 for parents in parents_of.values())
    """Ranks printed again under each heading without a code (« 1 - », « 2 - »): every such item's id gets its
    heading's (``sante-1``), the first heading's included."""

    levels_of: dict[str, str] = {}

    def add(node: Node, parent: str | None, depth: int = 0, named: bool = False) -> None:
        if node.code:
            ident = node.code
            if restarting and parent and node.parent is not None and not node.parent.code:
                ident = f"{parent}-{node.code}"  # « 1 - » again under another heading without a code
            if ident in taken and node.level_name and levels_of.get(ident) not in (None, node.level_name):
                ident = f"{slug(node.level_name, set())}-{ident}"  # « Objectif 1 » beside « Axe 1 »: each its own
            printed = ident
            while ident in taken:
                ident += "-bis"
            if ident != printed:
                warnings.append(f"Ligne {node.line} : le code {node.code} est imprimé deux fois ; le second objectif "
                                f"est gardé sous l'identifiant {ident}.")
            taken.add(ident)
            levels_of[ident] = node.level_name
        label, more = _first_sentence(node.label)
        if not node.code:
            ident = slug(label, taken)
        level = node.level_name or "objectif"
        if level == "objectif" and node.children and not named:  # « 1. » over « 1.1 », no level named above
            level = UNNAMED_LEVELS[min(depth, len(UNNAMED_LEVELS) - 1)]
        described = [more, *node.description] if more else node.description
        objectives.append(Objective(id=ident, code=node.code or "", level=level, label=words.mend(label),
                                    parent=parent, description=clean_label(" ".join(described)) if described else ""))
        for child in node.children:
            add(child, ident, depth + 1, named or node.level_name not in ("", "objectif"))

    for root in outline.roots:
        add(root, None)
    for label in outline.transversal:
        objectives.append(Objective(id=slug(label, taken), code="", level="préoccupation transversale", label=label,
                                    transversal=True))
    return Taxonomy(name=name, objectives=objectives, source=source,
                    source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    warnings=[f"Disposition lue : {layout}.", *warnings])


def _without_stubs(nodes: list[Node]) -> list[Node]:
    """Nodes without the childless ones whose code and kind a sibling with children holds too (« - Axe 1 : ok, rien
    à signaler » in a reply above the quoted tree; an axis named in a summary, then detailed under a longer title)."""
    full = {(node.kind, node.code) for node in nodes if node.children and node.code}
    kept = [node for node in nodes if node.children or not node.code or (node.kind, node.code) not in full]
    for node in kept:
        node.children = _without_stubs(node.children)
    return kept


HANGING_WORDS = 3
"""Words, at most, of an item's wrapped end that starts with a capital (a proper noun: « France Services »)."""
LONG_LABEL = 15
"""Words beyond which an item that holds several sentences is an objective and its explanation."""
SENTENCE_END = re.compile(r"(?<=[a-zà-ÿ)»\d])\.\s+(?=[A-ZÉÈÀÂÎÔ«])")


def _first_sentence(label: str) -> tuple[str, str]:
    """A long item of several sentences (« 3. Améliorer le cadre de vie. Les habitants ont placé… ») as its first
    sentence, the objective, and the rest, its description; a label of one sentence as it is."""
    if len(label.split()) <= LONG_LABEL:
        return label, ""
    for end in SENTENCE_END.finditer(label):
        first = label[:end.start()]
        if len(first.split()) >= 3:  # « Encourager l'esprit d'entreprendre. Un accompagnement … »
            return clean_label(first), label[end.end():].strip()
    return label, ""


def _leaf_labels(node: Node) -> list[str]:
    if not node.children:
        return [node.label]
    return [label for child in node.children for label in _leaf_labels(child)]
