// Review desk — queue mode: a call for projects uploaded as a file, its applications reviewed one at a
// time with the keyboard (accept, previous / next, undo), its progress and its exports.

import {api, projectPath, queuePath} from './api.js';
import {$, clearError, el, plural, setStatus, showError} from './dom.js';
import {STATUS, statusWords} from './labels.js';
import {itemShown, officer, showConflict} from './officers.js';
import {
  isShown, positionWords, prepareQueue, renderContext, renderMoves, shownStep,
} from './triage.js';
import {
  feedbackBody, finalCodes, focusCursor, placePanel, renderActions, renderReview, savedMessage,
} from './review.js';
import {
  deskHash, dropDraft, getDraft, newReview, placeInTab, putDraft, rememberPlace, setBusy, state,
} from './state.js';

/** What a file dropped as a call for projects is when it is a document, not a table (its name, its bytes). */
async function documentKind(file) {
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  if (String.fromCharCode(...head).startsWith('%PDF-')) return 'un document PDF';
  const extension = (file.name.match(/\.[^.]+$/) || [''])[0].toLowerCase();
  return {'.pdf': 'un document PDF', '.docx': 'un document Word (DOCX)', '.odt': 'un document ODT', '.md': 'un document texte'}[extension] || '';
}

let notTableFile = null;  // the document dropped as a call for projects, to analyse as one application

function showNotTable(kind, file) {
  // A PDF renamed « .csv » is read as what it is.
  const named = kind === 'un document PDF' && !/\.pdf$/i.test(file.name)
    ? new File([file], `${file.name.replace(/\.[^.]*$/, '')}.pdf`, {type: 'application/pdf'}) : file;
  notTableFile = named;
  $('queue-not-table-text').textContent = `Ce fichier est ${kind}, pas un tableau : déposez un export CSV, XLSX, ODS ou JSON Lines, ou analysez-le comme demande seule.`;
  $('queue-not-table').hidden = false;
}

$('queue-file').addEventListener('change', () => { $('queue-not-table').hidden = true; notTableFile = null; });
$('queue-as-single').addEventListener('click', () => {
  const file = notTableFile;
  $('queue-not-table').hidden = true;
  $('queue-file').value = '';
  if (!file) return;
  // The one-application mode reads documents: hand it the file.
  const transfer = new DataTransfer();
  transfer.items.add(file);
  location.hash = deskHash({mode: 'single', project: state.project ? state.project.name : ''});
  $('file-input').files = transfer.files;
  $('file-input').dispatchEvent(new Event('change'));
});

// ---------------------------------------------------------------- loading a file

$('queue-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const file = $('queue-file').files[0];
  if (!file) {
    showError('Choisissez d\'abord le fichier de l\'appel à projets (CSV, XLSX, ODS ou JSONL).');
    $('queue-file').focus();
    return;
  }
  if (!state.project) { showError('Le projet n\'est pas chargé : rechargez la page.'); return; }
  const kind = await documentKind(file);
  if (kind) { showNotTable(kind, file); $('queue-as-single').focus(); return; }
  $('queue-not-table').hidden = true;
  const form = new FormData();
  form.append('file', file, file.name);
  const button = $('queue-submit');
  const project = state.project;
  $('queue-upload-status').textContent = 'Lecture du fichier et analyse des demandes… Cela peut prendre une minute pour un grand fichier.';
  setBusy(button, true, 'Analyse en cours…');
  // The queue is made in the project in use: it stays the same until the file is read.
  $('project-picker').disabled = true;
  try {
    const created = await api(projectPath('queues', project.name), {method: 'POST', form});
    $('queue-upload-status').textContent = '';
    $('queue-file').value = '';
    state.undoStack = [];
    state.drafts.clear();
    if (state.project.name === project.name && state.mode === 'queue') {
      await loadQueue(created.queue_id, 0, created);
    } else {
      // The address took the desk elsewhere meanwhile: the queue waits in its project.
      state.lastQueue.set(project.name, {queueId: created.queue_id, position: 0});
      setStatus(`L'appel à projets « ${created.name} » est prêt dans le projet « ${project.title || project.name} ».`, 'info');
    }
  } catch (err) {
    $('queue-upload-status').textContent = '';
    showError(err.message);
  } finally {
    setBusy(button, false);
    $('project-picker').disabled = false;
    if (state.queue && state.review) renderActions();  // the first item was drawn while the desk was busy
  }
});

/**
 * Show a queue of the project in use (it was made there). At the application in that position if this tab
 * showed it last (a reload); else (a new tab, a bookmark, « Reprendre ») at the first one still to review.
 */
