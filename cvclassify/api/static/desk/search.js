// Review desk — the code search: an index of a project's codes (their code, label, lexicon, description and
// the labels of their parents in the tree) and the ranked codes for what an officer types. No DOM here.
//
// Words are compared whole, accent- and case-insensitive, a final plural s or x aside (« adultes-relais » finds
// « adulte-relais »); then as prefixes (« jardi » finds « jardin »), except words of three letters or fewer,
// which must be whole words (« FLE » is the acronym, not the inside of « réfléchir » nor « fléchage ») unless
// nothing else matches (while the officer types « sa… »). The code and the label rank above the lexicon, the
// lexicon above the description, the description above the parents' labels.

import {fold} from './dom.js';

/** Words that say nothing of a code: articles, prepositions, possessives, elided letters (« l' », « d' »). */
const STOP_WORDS = new Set([
  'a', 'au', 'aux', 'avec', 'c', 'ce', 'ces', 'cet', 'cette', 'd', 'dans', 'de', 'des', 'du', 'en', 'et', 'j', 'l',
  'la', 'le', 'les', 'leur', 'leurs', 'm', 'n', 'ou', 'par', 'pour', 'qu', 's', 'sa', 'se', 'ses', 'son', 'sur', 't',
  'un', 'une',
]);

/**
 * How much a query word found in a field is worth: a whole word, a part of a hyphenated word (« santé » in
 * « sport-santé »), the start of a word.
 */
const WEIGHTS = {
  label: {whole: 100, part: 80, prefix: 60},
  lexicon: {whole: 50, part: 40, prefix: 30},
  description: {whole: 20, part: 16, prefix: 12},
  context: {whole: 8, part: 6, prefix: 5},
};
const FIELDS = Object.keys(WEIGHTS);
const SHORT = 3;       // words this long or shorter match whole words only (unless nothing else matches)
const MAX_RESULTS = 15;

/** A word as compared: folded, a final plural s or x removed from words longer than three letters. */
const stem = (word) => (word.length > SHORT && /[sx]$/.test(word) ? word.slice(0, -1) : word);

const WORD = /[\p{L}\p{N}]+/gu;
/** What is typed as a numbered code or its start: « 2 », « 2.11 », « 1.5.3-bis ». */
const CODE_LIKE = /^\d+(?:\.[\p{L}\p{N}-]*)*$/u;
const COMPOUND = /[\p{L}\p{N}]+(?:[-‐‑][\p{L}\p{N}]+)*/gu;

/**
 * The words of a text as compared, without the stop words (all of them if it has only stop words), and those
 * that are only ever parts of a hyphenated word (« pré » in « pré-adolescents »).
 */
function analyse(text) {
  const all = [];
  for (const compound of fold(text).match(COMPOUND) || []) {
    const pieces = compound.split(/[-‐‑]/);
    for (const piece of pieces) all.push({word: piece, part: pieces.length > 1});
  }
  const content = all.filter((w) => !STOP_WORDS.has(w.word));
  const kept = (content.length ? content : all).map((w) => ({word: stem(w.word), part: w.part}));
  const whole = new Set(kept.filter((w) => !w.part).map((w) => w.word));
  return {words: kept.map((w) => w.word), parts: new Set(kept.filter((w) => w.part && !whole.has(w.word)).map((w) => w.word))};
}

/** The words of a text as compared (see analyse). */
const words = (text) => analyse(text).words;

function entry(text, extra = {}) {
  return {text: String(text || ''), ...analyse(text), ...extra};
}

/**
 * The search index of a project's codes. `leaves`: [{id, code, label, description, lexicon, objective,
 * ancestors}], where `ancestors` are the nodes above the code, from the top down ({code, label, level}).
 */
export function buildIndex(leaves) {
  return leaves.map((leaf, order) => ({
    leaf,
    order,
    code: fold(leaf.code),
    id: fold(leaf.id),
    objectiveCode: fold(leaf.objective && leaf.objective.code),
    fields: {
      label: [entry(leaf.label)],
      lexicon: (leaf.lexicon || []).filter(Boolean).map((term) => entry(term)),
      description: leaf.description ? [entry(leaf.description)] : [],
      context: (leaf.ancestors || []).filter((a) => a && a.label).map((a) => entry(a.label, {node: a})),
    },
  }));
}

