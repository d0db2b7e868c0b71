// Review desk — the state shared by the modules (one page, one mutable object), and the busy flag.

export const state = {
  mode: 'single',
  projects: [],            // the served projects, as `v1/projects` lists them (default first)
  project: null,           // the project in use: {name, title, default, model_version, leaf_codes}
  trees: new Map(),        // project name -> {version, leaves, leafById, nodeByCode, searchIndex}: the trees fetched
  leaves: [],              // the project's codes: [{id, code, label, description, lexicon, objective, axis, ancestors}]
  leafById: new Map(),
  nodeByCode: new Map(),   // code -> node of the project's tree (its `level`), at any depth
  searchIndex: [],         // the code search's index of the leaves (search.js)
  review: null,            // the review shown in the panel (see newReview)
  single: null,            // the review of the pasted application
  singleSource: null,      // {name, text}: the uploaded document the text came from
  queue: null,             // the queue as returned by the API
  queueProject: null,      // the name of the project the queue was made in (its calls go there)
  queueIndex: 0,
  lastQueue: new Map(),    // project name -> {queueId, position}: the queue last shown in each project
  drafts: new Map(),       // item_id -> {ticked, added, comment}: unsaved work on queue items
  undoStack: [],           // item_ids decided in this session, last on top
  busy: false,
};

/** What the review panel shows and edits. */
export function newReview({suggestions = [], fields = {}, decision = null, hint = null, warnings = [],
  transversal = null, modelVersion = '', project = '', text = '', readonly = false, item = null, ticked = null,
  added = [], comment = ''}) {
  const review = {
    suggestions, fields, decision, hint, warnings, modelVersion, readonly, item,
    transversal: Array.isArray(transversal) ? transversal : [],  // read-only: never saved as codes
    project,                 // the name of the project whose codes these are
    text,                    // single mode: the text sent for suggestion (sent again if the project changes)
    ticked: new Set(ticked || suggestions.filter((s) => s.selected).map((s) => s.id)),
    added: [...added],       // leaf objects added from the picker
    comment,
    cursor: 0,               // index of the focused code row
    hover: -1,               // index of the hovered suggestion (highlights its words)
    wordKey: null,           // the evidence word « mot suivant » reached (review.js), null: none yet
    saved: null,             // the feedback response once saved (single mode)
  };
  return review;
}

/** One request at a time: the button shows what is going on while the desk waits. */
export function setBusy(button, busy, busyLabel) {
  state.busy = busy;
  if (!button) return;
  if (busy) {
    button.dataset.label = button.textContent;
    button.textContent = busyLabel;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------- the address

/**
 * What the address asks for. `#demande?projet=<p>` is one application, `#file?projet=<p>` the upload of a call
 * for projects, `#file=<queue>&n=<position>&projet=<p>` one of its applications; addresses written before
 * projects could be chosen (`#file=<queue>&n=2`, `#demande`) name no project. `#appels?projet=<p>` lists the
 * project's calls for projects; `#file=<queue>&projet=<p>` (no `n`) opens a queue at its first row to review.
 */
export function parseHash(hash = location.hash) {
  const raw = String(hash || '').replace(/^#/, '');
  const params = new URLSearchParams(raw.replace('?', '&'));
  return {
    mode: raw.startsWith('file') ? 'queue' : (raw.startsWith('appels') ? 'queues' : 'single'),
    queueId: params.get('file') || '',
    position: Number(params.get('n')) || 0,
    project: params.get('projet') || '',
  };
}

/** The address of a mode of the desk in a project (and of a queue's application). */
export function deskHash({mode = 'single', project = '', queueId = '', position = 0} = {}) {
  const params = new URLSearchParams();
  if (mode === 'queue' && queueId) {
    params.set('file', queueId);
    if (position) params.set('n', String(position));
  }
  if (project) params.set('projet', project);
  const query = params.toString();
  if (mode === 'queue' && queueId) return `#${query}`;
  const head = {queue: 'file', queues: 'appels'}[mode] || 'demande';
  return query ? `#${head}?${query}` : `#${head}`;
}

// ---------------------------------------------------------------- drafts and places that outlive a reload

const DRAFT_PREFIX = 'cvclassify.draft';
const PLACE_PREFIX = 'cvclassify.place';

const draftKey = (itemId) => `${DRAFT_PREFIX}|${state.queueProject || ''}|${state.queue ? state.queue.queue_id : ''}|${itemId}`;

/** The unsaved work on a queue item (ticked codes, added codes, comment): in memory, else kept by the browser. */
export function getDraft(itemId) {
  if (state.drafts.has(itemId)) return state.drafts.get(itemId);
  try {
    const stored = JSON.parse(localStorage.getItem(draftKey(itemId)) || 'null');
    if (stored && Array.isArray(stored.ticked) && Array.isArray(stored.added)) {
      const added = stored.added.filter((leaf) => leaf && leaf.id)
        .map((leaf) => state.leafById.get(leaf.id) || {id: leaf.id, code: leaf.code || leaf.id, label: leaf.label || ''});
      const draft = {ticked: stored.ticked.map(String), added, comment: String(stored.comment || '')};
      state.drafts.set(itemId, draft);
      return draft;
    }
  } catch (err) { /* private mode, or a damaged entry: no draft */ }
  return null;
}

/** Keep the unsaved work on a queue item, so that a reload (or another tab) finds it again. */
export function putDraft(itemId, draft) {
  state.drafts.set(itemId, draft);
  try {
    localStorage.setItem(draftKey(itemId), JSON.stringify({
      ticked: draft.ticked, comment: draft.comment,
      added: draft.added.map((leaf) => ({id: leaf.id, code: leaf.code, label: leaf.label})),
    }));
  } catch (err) { /* private mode or full storage: the draft stays in memory */ }
}

/** The item was decided: its draft is gone. */
export function dropDraft(itemId) {
  state.drafts.delete(itemId);
  try { localStorage.removeItem(draftKey(itemId)); } catch (err) { /* private mode */ }
}

/** Remember in this tab the row of a queue shown last (a reload comes back to it; a new tab does not). */
export function rememberPlace(project, queueId, position) {
  try { sessionStorage.setItem(`${PLACE_PREFIX}|${project}|${queueId}`, String(position)); } catch (err) { /* */ }
}

/** The row of that queue this tab showed last, 0 if none. */
export function placeInTab(project, queueId) {
  try { return Number(sessionStorage.getItem(`${PLACE_PREFIX}|${project}|${queueId}`)) || 0; } catch (err) { return 0; }
}
