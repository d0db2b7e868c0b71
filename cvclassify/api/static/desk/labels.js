// Review desk — program states and the French words shown for them.
// States are plain ASCII values (the desk compares only these); the words people read come from the one
// table the server serves at `v1/labels` (cvclassify/labels.py), fetched once at start-up.

import {api} from './api.js';

/** Where one application of a queue stands (`item.status`). */
export const STATUS = Object.freeze({OPEN: 'open', DONE: 'done', ERROR: 'error'});

/** What the decision layer advises for one application (`decision.route`). */
export const ROUTES = Object.freeze(['auto', 'review', 'objective', 'insufficient']);

/** The order of an application's fields on the page; other fields come after. */
export const FIELD_ORDER = ['title', 'objectives', 'text', 'description', 'public', 'territory'];

let table = {};

/** Fetch the label table (once, at start-up). Until then, or if it fails, states show as their values. */
export async function loadLabels() {
  const body = await api('v1/labels');
  table = body && typeof body === 'object' ? body : {};
}

/** The French words for `value` of a kind of state (`route`, `item_status`, `field`…), else the value. */
function words(kind, value) {
  const ofKind = table[kind];
  const found = ofKind && Object.prototype.hasOwnProperty.call(ofKind, value) ? ofKind[value] : null;
  return typeof found === 'string' && found ? found : String(value ?? '');
}

/** The words of a queue item's status: « à revoir », « revu », « erreur ». */
export const statusWords = (status) => words('item_status', status);

/** The words of a decision's route. */
export const routeWords = (route) => words('route', route);

/** The words with a capital first letter. */
export const capitalise = (text) => String(text).charAt(0).toUpperCase() + String(text).slice(1);

/** The heading of an application's field: its words with a capital first letter. */
export const fieldHeading = (name) => capitalise(words('field', name));

/**
 * The French name of a level of a project's tree: « axe stratégique », « objectif opérationnel »… from the
 * table; levels it does not list are named in French by the project already (« thématique », « enjeu »).
 */
export const levelWords = (level) => words('level', level);

/** The noun of a level's name, capitalised, where room is short: « Objectif » for « objectif opérationnel ». */
export const levelNoun = (level) => capitalise(levelWords(level).split(/\s+/)[0] || '');
