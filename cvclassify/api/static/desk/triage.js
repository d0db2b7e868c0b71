// Review desk — a queue's rows in context and in order: what the file says around each text (porteur,
// quartier, montant, année), the order (file or confidence), the filters (status, quartier, confidence, code),
// the bulk acceptance of the sure rows with its undo, and the number keys that tick the n-th suggested code.
// The queue's items are sorted in place, so that the moves of queue.js (← →, next open row) follow the order
// shown; the filters only decide which rows those moves stop at.

import {api, queuePath} from './api.js';
import {$, clearError, el, plural, setStatus, showError} from './dom.js';
import {STATUS, statusWords} from './labels.js';
import {reviewerName} from './officers.js';
import {showItem} from './queue.js';
import {state} from './state.js';

const SORT_KEY = 'cvclassify.queueOrder';
const ORDERS = Object.freeze({CONFIDENCE: 'confidence', FILE: 'file'});

/** Confidence bands of a row: the confidence in its ticked codes (else its first code's score), in per cent as
 * the desk shows it (narrow no-break space before « % »). */
const BANDS = [
  {value: 'high', words: 'élevée (90\u202f% et plus)', test: (c) => c >= 0.9},
  {value: 'medium', words: 'moyenne (60 à 90\u202f%)', test: (c) => c >= 0.6 && c < 0.9},
  {value: 'low', words: 'faible (moins de 60\u202f%)', test: (c) => c < 0.6},
];

const euros = new Intl.NumberFormat('fr-FR', {style: 'currency', currency: 'EUR'});
const wholeEuros = new Intl.NumberFormat('fr-FR', {style: 'currency', currency: 'EUR', maximumFractionDigits: 0});

/** An amount in euros, French style: « 12 500 € », « 12 500,50 € »; a cell that is not a number as written. */
export function formatAmount(amount) {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return String(amount ?? '');
  return (Number.isInteger(amount) ? wholeEuros : euros).format(amount);
}

function confidenceOf(item) {
  if (item.decision && typeof item.decision.confidence === 'number') return item.decision.confidence;
  const first = (item.suggestions || [])[0];
  return first && typeof first.score === 'number' ? first.score : null;
}

function districtOf(item) {
  return String((item.context && item.context.district) || '').trim();
}

/** Does a row hold the code (its suggestions, or the officer's decision)? « 2.11 » also finds 2.11.1. */
function holdsCode(item, wanted) {
  const codes = [...(item.suggestions || []).flatMap((s) => [s.code, s.id]), ...(item.final_codes || [])];
  const q = wanted.toLowerCase();
  return codes.some((code) => {
    const c = String(code || '').toLowerCase();
    return c === q || c.startsWith(`${q}.`);
  });
}

/** The filters chosen in the bar. */
function filters() {
  return {
    status: $('filter-status').value,
    district: $('filter-district').value,
    band: $('filter-band').value,
    code: $('filter-code').value.trim().replace(/^code\s*/i, ''),
  };
}

function filtering() {
  const f = filters();
  return Boolean(f.status || f.district || f.band || f.code);
}

/** Is the row among those the filters keep? */
export function isShown(item) {
  const f = filters();
  if (f.status && item.status !== f.status) return false;
  if (f.district && districtOf(item) !== f.district) return false;
  if (f.band) {
    const band = BANDS.find((b) => b.value === f.band);
    const confidence = confidenceOf(item);
    if (confidence === null || !band.test(confidence)) return false;
  }
  if (f.code && !holdsCode(item, f.code)) return false;
  return true;
}

/** The index of the row `step` rows away among those shown (-1: none). */
export function shownStep(from, step) {
  const items = state.queue ? state.queue.items || [] : [];
  for (let i = from + step; i >= 0 && i < items.length; i += step) if (isShown(items[i])) return i;
  return -1;
}

// ---------------------------------------------------------------- order

