// Review desk — the code picker, to add a missing code (a combobox: `#picker-input` and its `#picker-list` of
// options with `data-id`). What is typed is looked for in the codes, their labels, their lexicon and their
// description (search.js); each option says where its words were found when not in its label. With nothing
// typed, the list is the tree: axe › objectif stratégique › objectif opérationnel, then the codes.

import {$, el, sentenceCase, setStatus} from './dom.js';
import {capitalise, levelNoun, levelWords} from './labels.js';
import {parentsOf} from './projects.js';
import {changed, codeRows, focusCursor, refreshDocument, renderCodes} from './review.js';
import {excerpt, highlight, search} from './search.js';
import {state} from './state.js';

/** `mode`: 'search' (something typed), 'browse' (the tree) or 'closed'; `matches`: the leaves listed. */
const picker = {mode: 'closed', matches: [], active: -1, found: null};

/** Text with the query's words marked. */
function marked(text, found) {
  if (!found) return [text];
  return highlight(text, found.words, found.loose).map((piece) => (piece.hit
    ? el('mark', {class: 'picker-hit'}, piece.text) : piece.text));
}

/** « Objectif stratégique S2.4 », « Axe 1 », « Objectif opérationnel 2.12 »: a node named by its level. */
function nodeName(node) {
  if (!node.level) return node.code;
  const words = levelWords(node.level);
  // The top level is short enough as its noun (« Axe »); the objectives say which they are.
  const name = node.level === 'axis' ? levelNoun(node.level) : capitalise(words);
  return `${name} ${node.code}`;
}

function openList() {
  const list = $('picker-list');
  const wasHidden = list.hidden;
  list.hidden = false;
  $('picker-input').setAttribute('aria-expanded', 'true');
  if (wasHidden) list.scrollIntoView({block: 'nearest'});
}

/** One option: the code and its label (its words marked), « déjà retenu » if so, then the lines below. */
function option(leaf, i, found, below = []) {
  const already = state.review && state.review.ticked.has(leaf.id);
  const node = el('li', {
    id: `pick-${i}`, role: 'option', class: `picker-option${i === picker.active ? ' is-active' : ''}`,
    'aria-selected': i === picker.active ? 'true' : 'false', 'data-id': leaf.id,
  },
  el('span', {class: 'picker-line'}, el('strong', {class: 'code'}, leaf.code), ' ', ...marked(leaf.label, found),
    already ? el('span', {class: 'badge badge-small'}, 'déjà retenu') : null),
  ...below);
  node.addEventListener('mousedown', (event) => { event.preventDefault(); pickLeaf(leaf); });
  return node;
}

/** One option of the search: the code and its label, its objective, and why it was found. */
function searchOption(result, i, found) {
  return option(result.leaf, i, found, [pickerMeta(result.leaf, found), ...whyLines(result, found)]);
}

/** Where the words were found, when not (only) in the label: « Mot-clé : atelier sociolinguistique »… */
function whyLines(result, found) {
  const leaf = result.leaf;
  const shownParent = parentsOf(leaf).slice(-1)[0];
  const lines = [];
  for (const why of result.why) {
    if (why.field === 'lexicon') {
      const key = why.texts.length > 1 ? 'Mots-clés : ' : 'Mot-clé : ';
      const terms = [];
      why.texts.forEach((text, k) => { if (k) terms.push(', '); terms.push(...marked(text, found)); });
      lines.push(el('span', {class: 'picker-why'}, el('span', {class: 'why-key'}, key), ...terms));
    } else if (why.field === 'description') {
      lines.push(el('span', {class: 'picker-why'}, el('span', {class: 'why-key'}, 'Description : '),
        ...marked(excerpt(why.texts[0], found.words, found.loose), found)));
    } else if (why.field === 'context' && why.node && !(shownParent && shownParent.code === why.node.code)) {
      // The objective printed under the code already shows its own words; the levels above are named here.
      lines.push(el('span', {class: 'picker-why'}, el('span', {class: 'why-key'}, `${nodeName(why.node)} : `),
        ...marked(sentenceCase(why.texts[0]), found)));
    }
  }
  return lines;
}

/** The nearest parent of a code worth printing (« Objectif 1.4 · En luttant… »); none in a one-level tree. */
function pickerMeta(leaf, found = null) {
  const parents = parentsOf(leaf);
  const parent = parents[parents.length - 1];
  if (!parent) return null;
  const full = parent.level ? `${levelWords(parent.level)} ${parent.code}` : '';
  const name = parent.level ? `${levelNoun(parent.level)} ${parent.code}` : parent.code;
  return el('span', {class: 'picker-meta', title: full || null},
    ...(parent.label ? [`${name} · `, ...marked(sentenceCase(parent.label), found)] : [name]));
}

/** The codes found for what is typed. */
function renderSearch(list) {
  const found = picker.found;
  if (!found.results.length) {
    list.append(el('li', {class: 'picker-empty', role: 'option', 'aria-disabled': 'true'}, 'Aucun code ne correspond.'));
    return;
  }
  if (found.partial) {
    list.append(el('li', {class: 'picker-note', role: 'presentation'},
      'Aucun code ne contient tous ces mots ; voici ceux qui en contiennent une partie.'));
  }
  found.results.forEach((result, i) => list.append(searchOption(result, i, found)));
}

