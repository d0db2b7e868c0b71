// Review desk — the code picker: an accent-insensitive search of the tree's codes, to add a missing one
// (a combobox: `#picker-input` and its `#picker-list` of options with `data-id`).

import {$, el, fold, sentenceCase, setStatus} from './dom.js';
import {levelNoun, levelWords} from './labels.js';
import {parentsOf} from './projects.js';
import {changed, codeRows, focusCursor, refreshDocument, renderCodes} from './review.js';
import {state} from './state.js';

const picker = {matches: [], active: -1};

function searchLeaves(query) {
  const q = fold(query).trim();
  if (!q) return [];
  const tokens = q.split(/[\s,;]+/).filter(Boolean);
  const scored = [];
  state.leaves.forEach((leaf, order) => {
    let score = 0;
    const code = fold(leaf.code);
    const objectiveCode = fold(leaf.objective && leaf.objective.code);
    if (code === q) score += 1000;
    else if (code.startsWith(q)) score += 500;
    else if (objectiveCode && objectiveCode === q) score += 400;
    let allFound = true;
    for (const token of tokens) {
      if (code.startsWith(token) || fold(leaf.id).startsWith(token)) score += 50;
      else if (leaf.labelFolded.includes(token)) score += 20;
      else if (leaf.contextFolded.includes(token)) score += 5;
      else { allFound = false; break; }
    }
    if (!allFound && score < 400) return;
    scored.push({leaf, score, order});
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.slice(0, 12).map((s) => s.leaf);
}

function renderPicker() {
  const list = $('picker-list');
  const input = $('picker-input');
  list.replaceChildren();
  const review = state.review;
  if (!picker.matches.length) {
    if (input.value.trim()) {
      list.append(el('li', {class: 'picker-empty', role: 'option', 'aria-disabled': 'true'}, 'Aucun code ne correspond.'));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    } else {
      closePicker();
    }
    input.removeAttribute('aria-activedescendant');
    return;
  }
  picker.matches.forEach((leaf, i) => {
    const already = review && review.ticked.has(leaf.id);
    const option = el('li', {
      id: `pick-${i}`, role: 'option', class: `picker-option${i === picker.active ? ' is-active' : ''}`,
      'aria-selected': i === picker.active ? 'true' : 'false', 'data-id': leaf.id,
    },
    el('span', {class: 'picker-line'}, el('strong', {class: 'code'}, leaf.code), ' ', leaf.label,
      already ? el('span', {class: 'badge badge-small'}, 'déjà retenu') : null),
    pickerMeta(leaf));
    option.addEventListener('mousedown', (event) => { event.preventDefault(); pickLeaf(leaf); });
    list.append(option);
  });
  const wasHidden = list.hidden;
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  if (wasHidden) list.scrollIntoView({block: 'nearest'});
  if (picker.active >= 0) {
    input.setAttribute('aria-activedescendant', `pick-${picker.active}`);
    const activeOption = $(`pick-${picker.active}`);
    if (activeOption) activeOption.scrollIntoView({block: 'nearest'});
  } else {
    input.removeAttribute('aria-activedescendant');
  }
}

/** The nearest parent of a code worth printing (« Objectif 1.4 · En luttant… »); none in a one-level tree. */
function pickerMeta(leaf) {
  const parents = parentsOf(leaf);
  const parent = parents[parents.length - 1];
  if (!parent) return null;
  const full = parent.level ? `${levelWords(parent.level)} ${parent.code}` : '';
  const name = parent.level ? `${levelNoun(parent.level)} ${parent.code}` : parent.code;
  return el('span', {class: 'picker-meta', title: full || null},
    parent.label ? `${name} · ${sentenceCase(parent.label)}` : name);
}

export function closePicker() {
  picker.matches = [];
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

$('picker-input').addEventListener('input', () => {
  picker.matches = searchLeaves($('picker-input').value);
  picker.active = picker.matches.length ? 0 : -1;
  renderPicker();
});

$('picker-input').addEventListener('keydown', (event) => {
  const count = picker.matches.length;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (!count) {
      picker.matches = searchLeaves($('picker-input').value);
      picker.active = picker.matches.length ? 0 : -1;
    } else {
      picker.active = (picker.active + (event.key === 'ArrowDown' ? 1 : -1) + count) % count;
    }
    renderPicker();
  } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    if (count) pickLeaf(picker.matches[Math.max(picker.active, 0)]);
  } else if (event.key === 'Escape') {
    event.preventDefault();
    if (count || $('picker-input').value) {
      $('picker-input').value = '';
      closePicker();
    } else {
      $('picker-input').blur();
      focusCursor();
    }
  }
});

$('picker-input').addEventListener('blur', () => setTimeout(() => {
  if (document.activeElement !== $('picker-input')) closePicker();
}, 150));

$('hint-pick').addEventListener('click', () => {
  const hint = state.review && state.review.hint;
  if (!hint) return;
  $('picker-input').value = hint.code;
  $('picker-input').focus();
  picker.matches = searchLeaves(hint.code);
  picker.active = picker.matches.length ? 0 : -1;
  renderPicker();
});