export async function loadQueue(queueId, position = 0, created = null) {
  const project = state.project.name;
  const queue = await api(projectPath(`queues/${encodeURIComponent(queueId)}`, project));
  state.queue = queue;
  state.queueProject = project;
  prepareQueue(queue);  // the order chosen, the quartiers to filter by
  const notes = [...(queue.notes || [])];
  if (created) {
    for (const note of created.notes || []) if (!notes.includes(note)) notes.push(note);
    if (created.errors) notes.push(`${plural(created.errors, 'ligne illisible', 'lignes illisibles')} : elles sont placées à la fin.`);
  }
  const notesBox = $('queue-notes');
  $('queue-notes-list').replaceChildren(...notes.map((n) => el('p', {}, n)));
  $('queue-notes-summary').textContent = `Lecture du fichier : ${plural(notes.length, 'remarque', 'remarques')}`;
  notesBox.hidden = !notes.length;
  $('queue-name').textContent = queue.name || 'appel à projets';
  $('export-csv').href = queuePath('/export?format=csv');
  $('export-xlsx').href = queuePath('/export?format=xlsx');
  $('queue-upload').hidden = true;
  $('queue-work').hidden = false;
  const items = queue.items || [];
  let index = position ? items.findIndex((item) => item.position === position) : -1;
  const here = !created && position && placeInTab(project, queueId) === position;
  if (!here || index < 0) {
    const firstOpen = items.findIndex((item) => item.status === STATUS.OPEN);
    if (firstOpen >= 0) index = firstOpen;
  }
  if (index < 0) index = 0;
  showItem(index);
}

// ---------------------------------------------------------------- progress and the item shown

/** « 0 demande relue sur 30 », « 2 demandes relues sur 30 ». */
export function progressWords(reviewed, total) {
  return `${reviewed} ${reviewed > 1 ? 'demandes relues' : 'demande relue'} sur ${total}`;
}

function reviewedCount() {
  return (state.queue.items || []).filter((item) => item.status === STATUS.DONE).length;
}

function renderProgress() {
  const queue = state.queue;
  const items = queue.items || [];
  const total = queue.total || items.length;
  const reviewed = reviewedCount();
  const errors = items.filter((item) => item.status === STATUS.ERROR).length;
  $('queue-progress').max = Math.max(total - errors, 1);
  $('queue-progress').value = reviewed;
  $('queue-progress-text').textContent = `${progressWords(reviewed, total)}${errors ? ` (${plural(errors, 'illisible', 'illisibles')})` : ''}`;
  const open = items.filter((item) => item.status === STATUS.OPEN).length;
  const done = $('queue-done');
  if (items.length && open === 0 && reviewed === 0) {
    done.replaceChildren(el('strong', {}, 'Aucune demande n\'a pu être lue dans ce fichier. '),
      'Vérifiez qu\'il s\'agit bien d\'un tableau de demandes (CSV, XLSX, ODS ou JSON Lines), une par ligne.');
    done.hidden = false;
  } else if (items.length && open === 0) {
    done.replaceChildren(
      el('strong', {}, 'Toutes les demandes sont revues. '),
      'Téléchargez le fichier revu : ',
      el('a', {href: queuePath('/export?format=csv'), download: true}, 'CSV'), ' ou ',
      el('a', {href: queuePath('/export?format=xlsx'), download: true}, 'Excel (XLSX)'), '.');
    done.hidden = false;
  } else {
    done.hidden = true;
  }
}

function reviewForItem(item) {
  const queue = state.queue;
  const suggestions = item.suggestions || [];
  const common = {
    suggestions, fields: item.fields || {}, decision: item.decision || null, hint: item.objective_hint || null,
    warnings: item.warnings || [], transversal: item.transversal || null,
    modelVersion: item.model_version || queue.model_version || '', project: state.queueProject || '', item,
  };
  if (item.status === STATUS.DONE) {
    const finals = item.final_codes || [];
    const suggestedIds = new Set(suggestions.map((s) => s.id));
    // final_codes may hold ids or printed codes: match either.
    const ticked = suggestions.filter((s) => finals.includes(s.id) || finals.includes(s.code)).map((s) => s.id);
    const added = finals
      .filter((c) => !suggestions.some((s) => s.id === c || s.code === c))
      .map((c) => state.leafById.get(c) || state.leaves.find((l) => l.code === c) || {id: c, code: c, label: ''})
      .filter((leaf) => !suggestedIds.has(leaf.id));
    return newReview({...common, readonly: true, ticked: [...ticked, ...added.map((l) => l.id)], added,
      comment: item.comment || ''});
  }
  if (item.status === STATUS.ERROR) return newReview({...common, readonly: true, ticked: []});
  const draft = getDraft(item.item_id);
  if (draft) return newReview({...common, ticked: draft.ticked, added: draft.added, comment: draft.comment});
  return newReview(common);
}