/** How a word of a code matches a query word: 'whole', 'part' (of a hyphenated word), 'prefix' or null. */
function matchWord(word, token, loose, part = false) {
  const short = token.length <= SHORT && !loose;
  if (word === token) return part ? (short ? null : 'part') : 'whole';
  if (!short && word.startsWith(token)) return 'prefix';
  return null;
}

/** Do the query words follow one another in an entry (the last one may be a prefix: it is being typed)? */
function containsPhrase(e, tokens, loose) {
  for (let start = 0; start + tokens.length <= e.words.length; start += 1) {
    let all = true;
    for (let k = 0; k < tokens.length && all; k += 1) {
      const word = e.words[start + k];
      const kind = matchWord(word, tokens[k], loose, e.parts.has(word));
      all = kind === 'whole' || kind === 'part' || (kind === 'prefix' && k === tokens.length - 1);
    }
    if (all) return true;
  }
  return false;
}

/** The best place of one query word in a code: {field, entry, kind, value}, or null. */
function bestPlace(item, token, loose) {
  let best = null;
  for (const field of FIELDS) {
    for (const e of item.fields[field]) {
      for (const word of e.words) {
        const kind = matchWord(word, token, loose, e.parts.has(word));
        if (!kind) continue;
        const value = WEIGHTS[field][kind];
        if (!best || value > best.value) best = {field, entry: e, kind, value};
        if (kind === 'whole') break;
      }
    }
    if (best && best.kind === 'whole') break;  // the fields that follow weigh less
  }
  return best;
}

/** How one code matches the query: its score, how many query words it has, and where they are. */
function scoreEntry(item, query) {
  const {folded, groups, loose} = query;
  let score = 0;
  if (item.code === folded) score += 1000;
  else if (item.code.startsWith(folded)) score += 500;
  else if (item.objectiveCode && item.objectiveCode === folded) score += 400;

  const hits = [];  // the best place of each query word found outside the code
  let found = 0;
  for (const group of groups) {
    // « 2.11 » in « 2.11 français »: the start of a code, never a word of a label (« dès 2 ans »).
    if (group.codeLike) {
      if (item.code.startsWith(group.raw) || item.id.startsWith(group.raw)) {
        score += 50;
        found += group.words.length;
      }
      continue;
    }
    for (const token of group.words) {
      const best = bestPlace(item, token, loose);
      if (!best) continue;
      found += 1;
      score += best.value;
      hits.push(best);
    }
  }

  // A phrase of the label or a lexicon term, whole or begun: the officer typed what the contract says.
  const tokens = query.words;
  const terms = [];
  if (tokens.length) {
    if (tokens.length > 1 && containsPhrase(item.fields.label[0], tokens, loose)) score += 80;
    for (const e of item.fields.lexicon) {
      if (containsPhrase(e, tokens, loose)) {
        terms.push(e);
        if (tokens.length > 1) score += 60;
        if (e.words.length === tokens.length) score += 30;  // the whole term
      }
    }
  }
  // The more of its lexicon terms have the words, the likelier the code (« numérique »).
  const matched = item.fields.lexicon.filter((e) => e.words.some((w) => tokens.some((t) => matchWord(w, t, loose, e.parts.has(w)))));
  score += 2 * Math.min(Math.max(matched.length - 1, 0), 5);
  return {item, score, found, hits, terms: [...terms, ...matched.filter((e) => !terms.includes(e))]};
}

/** The query: its folded text, its words grouped by what was typed between spaces, and all its words. */
function parseQuery(text, loose) {
  const folded = fold(text).trim();
  const seen = new Set();
  let groups = folded.split(/[\s,;]+/).filter(Boolean).map((raw) => ({
    raw, codeLike: CODE_LIKE.test(raw), words: words(raw).filter((w) => !seen.has(w) && seen.add(w)),
  }));
  // Stop words typed alone (« de la ») are kept; between other words they were dropped by words().
  const allStop = groups.every((g) => !g.words.length || g.words.every((w) => STOP_WORDS.has(w)));
  if (!allStop) {
    groups = groups.map((g) => ({...g, words: g.words.filter((w) => !STOP_WORDS.has(w))}))
      .filter((g) => g.words.length || g.codeLike);
  }
  const all = groups.flatMap((g) => g.words);
  return {folded, groups, words: all, needed: all.length, loose};
}

