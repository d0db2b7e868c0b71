// Review desk — single mode: one application pasted or uploaded, its suggested codes, the decision saved.

import {api, projectPath} from './api.js';
import {$, clearError, setStatus, showError} from './dom.js';
import {feedbackBody, focusCursor, placePanel, renderActions, renderReview, savedMessage} from './review.js';
import {newReview, setBusy, state} from './state.js';

/** Save the decision on the pasted application (in the project its codes come from). */
export async function submitSingle() {
  const review = state.single;
  if (!review || review.saved || state.busy || isStale(review)) return;
  clearError();
  const source = state.singleSource;
  const text = review.fields.text || '';
  const documentId = source && source.text.trim() === $('text-input').value.trim() ? source.name : null;
  const button = $('submit');
  setBusy(button, true, 'Enregistrement…');
  try {
    const saved = await api(projectPath('feedback', review.project || state.project.name), {
      method: 'POST', json: feedbackBody(review, {text, document_id: documentId}),
    });
    review.saved = saved;
    setStatus(savedMessage(saved), 'ok');
  } catch (err) {
    showError(err.message);
    setStatus('');
  } finally {
    setBusy(button, false);
    renderActions();
  }
}

function setSingleView(showText) {
  $('text-form').hidden = showText;
  $('text-view').hidden = !showText;
}

/** The review's codes are those of another project than the one in use (being suggested again). */
const isStale = (review) => Boolean(review && review.project && state.project && review.project !== state.project.name);

function markStale() {
  const stale = state.mode === 'single' && isStale(state.single);
  $('review').classList.toggle('is-stale', stale);
  if (stale) $('review').setAttribute('aria-busy', 'true');
  else $('review').removeAttribute('aria-busy');
}

let suggestTicket = 0;

/**
 * Suggest codes for a text with the project in use. `again`: the review of the same text in another project,
 * whose comment is kept (its codes are not: they belong to that project); the focus then stays where it is.
 */
async function suggestText(text, {again = null} = {}) {
  clearError();
  if (!text.trim()) {
    showError('Le texte de la demande est vide : collez-le ou importez un document.');
    $('text-input').focus();
    return;
  }
  if (!state.project) { showError('Le projet n\'est pas chargé : rechargez la page.'); return; }
  const project = state.project;
  const ticket = ++suggestTicket;
  const button = $('suggest-button');
  setBusy(button, true, 'Analyse en cours…');
  markStale();
  try {
    const result = await api(projectPath('suggest', project.name), {method: 'POST', json: {text, k: 8}});
    // Meanwhile another project was chosen, or another text: this answer is no longer wanted.
    if (ticket !== suggestTicket || !state.project || state.project.name !== project.name) return;
    state.single = newReview({
      suggestions: result.suggestions || [],
      fields: result.fields && Object.keys(result.fields).length ? result.fields : {text},
      decision: result.decision || null,
      hint: result.objective_hint || null,
      warnings: result.warnings || [],
      transversal: result.transversal || null,
      modelVersion: result.model_version || '',
      project: project.name,
      text,
      comment: again ? again.comment : '',
    });
    if (state.mode !== 'single') return;
    state.review = state.single;
    $('single-empty').hidden = true;
    placePanel();
    if (!again) setSingleView(true);  // suggested again: the text stays as it was (shown, or being edited)
    renderReview();
    if (again) {
      $('single-slot').scrollTop = 0;  // the new codes from the first
      setStatus(`Codes proposés de nouveau avec le projet « ${project.title || project.name} ».`, 'info');
    } else {
      setStatus('');
      focusCursor();
    }
  } catch (err) {
    if (ticket !== suggestTicket) return;
    showError(err.message);
    if (again && state.single === again) {
      // The codes shown belong to the other project: they must not be saved in this one.
      state.single = null;
      if (state.mode === 'single') {
        state.review = null;
        $('review').hidden = true;
        $('single-empty').hidden = false;
        if (!$('text-input').value.trim()) $('text-input').value = text;
        setSingleView(false);
      }
    }
  } finally {
    if (ticket === suggestTicket) setBusy(button, false);
    markStale();
    if (state.mode === 'single' && state.review) renderActions();
  }
}

/** The project changed: the text shown is suggested again with the new one. */
export async function resuggest() {
  const review = state.single;
  if (!review || !isStale(review)) { markStale(); return; }
  await suggestText(review.text || review.fields.text || '', {again: review});
}

$('text-form').addEventListener('submit', (event) => {
  event.preventDefault();
  suggestText($('text-input').value);
});

$('text-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    suggestText($('text-input').value);
  }
});

$('file-input').addEventListener('change', async () => {
  const file = $('file-input').files[0];
  if (!file) return;
  clearError();
  const form = new FormData();
  form.append('file', file, file.name);
  const button = $('suggest-button');
  setBusy(button, true, 'Lecture du document…');
  let extracted;
  try {
    extracted = await api('v1/extract', {method: 'POST', form});
  } catch (err) {
    showError(err.message);
    setBusy(button, false);
    return;
  }
  setBusy(button, false);
  $('file-input').value = '';
  $('text-input').value = extracted.text || '';
  state.singleSource = {name: extracted.name || file.name, text: extracted.text || ''};
  const source = $('text-source');
  const notes = (extracted.notes || []).map((note) => ` ${note}.`).join('');
  source.textContent = `Texte extrait de « ${state.singleSource.name} » (${(extracted.text || '').length.toLocaleString('fr-FR')} caractères).${notes}`;
  source.hidden = false;
  await suggestText($('text-input').value);
});

$('edit-text').addEventListener('click', () => {
  setSingleView(false);
  $('text-input').focus();
});

$('new-text').addEventListener('click', () => {
  suggestTicket += 1;  // an answer still awaited is for the previous text
  if ($('suggest-button').hasAttribute('aria-busy')) setBusy($('suggest-button'), false);
  state.single = null;
  state.singleSource = null;
  if (state.mode === 'single') state.review = null;
  markStale();
  $('text-input').value = '';
  $('text-source').hidden = true;
  $('single-empty').hidden = false;
  $('review').hidden = true;
  setStatus('');
  clearError();
  setSingleView(false);
  $('text-input').focus();
});
