// Review desk — several officers on one queue: who is signed in (a named account replaces the free « Relu
// par » field), a save that meets someone else's (409: reload the application or overwrite it), and the
// history of an application (who, when, what), shown on demand.

import {api, queuePath} from './api.js';
import {$, el, setStatus, showError} from './dom.js';
import {STATUS, statusWords} from './labels.js';
import {acceptItem, showItem} from './queue.js';
import {dropDraft, state} from './state.js';

/** The officer signed in: a named account, or anonymous (name null: the free field is used). */
export const officer = {name: null, role: 'officer', roleLabel: '', accounts: false};

/** « 06/12/2026 à 14:32 », in the officer's time zone. */
export function frDateTime(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const day = when.toLocaleDateString('fr-FR', {day: '2-digit', month: '2-digit', year: 'numeric'});
  const time = when.toLocaleTimeString('fr-FR', {hour: '2-digit', minute: '2-digit'});
  return `${day} à ${time}`;
}

/** Ask the server who is signed in; a named account is shown instead of the free « Relu par » field. */
export async function loadSession() {
  let me;
  try {
    me = await api('v1/session');
  } catch (err) {
    return;  // an older server: the free field stays
  }
  Object.assign(officer, {name: me.name, role: me.role, roleLabel: me.role_label, accounts: me.accounts});
  if (!officer.name) return;
  $('reviewer').hidden = true;
  $('reviewer-label').hidden = true;
  $('signed-in').replaceChildren('Relu par ', el('strong', {}, officer.name), ` · profil ${officer.roleLabel}`);
  $('signed-in').hidden = false;
}

/** The name recorded with a decision made here. */
export const reviewerName = () => officer.name || $('reviewer').value.trim() || null;

// ---------------------------------------------------------------- conflicts

let pending = null;  // {item, current}: the application whose save met a newer version, and that version

/** A save refused because the application changed since it was opened: say who changed it, offer the choice. */
export function showConflict(item, err) {
  pending = {item, current: err.body.current};
  $('conflict-text').textContent = err.message;
  $('conflict').hidden = false;
  $('conflict-reload').focus();
}

function hideConflict() {
  pending = null;
  $('conflict').hidden = true;
}

$('conflict-reload').addEventListener('click', () => {
  if (!pending) return;
  const {item, current} = pending;
  hideConflict();
  Object.assign(item, current);
  dropDraft(item.item_id);
  const index = (state.queue.items || []).indexOf(item);
  setStatus(`Demande rechargée : ${statusWords(item.status)}${item.updated_by ? ` par ${item.updated_by}` : ''}.`, 'info');
  if (index >= 0) showItem(index);
});

$('conflict-overwrite').addEventListener('click', async () => {
  if (!pending) return;
  const {current} = pending;
  hideConflict();
  await acceptItem({overwrite: current});
});

// ---------------------------------------------------------------- the application shown, its history

/** An application of the queue is shown: a conflict about another one is dropped, its history closed. */
export function itemShown(item) {
  if (pending && pending.item !== item) hideConflict();
  $('history').hidden = true;
  $('history-button').setAttribute('aria-expanded', 'false');
  const by = item.status === STATUS.DONE && item.updated_by ? `· revue par ${item.updated_by}` : '';
  const when = by && item.updated_at ? ` le ${frDateTime(item.updated_at)}` : '';
  $('item-by').textContent = by + when;
}

function codeWords(codes) {
  const shown = (codes || []).map((id) => (state.leafById.get(id) || {code: id}).code);
  return shown.length ? shown.join(', ') : 'aucun code';
}

function eventLine(event) {
  const who = event.officer || 'anonyme';
  const parts = [el('strong', {}, frDateTime(event.at)), ` — ${who} : `];
  if (event.action === 'reopen') {
    parts.push(`décision annulée, de nouveau ${statusWords(STATUS.OPEN)}`);
  } else {
    parts.push(`${statusWords(event.status)}, codes retenus ${codeWords(event.final_codes)}`);
    if (event.comment) parts.push(` — « ${event.comment} »`);
  }
  if (event.overwrote) parts.push(' ', el('span', {class: 'overwrote'}, '(a remplacé une décision prise entre-temps)'));
  return el('li', {}, ...parts);
}

async function toggleHistory() {
  const box = $('history');
  const button = $('history-button');
  if (!box.hidden) {
    box.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  const item = state.queue && (state.queue.items || [])[state.queueIndex];
  if (!item) return;
  let history;
  try {
    history = await api(queuePath(`/items/${item.item_id}/history`));
  } catch (err) {
    showError(err.message);
    return;
  }
  const events = history.events || [];
  $('history-list').replaceChildren(...(events.length ? events.map(eventLine)
    : [el('li', {}, 'Aucune décision enregistrée pour cette demande.')]));
  box.hidden = false;
  button.setAttribute('aria-expanded', 'true');
}

$('history-button').addEventListener('click', () => toggleHistory());
