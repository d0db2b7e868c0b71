// Review desk — single mode: one application pasted or uploaded, its suggested codes, the decision saved.

import {api, projectPath} from './api.js';
import {$, clearError, setStatus, showError} from './dom.js';
import {feedbackBody, focusCursor, placePanel, renderActions, renderReview, savedMessage} from './review.js';
import {newReview, setBusy, state} from './state.js';

/** Save the decision on the pasted application. */
export async function submitSingle() {
  const review = state.single;
  if (!review || review.saved || state.busy) return;
  clearError();
  const source = state.singleSource;
  const text = review.fields.text || '';
  const documentId = source && source.text.trim() === $('text-input').value.trim() ? source.name : null;
  const button = $('submit');
  setBusy(button, true, 'Enregistrement…');
  try {
    const saved = await api(projectPath('feedback'), {
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

async function suggestText(text) {
  clearError();
  if (!text.trim()) {
    showError('Le texte de la demande est vide : collez-le ou importez un document.');
    $('text-input').focus();
    return;
  }
  if (!state.project) { showError('Le projet n\'est pas chargé : rechargez la page.'); return; }
  const button = $('suggest-button');
  setBusy(button, true, 'Analyse en cours…');
  try {
    const result = await api(projectPath('suggest'), {method: 'POST', json: {text, k: 8}});
    state.single = newReview({
      suggestions: result.suggestions || [],
      fields: result.fields && Object.keys(result.fields).length ? result.fields : {text},
      decision: result.decision || null,
      hint: result.objective_hint || null,
      warnings: result.warnings || [],
      modelVersion: result.model_version || '',
    });
    state.review = state.single;
    $('single-empty').hidden = true;
    placePanel();
    setSingleView(true);
    renderReview();
    setStatus('');
    focusCursor();
  } catch (err) {
    showError(err.message);
  } finally {
    setBusy(button, false);
  }
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
  source.textContent = `Texte extrait de « ${state.singleSource.name} » (${(extracted.text || '').length.toLocaleString('fr-FR')} caractères).`;
  source.hidden = false;
  await suggestText($('text-input').value);
});

$('edit-text').addEventListener('click', () => {
  setSingleView(false);
  $('text-input').focus();
});

$('new-text').addEventListener('click', () => {
  state.single = null;
  state.singleSource = null;
  if (state.mode === 'single') state.review = null;
  $('text-input').value = '';
  $('text-source').hidden = true;
  $('single-empty').hidden = false;
  $('review').hidden = true;
  setStatus('');
  clearError();
  setSingleView(false);
  $('text-input').focus();
});