/**
 * The codes for a query, best first: {results: [{leaf, score, why}], partial, words, loose}. `partial`: no code
 * has every word, these have some. `why` says where the words were found besides the label and the code:
 * [{field: 'lexicon' | 'description' | 'context', texts, node}]. `words`: the query's words as compared, and
 * `loose` whether short ones were taken as prefixes, to mark them in what is shown.
 */
export function search(index, text, {limit = MAX_RESULTS} = {}) {
  let query = parseQuery(text, false);
  if (!query.folded) return {results: [], partial: false, words: [], loose: false};
  let partial = false;
  let scored = [];
  for (const loose of [false, true]) {
    query = parseQuery(text, loose);
    scored = index.map((item) => scoreEntry(item, query))
      .filter((s) => (s.found === query.needed && query.needed > 0) || s.score >= 400);
    if (scored.length) break;
  }
  if (!scored.length && query.needed > 1) {
    // No code has every word: those that have the most of them.
    scored = index.map((item) => scoreEntry(item, query)).filter((s) => s.found > 0);
    partial = scored.length > 0;
  }
  scored.sort((a, b) => (partial ? b.found - a.found : 0) || b.score - a.score || a.item.order - b.item.order);
  return {
    partial,
    words: query.words,
    loose: query.loose,
    results: scored.slice(0, limit).map((s) => ({leaf: s.item.leaf, score: s.score, why: explain(s)})),
  };
}

/** Where the words were found besides the label and the code: the lexicon terms, the description, parents. */
function explain(scored) {
  const outside = scored.hits.filter((h) => h.field !== 'label');
  if (!outside.length) return [];
  const why = [];
  const terms = [...new Set([...outside.filter((h) => h.field === 'lexicon').map((h) => h.entry), ...scored.terms])];
  if (terms.length) why.push({field: 'lexicon', texts: terms.slice(0, 3).map((e) => e.text)});
  const description = outside.find((h) => h.field === 'description');
  if (description) why.push({field: 'description', texts: [description.entry.text]});
  for (const e of new Set(outside.filter((h) => h.field === 'context').map((h) => h.entry))) {
    why.push({field: 'context', texts: [e.text], node: e.node});
  }
  return why;
}

/** The words of a text as written, each with its offset and whether it is part of a hyphenated word. */
function* writtenWords(text) {
  for (const compound of text.matchAll(COMPOUND)) {
    const pieces = [...compound[0].matchAll(WORD)];
    for (const piece of pieces) {
      yield {text: piece[0], index: compound.index + piece.index, part: pieces.length > 1};
    }
  }
}

const isHit = (written, tokenWords, loose) => {
  const word = stem(fold(written.text));
  return tokenWords.some((t) => matchWord(word, t, loose, written.part));
};

/**
 * A text cut in pieces, the words of the query marked: [{text, hit}]. `loose`: short words may be prefixes.
 * Accents and case are kept as written.
 */
export function highlight(text, tokenWords, loose = false) {
  const value = String(text || '');
  if (!tokenWords.length) return [{text: value, hit: false}];
  const pieces = [];
  let last = 0;
  for (const written of writtenWords(value)) {
    if (!isHit(written, tokenWords, loose)) continue;
    if (written.index > last) pieces.push({text: value.slice(last, written.index), hit: false});
    pieces.push({text: written.text, hit: true});
    last = written.index + written.text.length;
  }
  if (last < value.length) pieces.push({text: value.slice(last), hit: false});
  return pieces;
}

/** The part of a long text around its first marked word, « … » where it is cut. */
export function excerpt(text, tokenWords, loose = false, width = 90) {
  const value = String(text || '').replace(/\s+/g, ' ').trim();
  if (value.length <= width) return value;
  let at = 0;
  for (const written of writtenWords(value)) {
    if (isHit(written, tokenWords, loose)) { at = written.index; break; }
  }
  let start = Math.max(0, at - Math.floor(width / 3));
  if (start > 0) {
    const space = value.indexOf(' ', start);
    start = space >= 0 && space < at ? space + 1 : at;
  }
  let end = Math.min(value.length, start + width);
  if (end < value.length) {
    const space = value.lastIndexOf(' ', end);
    end = space > at ? space : end;
  }
  return `${start > 0 ? '… ' : ''}${value.slice(start, end)}${end < value.length ? ' …' : ''}`;
}
