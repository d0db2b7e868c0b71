// Review desk — the state shared by the modules (one page, one mutable object), and the busy flag.

export const state = {
  mode: 'single',
  project: null,           // {name, title, default, model_version}
  leaves: [],              // [{id, code, label, objective, axis, haystack}]
  leafById: new Map(),
  review: null,            // the review shown in the panel (see newReview)
  single: null,            // the review of the pasted application
  singleSource: null,      // {name, text}: the uploaded document the text came from
  queue: null,             // the queue as returned by the API
  queueIndex: 0,
  drafts: new Map(),       // item_id -> {ticked, added, comment}: unsaved work on queue items
  undoStack: [],           // item_ids decided in this session, last on top
  busy: false,
};

/** What the review panel shows and edits. */
export function newReview({suggestions = [], fields = {}, decision = null, hint = null, warnings = [],
  modelVersion = '', readonly = false, item = null, ticked = null, added = [], comment = ''}) {
  const review = {
    suggestions, fields, decision, hint, warnings, modelVersion, readonly, item,
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
