// Review desk — « Mes appels à projets »: the calls for projects (queues) of the project in use, with their
// file, date, progress and officers, and « Reprendre » at the first application still to review.

import {api, projectPath} from './api.js';
import {$, el, plural} from './dom.js';
import {progressWords} from './queue.js';
import {deskHash, state} from './state.js';

const DATE = new Intl.DateTimeFormat('fr-FR', {dateStyle: 'long', timeStyle: 'short'});

/** « 6 décembre 2026 à 19:50 », in the officer's time zone; the value itself if it is not a date. */
function frDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value || '') : DATE.format(date);
}

let listTicket = 0;

/** Fetch and show the queues of the project in use. */
export async function showQueues() {
  const ticket = ++listTicket;
  const project = state.project;
  if (!project) return;
  $('queues-project').textContent = project.title || project.name;
  $('queues-new').href = deskHash({mode: 'queue', project: project.name});
  $('queues-stats').href = `statistiques?${new URLSearchParams({projet: project.name})}`;
  const status = $('queues-status');
  status.textContent = 'Chargement de la liste…';
  let queues;
  try {
    queues = await api(projectPath('queues', project.name));
  } catch (err) {
    if (ticket !== listTicket) return;
    status.textContent = '';
    throw err;
  }
  if (ticket !== listTicket) return;
  const list = Array.isArray(queues) ? queues : [];
  status.textContent = list.length ? '' : 'Aucun appel à projets n\'a encore été déposé dans ce projet.';
  $('queues-table').hidden = !list.length;
  $('queues-list').replaceChildren(...list.map((queue) => queueRow(queue, project.name)));
}

function queueRow(queue, project) {
  const readable = Math.max(queue.total - queue.errors, 0);
  const finished = queue.resume_item === null || queue.resume_item === undefined;
  const progress = el('progress', {max: Math.max(readable, 1), value: queue.reviewed, 'aria-hidden': 'true'});
  const href = deskHash({mode: 'queue', project, queueId: queue.queue_id});
  const action = finished
    ? el('a', {class: 'button ghost small', href, 'aria-label': `Ouvrir « ${queue.name} » (toutes les demandes sont relues)`}, 'Ouvrir')
    : el('a', {class: 'button primary small', href, 'aria-label': `Reprendre « ${queue.name} » à la première demande à relire`}, 'Reprendre');
  const reviewers = (queue.reviewers || []).filter(Boolean);
  return el('tr', {'data-queue': queue.queue_id},
    el('th', {scope: 'row', class: 'queue-file'}, queue.name),
    el('td', {class: 'nowrap'}, frDate(queue.created_at)),
    el('td', {class: 'queue-advance'}, progress, ' ',
      el('span', {class: 'progress-text'}, progressWords(queue.reviewed, queue.total)),
      queue.errors ? el('span', {class: 'muted'}, ` (${plural(queue.errors, 'illisible', 'illisibles')})`) : null,
      finished ? el('span', {class: 'badge status-done badge-small'}, 'terminé') : null),
    el('td', {class: 'queue-reviewers'}, reviewers.join(', ')),
    el('td', {class: 'queue-action'}, action));
}
