// Review statistics page (statistiques?projet=<p>&file=<queue>): rows reviewed by officer, agreement between the
// model and the officers, codes most often corrected and time per row, of one queue or of a whole project.
// Reads `v1/projects/<p>/queues/<q>/stats` or `v1/projects/<p>/stats`; plain tables, French numbers.

import {api} from './api.js';
import {$, el, plural, showError} from './dom.js';

const percent = new Intl.NumberFormat('fr-FR', {style: 'percent', maximumFractionDigits: 1});
const integer = new Intl.NumberFormat('fr-FR');

/** A share as a French percentage (« 87,5 % »), « — » when there is nothing to divide. */
export function formatShare(share) {
  return typeof share === 'number' ? percent.format(share) : '—';
}

/** Seconds as « 45 s », « 1 min 30 s », « — » when not measured. */
export function formatDuration(seconds) {
  if (typeof seconds !== 'number') return '—';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** A table: caption, header cells, rows of cells (a cell is text or {text, num}); numbers aligned right. */
function fill(table, caption, headers, rows, {numeric = [], hideCaption = true} = {}) {
  const head = el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', {scope: 'col', class: numeric.includes(i) ? 'num' : null}, h))));
  const body = el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell, i) => (i === 0
    ? el('th', {scope: 'row'}, cell)
    : el('td', {class: numeric.includes(i) ? 'num' : null}, cell))))));
  // A table under a heading that names it keeps its caption for screen readers only.
  table.replaceChildren(el('caption', {class: hideCaption ? 'visually-hidden' : null}, caption), head, body);
}

function codeCell(code) {
  return el('span', {}, el('strong', {class: 'code'}, code.code), code.label ? el('span', {class: 'stats-label'}, ` ${code.label}`) : '');
}

function render(stats, {project, queueId}) {
  const scope = queueId ? `Appel à projets « ${stats.name || queueId} »` : `Projet « ${project} » : ${plural(stats.queues, 'appel à projets', 'appels à projets')} avec des décisions`;
  $('stats-scope').textContent = scope;
  document.title = `Statistiques — ${stats.name || project}`;
  $('stats-summary').textContent = `${integer.format(stats.reviewed)} ${stats.reviewed > 1 ? 'demandes revues' : 'demande revue'} sur ${integer.format(stats.total)}`
    + `${stats.reviewed ? ` ; temps médian par demande : ${formatDuration(stats.time.median_seconds)}` : ''}.`;

  const bulk = stats.officers.reduce((sum, o) => sum + o.bulk, 0);
  const officerRows = stats.officers.map((o) => [o.officer, integer.format(o.reviewed), integer.format(o.bulk), formatDuration(o.median_seconds)]);
  if (stats.officers.length > 1) officerRows.push(['Ensemble', integer.format(stats.reviewed), integer.format(bulk), formatDuration(stats.time.median_seconds)]);
  if (!officerRows.length) officerRows.push(['Aucune demande revue', '0', '0', '—']);
  fill($('stats-officers'), 'Demandes revues par instructeur', ['Instructeur', 'Demandes revues', 'Dont acceptées en bloc', 'Temps médian par demande'], officerRows, {numeric: [1, 2, 3]});

  const a = stats.agreement;
  fill($('stats-agreement'), 'Accord entre le modèle et les instructeurs', ['Mesure', 'Demandes', 'Part'], [
    ['Acceptées sans changement (codes finaux = codes cochés par le modèle)', `${integer.format(a.accepted_unchanged)} sur ${integer.format(a.reviewed)}`, formatShare(a.accepted_unchanged_share)],
    ['Accord exact sur l\'ensemble des codes (demandes revues une à une)', `${integer.format(a.exact_set)} sur ${integer.format(a.one_by_one)}`, formatShare(a.exact_set_share)],
  ], {numeric: [1, 2]});

  $('stats-codes-empty').hidden = Boolean(stats.codes.length);
  $('stats-codes').hidden = !stats.codes.length;
  fill($('stats-codes'), 'Accord par code', ['Code', 'Cochés par le modèle', 'Retenus par les instructeurs', 'Les deux', 'Précision', 'Rappel'],
    stats.codes.map((c) => [codeCell(c), integer.format(c.model), integer.format(c.officers), integer.format(c.both), formatShare(c.precision), formatShare(c.recall)]),
    {numeric: [1, 2, 3, 4, 5]});

  const corrections = (list) => (list.length ? list.map((c) => [codeCell(c), integer.format(c.count)]) : [['Aucun', '—']]);
  fill($('stats-added'), 'Ajoutés par les instructeurs', ['Code', 'Fois'], corrections(stats.most_added), {numeric: [1], hideCaption: false});
  fill($('stats-removed'), 'Retirés par les instructeurs', ['Code', 'Fois'], corrections(stats.most_removed), {numeric: [1], hideCaption: false});
}

async function start() {
  const params = new URLSearchParams(location.search);
  let project = params.get('projet') || '';
  const queueId = params.get('file') || '';
  try {
    const projects = await api('v1/projects');
    if (!project) project = (projects.find((p) => p.default) || projects[0] || {}).name || '';
    const title = (projects.find((p) => p.name === project) || {}).title || project;
    const base = `v1/projects/${encodeURIComponent(project)}`;
    $('stats-back').href = queueId ? `./#${new URLSearchParams({file: queueId, projet: project})}` : `./#appels?${new URLSearchParams({projet: project})}`;  // the project's queues
    $('stats-project-link').href = `statistiques?${new URLSearchParams({projet: project})}`;
    if (queueId) {
      $('stats-queue-link').hidden = false;
      $('stats-queue-link').href = `statistiques?${new URLSearchParams({projet: project, file: queueId})}`;
      $('stats-queue-link').setAttribute('aria-current', 'page');
    } else {
      $('stats-project-link').setAttribute('aria-current', 'page');
    }
    const stats = await api(queueId ? `${base}/queues/${encodeURIComponent(queueId)}/stats` : `${base}/stats`);
    render(stats, {project: title, queueId});
    $('stats-status').textContent = '';
    $('stats-body').hidden = false;
  } catch (err) {
    $('stats-status').textContent = '';
    $('stats-scope').textContent = 'Statistiques indisponibles';
    showError(err.message);
  }
  document.body.dataset.ready = 'true';
}

start();