function currentOrder() {
  try { return localStorage.getItem(SORT_KEY) === ORDERS.FILE ? ORDERS.FILE : ORDERS.CONFIDENCE; } catch (err) { return ORDERS.CONFIDENCE; }
}

function sortItems(order) {
  const items = state.queue.items || [];
  if (order === ORDERS.FILE) items.sort((a, b) => a.position - b.position);
  else items.sort((a, b) => a.reviewRank - b.reviewRank);
}

function renderOrder() {
  const order = currentOrder();
  for (const [id, value] of [['sort-confidence', ORDERS.CONFIDENCE], ['sort-file', ORDERS.FILE]]) {
    $(id).setAttribute('aria-pressed', String(order === value));
  }
}

function setOrder(order) {
  try { localStorage.setItem(SORT_KEY, order); } catch (err) { /* private mode: this page only */ }
  renderOrder();
  if (!state.queue) return;
  const current = (state.queue.items || [])[state.queueIndex];
  sortItems(order);
  const index = Math.max(0, (state.queue.items || []).indexOf(current));
  showItem(index, {focus: false});
  setStatus(order === ORDERS.FILE ? 'Demandes dans l\'ordre du fichier.' : 'Demandes par confiance croissante : les plus incertaines d\'abord.', 'info');
}

$('sort-confidence').addEventListener('click', () => setOrder(ORDERS.CONFIDENCE));
$('sort-file').addEventListener('click', () => setOrder(ORDERS.FILE));

// ---------------------------------------------------------------- a queue loaded

let preparedQueue = null;  // the queue the filters were chosen for: another one starts with none

/** A queue has just been fetched: remember the server's order, sort as chosen, list its quartiers. */
export function prepareQueue(queue) {
  if (queue.queue_id !== preparedQueue) {
    for (const id of ['filter-status', 'filter-district', 'filter-band', 'filter-code']) $(id).value = '';
    $('filter-count').textContent = '';
    $('filter-clear').hidden = true;
    preparedQueue = queue.queue_id;
  }
  (queue.items || []).forEach((item, rank) => { item.reviewRank = rank; });
  sortItems(currentOrder());
  renderOrder();
  const districts = [...new Set((queue.items || []).map(districtOf).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'fr'));
  const select = $('filter-district');
  const chosen = select.value;
  select.replaceChildren(el('option', {value: ''}, 'Tous'), ...districts.map((d) => el('option', {value: d}, d)));
  select.value = districts.includes(chosen) ? chosen : '';
  $('filter-district-field').hidden = !districts.length;
  const statuses = $('filter-status');
  for (const option of statuses.options) if (option.value) option.textContent = statusWords(option.value);
  $('queue-stats-link').href = `statistiques?${new URLSearchParams({projet: state.queueProject || '', file: queue.queue_id})}`;
  $('bulk-result').hidden = true;
  lastBulk = [];
}

// ---------------------------------------------------------------- what is shown of a row

/** The row's context above its text: porteur, quartier, montant demandé, année (what the file has). */
export function renderContext(item) {
  const context = (item && item.context) || {};
  const entries = [
    ['Porteur', context.carrier],
    ['Quartier', context.district],
    ['Montant demandé', context.amount === null || context.amount === undefined || context.amount === '' ? null : formatAmount(context.amount)],
    ['Année', context.year],
  ].filter(([, value]) => value !== null && value !== undefined && String(value).trim() !== '');
  const box = $('item-context');
  box.replaceChildren(...entries.map(([term, value]) => el('div', {class: 'context-entry'}, el('dt', {}, `${term}\u00a0:`), ' ', el('dd', {}, String(value)))));
  box.hidden = !entries.length;
}

/** « Demande 3 sur 12 », or within the filters: « Demande 2 sur 5 filtrées (12 en tout) ». */
export function positionWords(index) {
  const items = state.queue.items || [];
  if (!filtering()) return `Demande ${index + 1} sur ${items.length}`;
  const shown = items.filter(isShown);
  const rank = shown.indexOf(items[index]);
  if (rank < 0) return `Demande hors des filtres (${plural(shown.length, 'demande filtrée', 'demandes filtrées')} sur ${items.length})`;
  return `Demande ${rank + 1} sur ${shown.length} ${shown.length > 1 ? 'filtrées' : 'filtrée'} (${items.length} en tout)`;
}

