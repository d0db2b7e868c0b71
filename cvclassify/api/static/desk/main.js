// Review desk of cvclassify: instruction officers check and correct the suggested Contrat de Ville codes,
// one pasted application at a time or a whole call for projects (a queue) with the keyboard.
// Plain ES2020 modules, no dependency, no build step. This one starts the desk and follows the address
// (#demande, #file=…); the API is same-origin and its paths are relative to the page.

import {DeskError, api, projectPath} from './api.js';
import {$, clearError, fold, showError} from './dom.js';
import {renderShortcuts, saveNow} from './keys.js';
import {loadLabels} from './labels.js';
import './picker.js';
import {loadQueue, showItem} from './queue.js';
import {placePanel, renderReview} from './review.js';
import './single.js';
import {state} from './state.js';

// ---------------------------------------------------------------- modes and routing

function setMode(mode) {
  state.mode = mode;
  $('single').hidden = mode !== 'single';
  $('queue').hidden = mode !== 'queue';
  $('mode-single').toggleAttribute('aria-current', mode === 'single');
  if (mode === 'single') $('mode-single').setAttribute('aria-current', 'page');
  $('mode-queue').toggleAttribute('aria-current', mode === 'queue');
  if (mode === 'queue') $('mode-queue').setAttribute('aria-current', 'page');
  document.body.dataset.mode = mode;
  renderShortcuts();
  placePanel();
}

/** Show the mode the address asks for: `#file=<queue>&n=<position>` is a queue, anything else one application. */
async function route() {
  const hash = location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.includes('=') ? hash : '');
  if (hash.startsWith('file')) {
    setMode('queue');
    const queueId = params.get('file');
    if (queueId && state.project && (!state.queue || state.queue.queue_id !== queueId)) {
      try {
        await loadQueue(queueId, Number(params.get('n')) || 1);
      } catch (err) {
        showError(err.message);
        $('queue-upload').hidden = false;
        $('queue-work').hidden = true;
      }
    } else if (state.queue && !$('queue-work').hidden) {
      showItem(state.queueIndex, {focus: false});
    } else {
      state.review = null;
      renderReview();
    }
  } else {
    setMode('single');
    state.review = state.single;
    renderReview();
    if (!state.single) $('review').hidden = true;
  }
}

window.addEventListener('hashchange', () => { clearError(); route(); });

$('submit').addEventListener('click', () => saveNow());

// ---------------------------------------------------------------- start

const REVIEWER_KEY = 'cvclassify.reviewer';
try { $('reviewer').value = localStorage.getItem(REVIEWER_KEY) || ''; } catch (err) { /* private mode */ }
$('reviewer').addEventListener('change', () => {
  try { localStorage.setItem(REVIEWER_KEY, $('reviewer').value.trim()); } catch (err) { /* private mode */ }
});
$('alert-close').addEventListener('click', clearError);

async function start() {
  setMode(location.hash.startsWith('#file') ? 'queue' : 'single');
  // The French words of the states, fetched while the project loads; nothing is rendered before both.
  const labelsFailed = loadLabels().then(() => null, (err) => err);
  try {
    const projects = await api('v1/projects');
    const project = (projects || []).find((p) => p.default) || (projects || [])[0];
    if (!project) throw new DeskError('Aucun projet n\'est servi : le service n\'a pas de modèle.');
    state.project = project;
    $('project-info').textContent = `${project.title || project.name}${project.model_version ? ` · modèle ${project.model_version}` : ''}`;
    const tree = await api(projectPath('objectives'));
    state.leaves = (tree.leaves || []).map((leaf) => ({
      ...leaf,
      objective: leaf.objective || {code: '', label: ''},
      axis: leaf.axis || {code: '', label: ''},
      labelFolded: fold(leaf.label),
      contextFolded: fold(`${leaf.objective ? leaf.objective.label : ''} ${leaf.axis ? leaf.axis.label : ''}`),
    }));
    state.leafById = new Map(state.leaves.map((leaf) => [leaf.id, leaf]));
  } catch (err) {
    $('project-info').textContent = 'Projet indisponible';
    showError(err.message);
  }
  const labelsError = await labelsFailed;
  if (labelsError && $('alert').hidden) {
    showError(`Les libellés des statuts n'ont pas pu être chargés : ${labelsError.message}`);
  }
  await route();
  document.body.dataset.ready = 'true';
}

start();
