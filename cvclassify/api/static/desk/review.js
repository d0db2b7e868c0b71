// Review desk — the review panel: the decision, the hint, the list of codes to tick, the evidence words
// highlighted in the application's text, the keyboard cursor in the code list and the feedback sent.

import {$, colourOf, el, frPercent, plural, sentenceCase, setStatus, tipped} from './dom.js';
import {FIELD_ORDER, ROUTES, STATUS, capitalise, fieldHeading, levelNoun, levelWords, routeWords} from './labels.js';
import {closePicker} from './picker.js';
import {parentsOf} from './projects.js';
import {putDraft, state} from './state.js';

// ---------------------------------------------------------------- evidence highlighting

/** Python offsets count code points; JavaScript strings count UTF-16 units. */
function offsetMapper(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
  const units = [];
  let unit = 0;
  for (const ch of text) { units.push(unit); unit += ch.length; }
  units.push(unit);
  return (i) => units[Math.min(Math.max(i, 0), units.length - 1)];
}

/** The evidence of one suggestion worth showing: its strongest words (at least a tenth of the best). */
function strongEvidence(suggestion) {
  const evidence = (suggestion.evidence || []).filter((e) => e.weight > 0);
  if (!evidence.length) return [];
  const best = Math.max(...evidence.map((e) => e.weight));
  return evidence.filter((e) => e.weight >= best / 10).slice(0, 8);
}

/** Which suggestions show their words: the ticked ones, and the one hovered or focused. */
function visibleSuggestions(review) {
  const shown = new Set();
  review.suggestions.forEach((s, i) => { if (review.ticked.has(s.id)) shown.add(i); });
  const active = activeSuggestion(review);
  if (active >= 0) shown.add(active);
  if (!shown.size && review.suggestions.length) shown.add(0);
  return shown;
}

function activeSuggestion(review) {
  if (review.hover >= 0) return review.hover;
  const focused = document.activeElement;
  if (focused && focused.closest && focused.closest('#evidence-nav')) return cursorSuggestion(review);
  if (focused && focused.closest && focused.closest('#codes')) {
    const row = focused.closest('li');
    const index = row ? Number(row.dataset.suggestion) : -1;
    return Number.isInteger(index) ? index : -1;
  }
  return -1;
}

/** Append `text` to `node`, wrapping the evidence spans in <mark>s coloured by suggestion. */
function appendHighlighted(node, text, spans, review, active) {
  if (!spans.length) { node.append(text); return; }
  const points = new Set([0, text.length]);
  for (const span of spans) { points.add(span.start); points.add(span.end); }
  const cuts = [...points].sort((a, b) => a - b);
  for (let k = 0; k < cuts.length - 1; k += 1) {
    const start = cuts[k];
    const end = cuts[k + 1];
    const piece = text.slice(start, end);
    const owners = [...new Set(spans.filter((s) => s.start <= start && s.end >= end).map((s) => s.index))]
      .sort((a, b) => a - b);
    if (!owners.length) { node.append(piece); continue; }
    const main = owners.includes(active) ? active : owners[0];
    const keys = [...new Set(spans.filter((s) => s.start <= start && s.end >= end).map((s) => s.key))];
    const title = owners.map((i) => {
      const s = review.suggestions[i];
      return `${s.code} — ${s.label}`;
    }).join('\n');
    node.append(el('mark', {
      class: `ev ${colourOf(main)}${owners.includes(active) ? ' is-active' : ''}${keys.includes(review.wordKey) ? ' is-current' : ''}`,
      'data-s': owners.join(' '),
      'data-k': keys.join(' '),
      title,
    }, piece));
  }
}

function spansFor(review, fieldName, text, shown) {
  const toUnits = offsetMapper(text);
  const spans = [];
  for (const index of shown) {
    for (const e of strongEvidence(review.suggestions[index])) {
      if ((e.field || 'text') !== fieldName) continue;
      const start = toUnits(e.start);
      const end = toUnits(e.end);
      if (!(start >= 0 && end > start && end <= text.length)) continue;
      spans.push({start, end, index, key: `${index}|${fieldName}|${e.start}`});
    }
  }
  return spans;
}

