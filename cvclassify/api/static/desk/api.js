// Review desk — calls to the API and the French messages of its errors.
// Paths are relative to the page (fetch resolves them against the document, not this module), so that
// the desk works behind a path prefix. An API key, if any, is a cookie the server set.

import {state} from './state.js';

export class DeskError extends Error {
  constructor(message, status = 0, body = null) { super(message); this.status = status; this.body = body; }
}

function errorMessage(status, body) {
  if (status === 401) {
    return 'Accès refusé : la session a expiré ou la clé d\'accès a changé. Rechargez la page pour vous reconnecter.';
  }
  const detail = body && body.detail;
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => (d && d.msg ? String(d.msg).replace(/^Value error, /, '') : String(d))).join(' ; ');
  }
  if (status === 403) return 'Accès refusé.';
  if (status === 413) return 'Le fichier est trop volumineux.';
  if (status === 503) return 'Le service démarre (chargement du modèle). Réessayez dans quelques secondes.';
  return `Le serveur a répondu par une erreur (${status}).`;
}

/** Call the API (paths are relative to the page, so that the desk works behind a path prefix). */
export async function api(path, {method = 'GET', json, form} = {}) {
  const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new DeskError('Le serveur ne répond pas : vérifiez la connexion puis réessayez.');
  }
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new DeskError(errorMessage(response.status, body), response.status, body);
  return body;
}

/** A path of a project's API: the project in use unless another is named. */
export const projectPath = (rest, project = state.project.name) => `v1/projects/${encodeURIComponent(project)}/${rest}`;

/** A path of the queue shown, in the project it was made in. */
export function queuePath(rest = '') {
  return projectPath(`queues/${encodeURIComponent(state.queue.queue_id)}${rest}`, state.queueProject || state.project.name);
}
