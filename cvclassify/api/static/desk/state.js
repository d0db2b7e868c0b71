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
 * projects could be chosen (`#file=<queue>&n=2`, `#demande`) name no project.
 */
export function parseHash(hash = location.hash) {
  const raw = String(hash || '').replace(/^#/, '');
  const params = new URLSearchParams(raw.replace('?', '&'));
  return {
    mode: raw.startsWith('file') ? 'queue' : 'single',
    queueId: params.get('file') || '',
    position: Number(params.get('n')) || 1,
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
  const head = mode === 'queue' ? 'file' : 'demande';
  return query ? `#${head}?${query}` : `#${head}`;
}