function orderedFieldNames(fields) {
  const names = Object.keys(fields).filter((n) => typeof fields[n] === 'string' && fields[n].trim());
  return names.sort((a, b) => {
    const ia = FIELD_ORDER.indexOf(a);
    const ib = FIELD_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
}

/** Render the application's fields, with the evidence words highlighted. */
function renderDocument(container, review) {
  container.replaceChildren();
  if (!review) return;
  const shown = visibleSuggestions(review);
  const active = activeSuggestion(review);
  const names = orderedFieldNames(review.fields);
  for (const name of names) {
    const text = review.fields[name];
    const block = el('div', {class: `field field-${name}`});
    if (names.length > 1 || name !== 'text') {
      block.append(el('h4', {class: 'field-name'}, fieldHeading(name)));
    }
    const body = el('div', {class: 'field-text'});
    appendHighlighted(body, text, spansFor(review, name, text, shown), review, active);
    block.append(body);
    container.append(block);
  }
  container.classList.toggle('has-active', active >= 0);
}

function documentContainer() {
  return state.mode === 'queue' ? $('queue-doc') : $('single-doc');
}

export function refreshDocument() {
  if (state.review) renderDocument(documentContainer(), state.review);
  renderWordPosition();
}

// ---------------------------------------------------------------- moving through a code's words

/** The suggestion of the code row under the keyboard cursor (-1: an added code, or none). */
function cursorSuggestion(review) {
  const row = codeRows(review)[review.cursor];
  return row && row.kind === 'suggested' ? row.index : -1;
}

/** The code whose words « mot suivant » walks: the hovered or focused one, else the cursor's. */
function wordsCode(review) {
  const active = activeSuggestion(review);
  return active >= 0 ? active : cursorSuggestion(review);
}

/** The words of a suggestion in the text, in reading order: one key per evidence span. */
function wordKeys(index) {
  const keys = [];
  for (const mark of documentContainer().querySelectorAll('mark.ev')) {
    for (const key of (mark.dataset.k || '').split(' ')) {
      if (key.startsWith(`${index}|`) && !keys.includes(key)) keys.push(key);
    }
  }
  return keys;
}

/** The element that scrolls the text: its pane on a wide screen, the text itself at high zoom, else the page. */
function scroller(node) {
  for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
    const style = getComputedStyle(up);
    if (/(auto|scroll)/.test(style.overflowY) && up.scrollHeight > up.clientHeight + 1) return up;
  }
  return null;
}

/**
 * Bring a word into view inside the text's own scrolling box, never by scrolling the page (the code list
 * stays where it is); `force` scrolls the page too when the text has no box of its own (a button pressed).
 */
function reveal(mark, force = false) {
  const box = scroller(mark);
  if (!box) {
    if (force) mark.scrollIntoView({block: 'center'});
    return;
  }
  const place = mark.getBoundingClientRect();
  const frame = box.getBoundingClientRect();
  if (place.top < frame.top + 4 || place.bottom > frame.bottom - 4) box.scrollTop += place.top - frame.top - frame.height / 3;
  if (!force) return;
  // Zoomed in, the text's box itself may be above the codes, out of the window: bring it in (the keys stay
  // on the code, and ↓ ↑ scroll back to it).
  const shown = mark.getBoundingClientRect();
  if (shown.top < 0 || shown.bottom > window.innerHeight) mark.scrollIntoView({block: 'nearest'});
}

/** « mot suivant » (1) / « mot précédent » (-1): the next word of the selected code, highlighted and shown. */
export function moveWord(step) {
  const review = state.review;
  if (!review || $('review').hidden) return;
  const index = wordsCode(review);
  const keys = index >= 0 ? wordKeys(index) : [];
  if (!keys.length) {
    review.wordKey = null;
    refreshDocument();
    setStatus(index >= 0 ? 'Ce code n\'a pas de mot surligné dans le texte.' : 'Code ajouté : il n\'a pas de mot dans le texte.', 'info');
    return;
  }
  const at = keys.indexOf(review.wordKey);
  const next = at < 0 ? (step > 0 ? 0 : keys.length - 1) : (at + step + keys.length) % keys.length;
  review.wordKey = keys[next];
  refreshDocument();
  const mark = documentContainer().querySelector('mark.ev.is-current');
  if (mark) reveal(mark, true);
}

/** The line beside the buttons: which code, which word. */
function renderWordPosition() {
  const line = $('word-position');
  const review = state.review;
  let text = '';
  if (review && !$('review').hidden) {
    const index = wordsCode(review);
    const code = index >= 0 ? review.suggestions[index] : null;
    if (code) {
      const keys = wordKeys(index);
      const at = keys.indexOf(review.wordKey);
      if (!keys.length) text = `${code.code} : aucun mot surligné`;
      else if (at >= 0) text = `${code.code} : mot ${at + 1} sur ${keys.length}`;
      else text = `${code.code} : ${plural(keys.length, 'mot', 'mots')}`;
    }
  }
  if (line.textContent !== text) line.textContent = text;
}

/** The keyboard moved to a code: its first word comes into view in the text (the page itself does not move). */
function revealFirstWord() {
  const review = state.review;
  if (!review) return;
  const index = wordsCode(review);
  if (index < 0) return;
  const [first] = wordKeys(index);
  const mark = first && documentContainer().querySelector(`mark.ev[data-k~="${CSS.escape(first)}"]`);
  if (mark) reveal(mark);
}

// ---------------------------------------------------------------- the review panel

/** The rows of the code list: suggestions in rank order, then the codes added from the picker. */
export function codeRows(review) {
  const rows = review.suggestions.map((s, i) => ({kind: 'suggested', code: s, index: i}));
  for (const leaf of review.added) rows.push({kind: 'added', code: leaf, index: -1});
  return rows;
}

export function renderReview() {
  const review = state.review;
  const panel = $('review');
  if (!review) { panel.hidden = true; return; }
  panel.hidden = false;
  renderDecision(review);
  renderHint(review);
  renderWarnings(review);
  renderCodes(review);
  const unreadable = Boolean(review.item && review.item.status === STATUS.ERROR);
  for (const id of ['codes-head', 'codes-help', 'codes']) $(id).hidden = unreadable;
  $('evidence-nav').hidden = unreadable;
  renderTransversal(review, unreadable);
  $('picker').hidden = review.readonly;
  $('comment-field').hidden = unreadable || (review.readonly && !review.comment);
  $('comment').value = review.comment || '';
  $('comment').readOnly = review.readonly;
  $('codes-help').textContent = review.readonly
    ? 'Codes retenus lors de la revue.'
    : 'Cochés : codes retenus. Survolez un code pour voir ses mots dans le texte.';
  closePicker();
  renderActions();
  refreshDocument();
}

function renderDecision(review) {
  const box = $('decision');
  const decision = review.decision;
  const known = decision && ROUTES.includes(decision.route);
  if (!known || typeof decision.confidence !== 'number') { box.hidden = true; return; }
  box.className = `decision decision-${decision.route}`;
  if (decision.route === 'insufficient') {  // nothing ticked: no confidence to give, the route says why
    box.replaceChildren(el('span', {class: 'decision-dot', 'aria-hidden': 'true'}),
      el('span', {}, el('strong', {}, capitalise(routeWords(decision.route)))));
    box.hidden = false;
    return;
  }
  box.replaceChildren(
    el('span', {class: 'decision-dot', 'aria-hidden': 'true'}),
    el('span', {}, 'Confiance dans les codes cochés ',
      tipped(frPercent(decision.confidence), SET_TIP, {class: 'decision-number', id: 'decision-confidence'}),
      ' — ', el('strong', {}, routeWords(decision.route))),
  );
  box.hidden = false;
}

/** What each number of the desk is (shown on hover and on keyboard focus). */
const CODE_TIP = 'Probabilité calibrée que ce code soit juste pour cette demande : parmi les codes proposés '
  + 'avec ce chiffre, à peu près cette part est juste.';
const SET_TIP = 'Probabilité calibrée que les codes cochés forment exactement le bon ensemble : aucun code '
  + 'manquant, aucun en trop. Elle ne dépasse jamais celle du premier code.';
const HINT_TIP = 'Probabilité calibrée que la demande relève de cet objectif. Elle n\'est jamais inférieure '
  + 'à celle de son premier code : si le code est juste, son objectif l\'est aussi.';

function renderHint(review) {
  const hint = review.hint;
  $('hint').hidden = !hint;
  if (!hint) return;
  // Named by its level in the tree: « Objectif opérationnel probable » in Metz's.
  const node = state.nodeByCode.get(hint.code);
  $('hint-title').textContent = `${node && node.level ? capitalise(levelWords(node.level)) : 'Objectif'} probable :`;
  $('hint-code').textContent = hint.code;
  $('hint-label').textContent = hint.label || '';
  $('hint-score').replaceChildren(...(typeof hint.score === 'number'
    ? ['(', tipped(frPercent(hint.score), HINT_TIP, {class: 'hint-number'}), ')'] : []));
  $('hint-pick').hidden = review.readonly;
}

function renderWarnings(review) {
  const list = $('warnings');
  list.replaceChildren(...(review.warnings || []).map((w) => el('li', {}, w)));
  list.hidden = !(review.warnings && review.warnings.length);
}

export function renderCodes(review) {
  const list = $('codes');
  list.replaceChildren();
  const rows = codeRows(review);
  rows.forEach((row, n) => {
    const code = row.code;
    const id = `code-${n}`;
    const ticked = review.ticked.has(code.id);
    const box = el('input', {
      type: 'checkbox', id, checked: ticked, disabled: review.readonly,
      'aria-describedby': `${id}-meta`, 'data-id': code.id,
    });
    box.addEventListener('change', () => toggleCode(n, box.checked));
    const meta = parentLine(code);
    const national = nationalLine(code);
    const words = row.kind === 'suggested' ? strongEvidence(code).map((e) => e.word) : [];
    const uniqueWords = [...new Set(words)];
    const scoreText = row.kind === 'suggested' ? `probabilité ${frPercent(code.score)}` : 'ajouté';
    const label = el('label', {for: id, class: 'code-label', title: code.description || null},
      row.kind === 'suggested'
        ? el('span', {class: `swatch ${colourOf(row.index)}`, 'aria-hidden': 'true'})
        : el('span', {class: 'swatch swatch-added', 'aria-hidden': 'true'}),
      el('strong', {class: 'code'}, code.code),
      el('span', {class: 'code-text'}, code.label),
      el('span', {class: 'visually-hidden'}, ` — ${scoreText}`));
    const details = el('div', {class: 'code-details', id: `${id}-meta`},
      meta.length ? el('span', {class: 'code-meta'}, ...meta) : null,
      national,
      uniqueWords.length
        ? el('span', {class: 'code-words'}, el('span', {class: 'words-key'}, 'Mots du texte : '),
          uniqueWords.join(', '))
        : null);
    let side;
    if (row.kind === 'suggested') {
      const percent = Math.max(0, Math.min(1, Number(code.score) || 0)) * 100;
      const fill = el('span', {class: 'bar-fill'});
      fill.style.width = `${percent.toFixed(1)}%`;
      side = el('span', {class: 'score'},
        el('span', {class: 'bar', 'aria-hidden': 'true'}, fill),
        tipped(frPercent(code.score), CODE_TIP, {class: 'score-number'}));
    } else {
      side = el('span', {class: 'score', 'aria-hidden': 'true'}, el('span', {class: 'badge badge-added'}, 'ajouté'));
    }
    const li = el('li', {
      class: `code-row${ticked ? ' is-ticked' : ''}${row.kind === 'added' ? ' is-added' : ''}`,
      'data-row': n, 'data-suggestion': row.index,
    }, box, el('div', {class: 'code-body'}, label, details), side);
    // The whole row is a click target, not only the box and its label.
    li.addEventListener('click', (event) => {
      if (review.readonly || event.target.closest('input, label')) return;
      box.click();
      box.focus();
    });
    li.addEventListener('mouseenter', () => setHover(row.index));
    li.addEventListener('mouseleave', () => setHover(-1));
    list.append(li);
  });
  if (!rows.length) {
    list.append(el('li', {class: 'code-row empty-row'}, 'Aucun code proposé : ajoutez-en un avec la recherche ci-dessous.'));
  }
  const count = review.ticked.size;
  $('codes-count').textContent = rows.length ? `${plural(count, 'retenu', 'retenus')} sur ${rows.length}` : '';
  $('readonly-note').hidden = !review.readonly;
}

/**
 * The parents of a code, from the top down, by the noun of their level: « Axe 1 › Objectif 1.4 : En luttant… »
 * (the full name of the level, « axe stratégique », on hover). The top ones show their label on hover and to
 * screen readers only; none repeats the code itself (a one-level tree has no parent line).
 */
function parentLine(code) {
  // Every level above the code, the strategic objective included (« Objectif stratégique S1.1 »), when the
  // tree gives them; else its axis and objective.
  const leaf = state.leafById.get(code.id);
  const chain = leaf && Array.isArray(leaf.ancestors)
    ? leaf.ancestors.filter((a) => a.code && a.code !== code.code) : [];
  const parents = chain.length ? chain : parentsOf(code);
  const meta = [];
  parents.forEach((parent, k) => {
    // The top level by its noun (« Axe 1 »), the objectives by their full name (« Objectif opérationnel 1.4 »).
    const noun = k === 0 && parents.length > 1 ? levelNoun(parent.level) : capitalise(levelWords(parent.level));
    const name = parent.level ? `${noun} ${parent.code}` : parent.code;
    const full = parent.level ? `${capitalise(levelWords(parent.level))} ${parent.code}` : parent.code;
    const label = sentenceCase(parent.label);
    const title = label ? `${full} : ${label}` : full;
    if (k > 0) meta.push(el('span', {class: 'meta-sep', 'aria-hidden': 'true'}, ' › '));
    if (k < parents.length - 1) {
      meta.push(el('span', {class: 'meta-axis', title}, name,
        label ? el('span', {class: 'visually-hidden'}, ` : ${label}`) : null));
    } else {
      meta.push(el('span', {class: 'meta-objective', title}, label ? `${name} : ${label}` : name));
    }
  });
  return meta;
}

/** The national nomenclatures of the ANCT, the newest first. */
const NATIONAL_PERIODS = ['2024-2030', '2015-2023'];

/** « Sous-thème ANCT : 2.3 Citoyenneté (2024-2030) »: the national sous-thème of a code, when known. */
function nationalLine(code) {
  const national = code.national && typeof code.national === 'object' ? code.national : null;
  const periods = national ? NATIONAL_PERIODS.filter((p) => national[p] && (national[p].code || national[p].label)) : [];
  if (!periods.length) return null;
  const [shown, ...others] = periods;
  const entry = national[shown];
  const title = [
    entry.theme ? `Thème ${entry.theme}` : '',
    ...others.map((p) => `${p} : ${[national[p].code, national[p].label].filter(Boolean).join(' ')}`),
  ].filter(Boolean).join('\n');
  return el('span', {class: 'code-national', title: title || null},
    el('span', {class: 'words-key'}, 'Sous-thème ANCT : '),
    `${[entry.code, entry.label].filter(Boolean).join(' ')} `, el('span', {class: 'nowrap'}, `(${shown})`));
}

/** The project's transversal concerns, scored beside the codes: shown, never saved as codes. */
function renderTransversal(review, unreadable) {
  const concerns = (review.transversal || []).filter((c) => c && c.label);
  $('transversal').hidden = unreadable || !concerns.length;
  $('transversal-list').replaceChildren(...concerns.map((concern) => el('li', {
    class: `concern${concern.selected ? ' is-selected' : ''}`, 'data-id': concern.id || concern.code || null,
  },
  el('span', {class: 'concern-mark', 'aria-hidden': 'true'}, concern.selected ? '✓' : ''),
  el('span', {class: 'concern-label'}, concern.label,
    el('span', {class: 'visually-hidden'}, concern.selected ? ' — retenue par le modèle' : ' — non retenue')),
  el('span', {class: 'score-number'}, typeof concern.score === 'number' ? frPercent(concern.score) : ''))));
}

function setHover(index) {
  const review = state.review;
  if (!review || review.hover === index) return;
  review.hover = index;
  refreshDocument();
}

function toggleCode(rowIndex, checked) {
  const review = state.review;
  if (!review || review.readonly) return;
  const row = codeRows(review)[rowIndex];
  if (!row) return;
  if (checked) review.ticked.add(row.code.id);
  else review.ticked.delete(row.code.id);
  if (row.kind === 'added' && !checked) {
    // An added code that is unticked is simply taken off the list.
    review.added = review.added.filter((leaf) => leaf.id !== row.code.id);
    review.cursor = Math.min(rowIndex, codeRows(review).length - 1);
    changed();
    renderCodes(review);
    focusCursor();
  } else {
    const li = $('codes').querySelector(`li[data-row="${rowIndex}"]`);
    if (li) li.classList.toggle('is-ticked', checked);
    const box = $(`code-${rowIndex}`);
    if (box && box.checked !== checked) box.checked = checked;
    const rows = codeRows(review).length;
    $('codes-count').textContent = `${plural(review.ticked.size, 'retenu', 'retenus')} sur ${rows}`;
    changed();
  }
  refreshDocument();
}

/** Something was edited: a saved single review can be saved again; queue drafts are kept. */
export function changed() {
  const review = state.review;
  if (!review) return;
  if (state.mode === 'single' && review.saved) {
    review.saved = null;
    setStatus('');
  }
  if (state.mode === 'queue' && review.item) saveDraft();
  renderActions();
}

function saveDraft() {
  const review = state.review;
  if (!review || !review.item || review.readonly) return;
  putDraft(review.item.item_id, {
    ticked: [...review.ticked], added: [...review.added], comment: review.comment,
  });
}

export function finalCodes(review) {
  return codeRows(review).filter((row) => review.ticked.has(row.code.id)).map((row) => row.code.code);
}

export function renderActions() {
  const review = state.review;
  if (!review) return;
  const submit = $('submit');
  const reopen = $('reopen');
  const summary = $('final-summary');
  const item = review.item;
  const codes = finalCodes(review);
  if (state.mode === 'queue' && item && item.status === STATUS.DONE) {
    summary.replaceChildren('Décision enregistrée : ',
      el('strong', {}, (item.final_codes || []).join(', ') || 'aucun code'),
      item.feedback_id ? ` (décision n° ${item.feedback_id})` : '');
  } else if (state.mode === 'queue' && item && item.status === STATUS.ERROR) {
    summary.textContent = 'Ligne illisible : rien à décider.';
  } else {
    summary.replaceChildren(codes.length ? 'Codes retenus : ' : 'Aucun code retenu',
      codes.length ? el('strong', {}, codes.join(', ')) : '');
  }
  if (state.mode === 'queue') {
    submit.replaceChildren('Accepter et passer à la suivante ', el('kbd', {}, 'Entrée'));
    submit.hidden = !item || item.status !== STATUS.OPEN;
    submit.classList.remove('is-saved');
    // Disabled only while its own decision is being saved. Copying the desk's busy flag here left the button
    // disabled, and deaf to the mouse, whenever an item was drawn during another request (the upload of the
    // file, a suggestion still on its way) that did not draw the actions again when it ended; the keyboard,
    // which reads the flag when the key is pressed, went on working (issue 18, item 6).
    submit.disabled = submit.getAttribute('aria-busy') === 'true';
    reopen.hidden = !item || item.status !== STATUS.DONE;
  } else {
    const saved = review.saved;
    // Codes of another project than the one in use (being suggested again) are not saved.
    const stale = Boolean(review.project && state.project && review.project !== state.project.name);
    submit.replaceChildren(saved ? 'Décision enregistrée ✓' : 'Enregistrer la décision');
    submit.hidden = false;
    submit.disabled = Boolean(saved) || stale;
    submit.classList.toggle('is-saved', Boolean(saved));
    reopen.hidden = true;
  }
}

// ---------------------------------------------------------------- keyboard focus in the code list

function codeBoxes() {
  return [...$('codes').querySelectorAll('input[type="checkbox"]')];
}

export function focusCursor() {
  const review = state.review;
  const boxes = codeBoxes().filter((b) => !b.disabled);
  if (!review || !boxes.length) return false;
  review.cursor = Math.max(0, Math.min(review.cursor, boxes.length - 1));
  boxes[review.cursor].focus();
  boxes[review.cursor].closest('li').scrollIntoView({block: 'nearest'});
  return true;
}

export function moveCursor(step) {
  const review = state.review;
  if (!review) return;
  const boxes = codeBoxes();
  const current = boxes.indexOf(document.activeElement);
  if (current >= 0) review.cursor = current + step;
  review.cursor = Math.max(0, Math.min(review.cursor, boxes.length - 1));
  focusCursor();
}

function cursorRow() {
  const review = state.review;
  const boxes = codeBoxes();
  const current = boxes.indexOf(document.activeElement);
  if (current >= 0) review.cursor = current;
  return review.cursor;
}

export function setCursorTicked(checked) {
  const review = state.review;
  if (!review || review.readonly) return;
  const index = cursorRow();
  const box = $(`code-${index}`);
  if (!box) return;
  if (checked === null) checked = !box.checked;
  box.checked = checked;
  toggleCode(index, checked);
  if (document.activeElement !== box && $(`code-${index}`)) focusCursor();
  else if (!$(`code-${index}`)) focusCursor();
}

$('codes').addEventListener('focusin', (event) => {
  const li = event.target.closest('li');
  if (li && state.review) {
    const row = Number(li.dataset.row) || 0;
    if (row !== state.review.cursor) state.review.wordKey = null;  // another code: its words from the first
    state.review.cursor = row;
  }
  refreshDocument();
  revealFirstWord();
});
$('word-next').addEventListener('click', () => moveWord(1));
$('word-prev').addEventListener('click', () => moveWord(-1));
$('codes').addEventListener('focusout', () => setTimeout(refreshDocument, 0));

// Hovering a highlighted word points at the code(s) it supports.
for (const id of ['single-doc', 'queue-doc']) {
  $(id).addEventListener('mouseover', (event) => {
    const mark = event.target.closest('mark.ev');
    for (const li of $('codes').querySelectorAll('li.is-linked')) li.classList.remove('is-linked');
    if (!mark) return;
    for (const index of mark.dataset.s.split(' ')) {
      const li = $('codes').querySelector(`li[data-suggestion="${index}"]`);
      if (li) li.classList.add('is-linked');
    }
  });
  $(id).addEventListener('mouseleave', () => {
    for (const li of $('codes').querySelectorAll('li.is-linked')) li.classList.remove('is-linked');
  });
}

$('comment').addEventListener('input', () => {
  if (!state.review) return;
  state.review.comment = $('comment').value;
  changed();
});

// ---------------------------------------------------------------- feedback

export function feedbackBody(review, extra) {
  const suggested = review.suggestions.map((s) => s.id);
  const comment = (review.comment || '').trim();
  const reviewer = $('reviewer').value.trim();
  return {
    document_id: null,
    text: null,
    suggested,
    kept: suggested.filter((id) => review.ticked.has(id)),
    // removed: what the model ticked and the officer unticked (not every unticked suggestion)
    removed: review.suggestions.filter((s) => s.selected && !review.ticked.has(s.id)).map((s) => s.id),
    added: review.added.filter((leaf) => review.ticked.has(leaf.id) && !suggested.includes(leaf.id)).map((l) => l.id),
    comment: comment || null,
    reviewer: reviewer || null,
    model_version: review.modelVersion || (state.project && state.project.model_version) || null,
    queue_id: null,
    item_id: null,
    ...extra,
  };
}

/** The server's confirmation, with the decision number even if the message lacks it. */
export function savedMessage(saved) {
  const codes = (saved.final_codes || []).join(', ') || 'aucun code';
  const message = saved.message || `Décision enregistrée : ${codes}.`;
  return message.includes(String(saved.id)) ? message : `${message} (décision n° ${saved.id})`;
}

// ---------------------------------------------------------------- placement

/** The panel lives in the slot of the active mode, and the buttons of the words in its text's pane. */
export function placePanel() {
  const slot = state.mode === 'queue' ? $('queue-slot') : $('single-slot');
  if ($('review').parentElement !== slot) slot.append($('review'));
  const words = state.mode === 'queue' ? $('queue-words-slot') : $('single-words-slot');
  if ($('evidence-nav').parentElement !== words) words.append($('evidence-nav'));
}