/** The tree: the codes under headings for their axis, strategic objective and operational objective. */
function renderBrowse(list) {
  let previous = [];
  let group = null;
  picker.matches.forEach((leaf, i) => {
    const ancestors = leaf.ancestors || [];
    const parent = ancestors[ancestors.length - 1];
    const sameGroup = group && parent && previous.length === ancestors.length
      && previous[previous.length - 1].id === parent.id;
    if (!sameGroup) {
      group = null;
      if (parent) {
        const path = ancestors.map((a) => `${nodeName(a)}${a.label ? ` : ${sentenceCase(a.label)}` : ''}`);
        const heads = ancestors.map((a, depth) => {
          if (depth < ancestors.length - 1 && previous[depth] && previous[depth].id === a.id) return null;
          return el('div', {class: `picker-head picker-head-${Math.min(depth, 3)}`, 'aria-hidden': 'true'},
            el('span', {class: 'head-name'}, nodeName(a)), a.label ? ` · ${sentenceCase(a.label)}` : '');
        });
        group = el('ul', {role: 'none', class: 'picker-group-options'});
        list.append(el('li', {
          role: 'group', class: `picker-group picker-depth-${Math.min(ancestors.length, 3)}`, 'aria-label': path.join(' › '),
        }, ...heads, group));
      }
    }
    (group || list).append(option(leaf, i, null));
    previous = ancestors;
  });
}

function renderPicker() {
  const list = $('picker-list');
  const input = $('picker-input');
  list.replaceChildren();
  if (picker.mode === 'closed') { closePicker(); return; }
  list.classList.toggle('is-tree', picker.mode === 'browse');
  list.setAttribute('aria-label', picker.mode === 'browse' ? 'Codes par axe et par objectif' : 'Codes trouvés');
  if (picker.mode === 'browse') renderBrowse(list);
  else renderSearch(list);
  openList();
  if (picker.active >= 0) {
    input.setAttribute('aria-activedescendant', `pick-${picker.active}`);
    const activeOption = $(`pick-${picker.active}`);
    if (activeOption) activeOption.scrollIntoView({block: 'nearest'});
  } else {
    input.removeAttribute('aria-activedescendant');
    list.scrollTop = 0;
  }
}

/** What the box holds decides the list: the codes found, or the tree when it is empty. */
function update({active = null} = {}) {
  const value = $('picker-input').value;
  if (value.trim()) {
    picker.mode = 'search';
    picker.found = search(state.searchIndex, value);
    picker.matches = picker.found.results.map((r) => r.leaf);
    picker.active = picker.matches.length ? 0 : -1;
  } else {
    picker.mode = 'browse';
    picker.found = null;
    picker.matches = state.leaves;
    picker.active = active === null ? -1 : Math.min(active, picker.matches.length - 1);
  }
  renderPicker();
}

export function closePicker() {
  picker.mode = 'closed';
  picker.matches = [];
  picker.found = null;
  picker.active = -1;
  $('picker-list').hidden = true;
  $('picker-list').replaceChildren();
  $('picker-input').setAttribute('aria-expanded', 'false');
  $('picker-input').removeAttribute('aria-activedescendant');
}

function pickLeaf(leaf) {
  const review = state.review;
  if (!review || review.readonly) return;
  const rows = codeRows(review);
  let rowIndex = rows.findIndex((row) => row.code.id === leaf.id);
  if (rowIndex < 0) {
    review.added.push(leaf);
    rowIndex = rows.length;
  }
  review.ticked.add(leaf.id);
  $('picker-input').value = '';
  closePicker();
  review.cursor = rowIndex;
  changed();
  renderCodes(review);
  refreshDocument();
  setStatus(`Code ${leaf.code} ajouté aux codes retenus.`, 'info');
  focusCursor();
}

$('picker-input').addEventListener('input', () => update());

// The list opens as soon as the box is entered (by « / », a click or Tab): the tree when nothing is typed.
$('picker-input').addEventListener('focus', () => {
  if (picker.mode === 'closed' && state.review && !state.review.readonly) update();
});

$('picker-input').addEventListener('keydown', (event) => {
  const count = picker.matches.length;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (picker.mode === 'closed' || !count) {
      update({active: 0});
    } else {
      picker.active = picker.active < 0
        ? (event.key === 'ArrowDown' ? 0 : count - 1)
        : (picker.active + (event.key === 'ArrowDown' ? 1 : -1) + count) % count;
      renderPicker();
    }
  } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    // In the tree, nothing is chosen until a code is reached with the arrows.
    if (picker.mode === 'search' && count) pickLeaf(picker.matches[Math.max(picker.active, 0)]);
    else if (picker.mode === 'browse' && picker.active >= 0) pickLeaf(picker.matches[picker.active]);
  } else if (event.key === 'Escape') {
    event.preventDefault();
    if (picker.mode !== 'closed' || $('picker-input').value) {
      $('picker-input').value = '';
      closePicker();
    } else {
      $('picker-input').blur();
      focusCursor();
    }
  }
});

// A click on a heading or the list's scroll bar keeps the focus in the box (options pick on mousedown).
$('picker-list').addEventListener('mousedown', (event) => event.preventDefault());

$('picker-input').addEventListener('blur', () => setTimeout(() => {
  if (document.activeElement !== $('picker-input')) closePicker();
}, 150));

$('hint-pick').addEventListener('click', () => {
  const hint = state.review && state.review.hint;
  if (!hint) return;
  $('picker-input').value = hint.code;
  $('picker-input').focus();
  update();
});
