// Review desk of cvclassify: instruction officers check and correct the suggested Contrat de Ville codes,
// one pasted application at a time or a whole call for projects (a queue) with the keyboard.
// Plain ES2020 modules, no dependency, no build step. This one starts the desk and follows the address
// (#demande?projet=…, #file=…&projet=…); the API is same-origin and its paths are relative to the page.

import {$, clearError, showError} from './dom.js';
import {renderShortcuts, saveNow} from './keys.js';
import {loadLabels} from './labels.js';
import './picker.js';
import {defaultProject, findProject, loadProjects, useProject} from './projects.js';
import {loadSession} from './officers.js';
import {loadQueue, showItem} from './queue.js';
import {showQueues} from './queues.js';
import {placePanel, renderReview} from './review.js';
import {resuggest} from './single.js';
import {deskHash, parseHash, state} from './state.js';

// ---------------------------------------------------------------- modes and routing

function setMode(mode) {
  state.mode = mode;
  $('single').hidden = mode !== 'single';
  $('queue').hidden = mode !== 'queue';
  $('queues').hidden = mode !== 'queues';
  for (const [id, of] of [['mode-single', 'single'], ['mode-queue', 'queue'], ['mode-queues', 'queues']]) {
    if (mode === of) $(id).setAttribute('aria-current', 'page');
    else $(id).removeAttribute('aria-current');
  }
  document.body.dataset.mode = mode;
  renderShortcuts();
  placePanel();
}

/** The links of the two modes lead to the project in use (and to its last queue). */
function renderModeLinks() {
  const project = state.project ? state.project.name : '';
  $('mode-single').href = deskHash({mode: 'single', project});
  $('mode-queues').href = deskHash({mode: 'queues', project});
  $('queue-list-link').href = $('mode-queues').href;
  const last = state.lastQueue.get(project);
  $('mode-queue').href = deskHash({mode: 'queue', project, queueId: last ? last.queueId : '', position: last ? last.position : 0});
}

/** Leave the queue of the previous project: it belongs to it (and comes back with it). */
function leaveQueue() {
  if (!state.queue) return;
  state.queue = null;
  state.queueProject = null;
  if (state.mode === 'queue') state.review = null;
  $('queue-work').hidden = true;
  $('queue-upload').hidden = false;
}

/** Put the named project in use (the default one if the address names none). False if none can be. */
async function switchProject(name) {
  let project = name ? await findProject(name) : null;
  if (name && !project) {
    const fallback = state.project || defaultProject();
    showError(`Le projet « ${name} » n'est pas servi ici : ${fallback ? `le projet « ${fallback.title || fallback.name} » est affiché` : 'aucun projet n\'est disponible'}.`);
    project = fallback;
  }
  if (!project) project = defaultProject();
  if (!project) return false;
  if (state.project && state.project.name === project.name && state.trees.has(project.name)) return true;
  await useProject(project);
  if (state.queue && state.queueProject !== project.name) leaveQueue();
  return true;
}

let routeTicket = 0;

/** Show the mode and the project the address asks for: `#file…` is a queue, anything else one application. */
async function route() {
  const ticket = ++routeTicket;
  const wanted = parseHash();
  setMode(wanted.mode);
  try {
    if (!await switchProject(wanted.project || (state.project ? state.project.name : ''))) return;
  } catch (err) {
    showError(err.message);
    $('project-picker').value = state.project ? state.project.name : '';
    if (!state.project) { $('project-info').textContent = 'Projet indisponible'; return; }
  }
  if (ticket !== routeTicket) return;  // the address changed again meanwhile
  const project = state.project.name;
  renderModeLinks();
  if (wanted.mode === 'queue') {
    if (wanted.queueId && (!state.queue || state.queue.queue_id !== wanted.queueId)) {
      try {
        await loadQueue(wanted.queueId, wanted.position);
      } catch (err) {
        showError(err.message);
        leaveQueue();
        const last = state.lastQueue.get(project);
        if (last && last.queueId === wanted.queueId) state.lastQueue.delete(project);
        renderModeLinks();
        history.replaceState(null, '', deskHash({mode: 'queue', project}));
        state.review = null;
        renderReview();
      }
    } else if (state.queue && !$('queue-work').hidden) {
      const items = state.queue.items || [];
      let index = wanted.queueId ? items.findIndex((item) => item.position === wanted.position) : -1;
      if (wanted.queueId && !wanted.position) index = items.findIndex((item) => item.status === 'open');  // « Reprendre »
      showItem(index >= 0 ? index : state.queueIndex, {focus: false});
    } else {
      state.review = null;
      renderReview();
      history.replaceState(null, '', deskHash({mode: 'queue', project}));
    }
  } else if (wanted.mode === 'queues') {
    history.replaceState(null, '', deskHash({mode: 'queues', project}));
    state.review = null;
    try {
      await showQueues();
    } catch (err) {
      showError(err.message);
    }
  } else {
    history.replaceState(null, '', deskHash({mode: 'single', project}));
    state.review = state.single;
    renderReview();
    if (!state.single) $('review').hidden = true;
    // A text already shown was suggested in another project: its codes are those of the one in use.
    if (state.single && state.single.project !== project) await resuggest();
  }
}

window.addEventListener('hashchange', () => { clearError(); route(); });

// The project picker: the address changes (a new history entry: « Précédent » comes back), then the desk.
$('project-picker').addEventListener('change', () => {
  const project = $('project-picker').value;
  if (!project || (state.project && project === state.project.name)) return;
  const last = state.lastQueue.get(project);
  location.hash = deskHash({
    mode: state.mode, project, queueId: last ? last.queueId : '', position: last ? last.position : 0,
  });
});

$('submit').addEventListener('click', () => saveNow());

// ---------------------------------------------------------------- start

const REVIEWER_KEY = 'cvclassify.reviewer';
try { $('reviewer').value = localStorage.getItem(REVIEWER_KEY) || ''; } catch (err) { /* private mode */ }
$('reviewer').addEventListener('change', () => {
  try { localStorage.setItem(REVIEWER_KEY, $('reviewer').value.trim()); } catch (err) { /* private mode */ }
});
$('alert-close').addEventListener('click', clearError);
// With a key in use (the server marks the page), « Se déconnecter » forgets it and goes back to the login.
$('logout-form').hidden = document.body.dataset.keyed !== 'true';

async function start() {
  setMode(parseHash().mode);
  // The French words of the states, fetched while the projects load; nothing is rendered before both.
  const labelsFailed = loadLabels().then(() => null, (err) => err);
  const sessionKnown = loadSession();  // who is signed in (a named account), shown in the top bar
  let projectsError = null;
  try {
    await loadProjects();
  } catch (err) {
    projectsError = err;
  }
  const labelsError = await labelsFailed;
  if (projectsError) {
    $('project-info').textContent = 'Projet indisponible';
    showError(projectsError.message);
  } else {
    await route();
  }
  if (labelsError && $('alert').hidden) {
    showError(`Les libellés des statuts n'ont pas pu être chargés : ${labelsError.message}`);
  }
  await sessionKnown;
  document.body.dataset.ready = 'true';
}

start();