export function showItem(index, {focus = true} = {}) {
  const items = state.queue.items || [];
  if (!items.length) {
    $('item-position').textContent = 'Aucune demande dans ce fichier.';
    state.review = null;
    renderReview();
    return;
  }
  state.queueIndex = Math.max(0, Math.min(index, items.length - 1));
  const item = items[state.queueIndex];
  state.review = reviewForItem(item);
  itemShown(item);  // officers.js: who reviewed it, its history closed, a conflict about another one dropped
  $('item-position').textContent = positionWords(state.queueIndex);
  renderContext(item);
  const badge = $('item-status');
  badge.textContent = statusWords(item.status);
  badge.className = `badge status-${Object.values(STATUS).includes(item.status) ? item.status : STATUS.OPEN}`;
  $('item-row').textContent = item.row_id ? `· réf. ${item.row_id}` : '';
  const error = $('item-error');
  error.textContent = item.error ? `Ligne illisible : ${item.error}` : '';
  error.hidden = !item.error;
  renderMoves(state.queueIndex);  // within the filters
  if (item.status === STATUS.DONE) {
    $('readonly-note').textContent = 'Demande déjà revue. Pour changer la décision, rouvrez-la (touche u).';
  } else if (item.status === STATUS.ERROR) {
    $('readonly-note').textContent = 'Cette ligne n\'a pas pu être lue : passez à la suivante (touche →).';
  }
  placePanel();
  renderReview();
  renderProgress();
  setStatus($('status').dataset.keep ? $('status').textContent : '', $('status').dataset.kind || 'ok');
  delete $('status').dataset.keep;
  const hash = deskHash({mode: 'queue', project: state.queueProject, queueId: state.queue.queue_id, position: item.position});
  if (location.hash !== hash) history.replaceState(null, '', hash);
  $('mode-queue').href = hash;
  state.lastQueue.set(state.queueProject, {queueId: state.queue.queue_id, position: item.position});
  rememberPlace(state.queueProject, state.queue.queue_id, item.position);
  $('queue-doc').scrollTop = 0;
  $('queue-doc').closest('.pane').scrollTop = 0;  // a new text from its top (then its first code's first word)
  if (focus) {
    // A reviewed or unreadable item has nothing to tick: keep the keys on the page, not on a button.
    if (!focusCursor()) $('main').focus();
  }
  showFirstCodes();
}

/** On a short screen, scroll the codes column just enough that its first four codes stand above the action bar
 *  (never past the first code: the decision, the hint and the list's head are one scroll up). */
function showFirstCodes() {
  const pane = $('queue-slot');
  const rows = [...$('codes').querySelectorAll('li.code-row')].slice(0, 4);
  if (!rows.length || pane.scrollHeight <= pane.clientHeight) return;
  const actions = pane.querySelector('.actions');
  const limit = (actions || pane).getBoundingClientRect()[actions ? 'top' : 'bottom'];
  const overflow = rows[rows.length - 1].getBoundingClientRect().bottom + 4 - limit;
  if (overflow <= 0) return;
  const head = rows[0].getBoundingClientRect().top - pane.getBoundingClientRect().top - 4;
  pane.scrollTop += Math.min(overflow, Math.max(0, head));
}

/** Keep the confirmation of the last action visible on the next item. */
function announce(message, kind = 'ok') {
  setStatus(message, kind);
  $('status').dataset.keep = '1';
  $('status').dataset.kind = kind;
}

// ---------------------------------------------------------------- moving, deciding, undoing

export function goTo(step) {
  if (!state.queue) return;
  const target = shownStep(state.queueIndex, step);  // the next row the filters keep
  if (target < 0) {
    setStatus(step < 0 ? 'C\'est la première demande.' : 'C\'est la dernière demande.', 'info');
    return;
  }
  showItem(target);
}

function nextOpenIndex(from) {
  const items = state.queue.items || [];
  for (let k = 1; k <= items.length; k += 1) {
    const index = (from + k) % items.length;
    if (items[index].status === STATUS.OPEN && isShown(items[index])) return index;
  }
  return -1;
}