/** The previous / next buttons: disabled when no row shown lies that way. */
export function renderMoves(index) {
  $('item-prev').disabled = shownStep(index, -1) < 0;
  $('item-next').disabled = shownStep(index, 1) < 0;
  renderBulk();
}

// ---------------------------------------------------------------- filters

function applyFilters() {
  if (!state.queue) return;
  const items = state.queue.items || [];
  const count = items.filter(isShown).length;
  $('filter-count').textContent = filtering() ? `${plural(count, 'demande correspond', 'demandes correspondent')} aux filtres` : '';
  $('filter-clear').hidden = !filtering();
  if (!count) {
    renderMoves(state.queueIndex);
    $('item-position').textContent = positionWords(state.queueIndex);
    return;
  }
  const current = items[state.queueIndex];
  const index = current && isShown(current) ? state.queueIndex : items.findIndex(isShown);
  showItem(index, {focus: false});
}

for (const id of ['filter-status', 'filter-district', 'filter-band']) $(id).addEventListener('change', applyFilters);
$('filter-code').addEventListener('input', applyFilters);
$('filter-clear').addEventListener('click', () => {
  for (const id of ['filter-status', 'filter-district', 'filter-band', 'filter-code']) $(id).value = '';
  applyFilters();
  $('filter-status').focus();
});
{
  const band = $('filter-band');
  band.append(...BANDS.map((b) => el('option', {value: b.value}, b.words)));
}

// ---------------------------------------------------------------- bulk acceptance of the sure rows

let lastBulk = [];  // the item ids of the last bulk acceptance, for « Annuler »

/** The rows a bulk acceptance takes: shown, still to review, untouched, whose whole ticked set is sure. */
function sureRows() {
  if (!state.queue) return [];
  return (state.queue.items || []).filter((item) => isShown(item) && item.status === STATUS.OPEN
    && item.decision && item.decision.route === 'auto' && !state.drafts.has(item.item_id));
}

function renderBulk() {
  const count = sureRows().length;
  const button = $('bulk-accept');
  // Not disabled while another request runs (the upload draws the first row while busy): the click says so.
  button.disabled = !count;
  $('bulk-accept-count').textContent = `(${count})`;
  button.title = count ? '' : 'Aucune demande à revoir dont tous les codes cochés sont sûrs';
}

/** Ask before accepting: how many rows, and that « Annuler » will undo it. */
export function openBulkDialog() {
  if (!state.queue) return;
  if (state.busy) {
    setStatus('Une opération est en cours : réessayez dans un instant.', 'info');
    return;
  }
  const rows = sureRows();
  if (!rows.length) {
    setStatus('Aucune demande à revoir dont tous les codes cochés sont sûrs (« acceptable tel quel ») parmi celles affichées.', 'info');
    return;
  }
  $('bulk-dialog-count').textContent = plural(rows.length, 'demande', 'demandes');
  $('bulk-confirm').textContent = rows.length > 1 ? `Accepter les ${rows.length} demandes` : 'Accepter la demande';
  $('bulk-dialog').dataset.ids = rows.map((item) => item.item_id).join(' ');
  $('bulk-dialog').returnValue = '';
  $('bulk-dialog').showModal();
  $('bulk-confirm').focus();
}

async function acceptSure(ids) {
  clearError();
  state.busy = true;
  renderBulk();
  let answer;
  try {
    answer = await api(queuePath('/accept'), {method: 'POST', json: {item_ids: ids, reviewer: reviewerName()}});
  } catch (err) {
    state.busy = false;
    renderBulk();
    showError(err.message);
    return;
  }
  state.busy = false;
  const items = state.queue.items || [];
  for (const accepted of answer.accepted || []) {
    const item = items.find((i) => i.item_id === accepted.item_id);
    if (item) Object.assign(item, accepted, {reviewRank: item.reviewRank});
  }
  lastBulk = (answer.accepted || []).map((item) => item.item_id);
  const skipped = (answer.skipped || []).length;
  $('bulk-result-text').textContent = `${plural(lastBulk.length, 'demande acceptée telle que proposée', 'demandes acceptées telles que proposées')}`
    + `${skipped ? ` (${plural(skipped, 'ignorée', 'ignorées')} : déjà revues ou plus sûres)` : ''}.`;
  $('bulk-result').hidden = false;
  $('bulk-undo').hidden = !lastBulk.length;
  $('bulk-undo').disabled = false;
  showItem(state.queueIndex, {focus: false});
  if (lastBulk.length) $('bulk-undo').focus();
}

/**
 * « Annuler »: reopen exactly the rows of the last bulk acceptance, each at the version the acceptance made, so
 * that a row decided again since (here with « u », or by a colleague: 409) keeps that newer decision.
 */
async function undoBulk() {
  if (!lastBulk.length || state.busy) return;
  clearError();
  state.busy = true;
  $('bulk-undo').disabled = true;
  const items = state.queue.items || [];
  const reopened = [];
  const kept = [];  // changed since the acceptance: left as they are
  let failure = null;
  for (const itemId of lastBulk) {
    const item = items.find((i) => i.item_id === itemId);
    if (item && item.status !== STATUS.DONE) { kept.push(itemId); continue; }
    const version = item && item.version ? `?version=${item.version}` : '';
    try {
      const back = await api(queuePath(`/items/${itemId}/reopen${version}`), {method: 'POST'});
      if (item) Object.assign(item, back, {reviewRank: item.reviewRank});
      reopened.push(itemId);
    } catch (err) {
      if (err.status === 409) { kept.push(itemId); continue; }
      failure = err;
      break;
    }
  }
  state.busy = false;
  lastBulk = lastBulk.filter((id) => !reopened.includes(id) && !kept.includes(id));
  if (failure) {
    $('bulk-undo').disabled = false;
    showError(`${failure.message} (${plural(reopened.length, 'demande rouverte', 'demandes rouvertes')} ; « Annuler » reprend les autres.)`);
  } else {
    $('bulk-result-text').textContent = `Acceptation annulée : ${plural(reopened.length, 'demande est', 'demandes sont')} de nouveau à revoir`
      + `${kept.length ? ` (${plural(kept.length, 'autre, changée depuis, est laissée', 'autres, changées depuis, sont laissées')} telle${kept.length > 1 ? 's' : ''} quelle${kept.length > 1 ? 's' : ''})` : ''}.`;
    $('bulk-undo').hidden = true;
  }
  showItem(state.queueIndex, {focus: false});
  $('main').focus();
}

$('bulk-accept').addEventListener('click', openBulkDialog);
$('bulk-undo').addEventListener('click', undoBulk);
$('bulk-dialog').addEventListener('close', () => {
  const dialog = $('bulk-dialog');
  const ids = (dialog.dataset.ids || '').split(' ').filter(Boolean).map(Number);
  delete dialog.dataset.ids;
  if (dialog.returnValue === 'accept' && ids.length) acceptSure(ids);
  else $('bulk-accept').focus();
});

// ---------------------------------------------------------------- number keys

/** 1 to 9: tick or untick the n-th suggested code of the row shown. */
export function toggleNth(n) {
  const review = state.review;
  if (!review || review.readonly) return;
  if (n > review.suggestions.length) {
    setStatus(`Pas de code proposé n° ${n} : ${plural(review.suggestions.length, 'code proposé', 'codes proposés')}.`, 'info');
    return;
  }
  const box = $(`code-${n - 1}`);  // suggestions come first, in rank order
  if (!box || box.disabled) return;
  box.click();
  box.focus();
}