/** Accept the codes of the application shown; `overwrite`: the newer version of it to save over (a conflict). */
export async function acceptItem({overwrite = null} = {}) {
  if (!state.queue) return;
  if (state.busy) {
    // Said, not silently ignored: the mouse and the keys then know why nothing happened.
    if ($('submit').getAttribute('aria-busy') !== 'true') setStatus('Une opération est en cours : réessayez dans un instant.', 'info');
    return;
  }
  const review = state.review;
  const item = review && review.item;
  if (!item) return;
  if (item.status !== STATUS.OPEN) {
    // Nothing to decide here (already reviewed or unreadable): move on.
    const next = nextOpenIndex(state.queueIndex);
    if (next >= 0) showItem(next);
    else setStatus('Toutes les demandes sont revues.', 'info');
    return;
  }
  clearError();
  const button = $('submit');
  setBusy(button, true, 'Enregistrement…');
  let saved;
  try {
    saved = await api(projectPath('feedback', state.queueProject), {
      method: 'POST',
      json: feedbackBody(review, {
        queue_id: state.queue.queue_id, item_id: item.item_id, document_id: item.row_id ? String(item.row_id) : null,
        // the version opened: a save over someone else's newer decision is refused (409) unless chosen
        version: item.version || null, overwrite: Boolean(overwrite),
      }),
    });
  } catch (err) {
    setBusy(button, false);
    renderActions();
    if (err.status === 409 && err.body && err.body.current) showConflict(item, err);
    else showError(err.message);
    return;
  }
  setBusy(button, false);
  item.version = ((overwrite ? overwrite.version : item.version) || 1) + 1;
  item.updated_by = officer.name || $('reviewer').value.trim() || null;
  item.updated_at = new Date().toISOString();
  item.status = STATUS.DONE;
  item.final_codes = saved.final_codes || finalCodes(review);
  item.feedback_id = saved.id;
  item.comment = (review.comment || '').trim() || null;
  dropDraft(item.item_id);
  state.undoStack.push(item.item_id);
  const label = item.row_id ? `Réf. ${item.row_id}` : `Demande ${state.queueIndex + 1}`;
  const message = `${label} — ${savedMessage(saved)}`;
  const next = nextOpenIndex(state.queueIndex);
  announce(message, 'ok');
  if (next >= 0) showItem(next);
  else showItem(state.queueIndex);
}

export async function undoDecision() {
  if (!state.queue || state.busy) return;
  const items = state.queue.items || [];
  let item = items[state.queueIndex];
  if (!item || item.status !== STATUS.DONE) {
    let itemId;
    while (state.undoStack.length) {
      itemId = state.undoStack.pop();
      const candidate = items.find((i) => i.item_id === itemId);
      if (candidate && candidate.status === STATUS.DONE) { item = candidate; break; }
      item = null;
    }
    if (!item || item.status !== STATUS.DONE) {
      setStatus('Aucune décision à annuler.', 'info');
      return;
    }
  } else {
    state.undoStack = state.undoStack.filter((id) => id !== item.item_id);
  }
  clearError();
  state.busy = true;
  try {
    const reopened = await api(queuePath(`/items/${item.item_id}/reopen${item.version ? `?version=${item.version}` : ''}`), {method: 'POST'});
    const previous = reviewForItem(item);
    if (reopened && typeof reopened === 'object' && reopened.item_id === item.item_id) Object.assign(item, reopened);
    item.status = STATUS.OPEN;
    item.final_codes = null;
    item.feedback_id = null;
    // Start again from the withdrawn decision, so that a slip is one key away from being fixed.
    putDraft(item.item_id, {
      ticked: [...previous.ticked], added: [...previous.added], comment: previous.comment,
    });
    const index = items.indexOf(item);
    announce(`Décision annulée : la demande ${index + 1} est de nouveau ${statusWords(STATUS.OPEN)}.`, 'info');
    state.busy = false;
    showItem(index);
  } catch (err) {
    state.busy = false;
    if (err.status === 409 && err.body && err.body.current) {
      // changed meanwhile by someone else: show it as it is now, and say so
      Object.assign(item, err.body.current);
      showItem(items.indexOf(item));
    }
    showError(err.message);
  }
}

$('reopen').addEventListener('click', () => undoDecision());
$('item-prev').addEventListener('click', () => goTo(-1));
$('item-next').addEventListener('click', () => goTo(1));
$('queue-change').addEventListener('click', () => {
  $('queue-work').hidden = true;
  $('queue-upload').hidden = false;
  $('queue-file').focus();
});
