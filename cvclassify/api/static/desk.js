// Review desk of cvclassify: instruction officers check and correct the suggested Contrat de Ville codes,
// one pasted application at a time or a whole call for projects (a queue) with the keyboard.
// Plain ES2020, no dependency. The API is same-origin; an API key, if any, is a cookie the server set.
'use strict';

(() => {
  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  /** Create an element: el('p', {class: 'x', title: 'y'}, 'text', child). Text is never parsed as HTML. */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, '');
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** A number with a French decimal comma: 0.934 -> "0,93". */
  const frNumber = (value, digits = 2) => Number(value).toFixed(digits).replace('.', ',');

  /** Lower case, without accents or ligatures, for accent-insensitive search. */
  const fold = (text) => String(text || '')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
    .replace(/[’‘`]/g, "'")
    .toLowerCase();

  /** "RENFORCER L'INCLUSION" -> "Renforcer l'inclusion" (the contract prints axis labels in capitals). */
  function sentenceCase(text) {
    const value = String(text || '');
    if (!value || value !== value.toUpperCase()) return value;
    const lower = value.toLowerCase();
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  }

  const plural = (n, one, many) => `${n} ${n > 1 ? many : one}`;

  const PALETTE_SIZE = 8;
  const colourOf = (index) => `c${index % PALETTE_SIZE}`;

  const FIELD_LABELS = {
    title: 'Intitulé', objectives: 'Objectifs', text: 'Description', description: 'Description',
    public: 'Public visé', territory: 'Territoire',
  };
  const FIELD_ORDER = ['title', 'objectives', 'text', 'description', 'public', 'territory'];

  const DECISIONS = {
    auto: {text: 'peut être acceptée telle quelle', cls: 'decision-auto'},
    review: {text: 'à vérifier', cls: 'decision-review'},
    objective: {text: 'objectif sûr, code incertain', cls: 'decision-objective'},
  };

  // ---------------------------------------------------------------- API

  class DeskError extends Error {
    constructor(message, status = 0) { super(message); this.status = status; }
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
  async function api(path, {method = 'GET', json, form} = {}) {
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
    if (!response.ok) throw new DeskError(errorMessage(response.status, body), response.status);
    return body;
  }

  const projectPath = (rest) => `v1/projects/${encodeURIComponent(state.project.name)}/${rest}`;

  // ---------------------------------------------------------------- state

  const state = {
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
  function newReview({suggestions = [], fields = {}, decision = null, hint = null, warnings = [],
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

  // ---------------------------------------------------------------- alerts and status

  function showError(message) {
    $('alert-text').textContent = message;
    $('alert').hidden = false;
  }

  function clearError() {
    $('alert').hidden = true;
    $('alert-text').textContent = '';
  }

  function setStatus(message, kind = 'ok') {
    const status = $('status');
    status.textContent = message;
    status.className = `status status-${kind}`;
  }

  function setBusy(button, busy, busyLabel) {
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

  // ---------------------------------------------------------------- evidence highlighting

  /** Python offsets count code points; JavaScript strings count UTF-16 units. */
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [];
    let unit = 0;
    for (const ch of text) { units.push(unit); unit += ch.length; }
    units.push(unit);
    return (i) => units[Math.min(Math.max(i, 0), units.length - 1)];
  }

  /** The evidence of one suggestion worth showing: its strongest words (at least a tenth of the best). */
  function strongEvidence(suggestion) {
    const evidence = (suggestion.evidence || []).filter((e) => e.weight > 0);
    if (!evidence.length) return [];
    const best = Math.max(...evidence.map((e) => e.weight));
    return evidence.filter((e) => e.weight >= best / 10).slice(0, 8);
  }

  /** Which suggestions show their words: the ticked ones, and the one hovered or focused. */
  function visibleSuggestions(review) {
    const shown = new Set();
    review.suggestions.forEach((s, i) => { if (review.ticked.has(s.id)) shown.add(i); });
    const active = activeSuggestion(review);
    if (active >= 0) shown.add(active);
    if (!shown.size && review.suggestions.length) shown.add(0);
    return shown;
  }

  function activeSuggestion(review) {
    if (review.hover >= 0) return review.hover;
    const focused = document.activeElement;
    if (focused && focused.closest && focused.closest('#codes')) {
      const row = focused.closest('li');
      const index = row ? Number(row.dataset.suggestion) : -1;
      return Number.isInteger(index) ? index : -1;
    }
    return -1;
  }

  /** Append `text` to `node`, wrapping the evidence spans in <mark>s coloured by suggestion. */
  function appendHighlighted(node, text, spans, review, active) {
    if (!spans.length) { node.append(text); return; }
    const points = new Set([0, text.length]);
    for (const span of spans) { points.add(span.start); points.add(span.end); }
    const cuts = [...points].sort((a, b) => a - b);
    for (let k = 0; k < cuts.length - 1; k += 1) {
      const start = cuts[k];
      const end = cuts[k + 1];
      const piece = text.slice(start, end);
      const owners = [...new Set(spans.filter((s) => s.start <= start && s.end >= end).map((s) => s.index))]
        .sort((a, b) => a - b);
      if (!owners.length) { node.append(piece); continue; }
      const main = owners.includes(active) ? active : owners[0];
      const title = owners.map((i) => {
        const s = review.suggestions[i];
        return `${s.code} — ${s.label}`;
      }).join('\n');
      node.append(el('mark', {
        class: `ev ${colourOf(main)}${owners.includes(active) ? ' is-active' : ''}`,
        'data-s': owners.join(' '),
        title,
      }, piece));
    }
  }

  function spansFor(review, fieldName, text, shown) {
    const toUnits = offsetMapper(text);
    const spans = [];
    for (const index of shown) {
      for (const e of strongEvidence(review.suggestions[index])) {
        if ((e.field || 'text') !== fieldName) continue;
        const start = toUnits(e.start);
        const end = toUnits(e.end);
        if (!(start >= 0 && end > start && end <= text.length)) continue;
        spans.push({start, end, index});
      }
    }
    return spans;
  }

  function orderedFieldNames(fields) {
    const names = Object.keys(fields).filter((n) => typeof fields[n] === 'string' && fields[n].trim());
    return names.sort((a, b) => {
      const ia = FIELD_ORDER.indexOf(a);
      const ib = FIELD_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
  }

  /** Render the application's fields, with the evidence words highlighted. */
  function renderDocument(container, review) {
    container.replaceChildren();
    if (!review) return;
    const shown = visibleSuggestions(review);
    const active = activeSuggestion(review);
    const names = orderedFieldNames(review.fields);
    for (const name of names) {
      const text = review.fields[name];
      const block = el('div', {class: `field field-${name}`});
      if (names.length > 1 || name !== 'text') {
        block.append(el('h4', {class: 'field-name'}, FIELD_LABELS[name] || name));
      }
      const body = el('div', {class: 'field-text'});
      appendHighlighted(body, text, spansFor(review, name, text, shown), review, active);
      block.append(body);
      container.append(block);
    }
    container.classList.toggle('has-active', active >= 0);
  }

  function documentContainer() {
    return state.mode === 'queue' ? $('queue-doc') : $('single-doc');
  }

  function refreshDocument() {
    if (state.review) renderDocument(documentContainer(), state.review);
  }

  // ---------------------------------------------------------------- the review panel

  /** The rows of the code list: suggestions in rank order, then the codes added from the picker. */
  function codeRows(review) {
    const rows = review.suggestions.map((s, i) => ({kind: 'suggested', code: s, index: i}));
    for (const leaf of review.added) rows.push({kind: 'added', code: leaf, index: -1});
    return rows;
  }

  function renderReview() {
    const review = state.review;
    const panel = $('review');
    if (!review) { panel.hidden = true; return; }
    panel.hidden = false;
    renderDecision(review);
    renderHint(review);
    renderWarnings(review);
    renderCodes(review);
    const unreadable = Boolean(review.item && review.item.status === 'erreur');
    for (const id of ['codes-head', 'codes-help', 'codes']) $(id).hidden = unreadable;
    $('picker').hidden = review.readonly;
    $('comment-field').hidden = unreadable || (review.readonly && !review.comment);
    $('comment').value = review.comment || '';
    $('comment').readOnly = review.readonly;
    $('codes-help').textContent = review.readonly
      ? 'Codes retenus lors de la revue.'
      : 'Cochés : codes retenus. Survolez un code pour voir ses mots dans le texte.';
    closePicker();
    renderActions();
    refreshDocument();
  }

  function renderDecision(review) {
    const box = $('decision');
    const decision = review.decision;
    const known = decision && DECISIONS[decision.route];
    if (!known || typeof decision.confidence !== 'number') { box.hidden = true; return; }
    box.className = `decision ${known.cls}`;
    box.replaceChildren(
      el('span', {class: 'decision-dot', 'aria-hidden': 'true'}),
      el('span', {}, `Confiance ${frNumber(decision.confidence)} — `, el('strong', {}, known.text)),
    );
    box.hidden = false;
  }

  function renderHint(review) {
    const hint = review.hint;
    $('hint').hidden = !hint;
    if (!hint) return;
    $('hint-code').textContent = hint.code;
    $('hint-label').textContent = hint.label || '';
    $('hint-score').textContent = typeof hint.score === 'number' ? `(score ${frNumber(hint.score)})` : '';
    $('hint-pick').hidden = review.readonly;
  }

  function renderWarnings(review) {
    const list = $('warnings');
    list.replaceChildren(...(review.warnings || []).map((w) => el('li', {}, w)));
    list.hidden = !(review.warnings && review.warnings.length);
  }

  function renderCodes(review) {
    const list = $('codes');
    list.replaceChildren();
    const rows = codeRows(review);
    rows.forEach((row, n) => {
      const code = row.code;
      const id = `code-${n}`;
      const ticked = review.ticked.has(code.id);
      const box = el('input', {
        type: 'checkbox', id, checked: ticked, disabled: review.readonly,
        'aria-describedby': `${id}-meta`, 'data-id': code.id,
      });
      box.addEventListener('change', () => toggleCode(n, box.checked));
      const meta = [];
      if (code.axis && code.axis.code) {
        meta.push(el('span', {class: 'meta-axis', title: `Axe ${code.axis.code} : ${sentenceCase(code.axis.label)}`},
          `Axe ${code.axis.code}`, el('span', {class: 'visually-hidden'}, ` : ${sentenceCase(code.axis.label)}`)),
        el('span', {class: 'meta-sep', 'aria-hidden': 'true'}, ' › '));
      }
      if (code.objective && code.objective.code) {
        meta.push(el('span', {class: 'meta-objective'}, `Objectif ${code.objective.code} : ${code.objective.label || ''}`));
      }
      const words = row.kind === 'suggested' ? strongEvidence(code).map((e) => e.word) : [];
      const uniqueWords = [...new Set(words)];
      const scoreText = row.kind === 'suggested' ? `score ${frNumber(code.score)}` : 'ajouté';
      const label = el('label', {for: id, class: 'code-label', title: code.description || null},
        row.kind === 'suggested'
          ? el('span', {class: `swatch ${colourOf(row.index)}`, 'aria-hidden': 'true'})
          : el('span', {class: 'swatch swatch-added', 'aria-hidden': 'true'}),
        el('strong', {class: 'code'}, code.code),
        el('span', {class: 'code-text'}, code.label),
        el('span', {class: 'visually-hidden'}, ` — ${scoreText}`));
      const details = el('div', {class: 'code-details', id: `${id}-meta`},
        el('span', {class: 'code-meta'}, ...meta),
        uniqueWords.length
          ? el('span', {class: 'code-words'}, el('span', {class: 'words-key'}, 'Mots du texte : '),
            uniqueWords.join(', '))
          : null);
      let side;
      if (row.kind === 'suggested') {
        const percent = Math.max(0, Math.min(1, Number(code.score) || 0)) * 100;
        const fill = el('span', {class: 'bar-fill'});
        fill.style.width = `${percent.toFixed(1)}%`;
        side = el('span', {class: 'score', title: `Score ${frNumber(code.score)}`, 'aria-hidden': 'true'},
          el('span', {class: 'bar'}, fill),
          el('span', {class: 'score-number'}, frNumber(code.score)));
      } else {
        side = el('span', {class: 'score', 'aria-hidden': 'true'}, el('span', {class: 'badge badge-added'}, 'ajouté'));
      }
      const li = el('li', {
        class: `code-row${ticked ? ' is-ticked' : ''}${row.kind === 'added' ? ' is-added' : ''}`,
        'data-row': n, 'data-suggestion': row.index,
      }, box, el('div', {class: 'code-body'}, label, details), side);
      // The whole row is a click target, not only the box and its label.
      li.addEventListener('click', (event) => {
        if (review.readonly || event.target.closest('input, label')) return;
        box.click();
        box.focus();
      });
      li.addEventListener('mouseenter', () => setHover(row.index));
      li.addEventListener('mouseleave', () => setHover(-1));
      list.append(li);
    });
    if (!rows.length) {
      list.append(el('li', {class: 'code-row empty-row'}, 'Aucun code proposé : ajoutez-en un avec la recherche ci-dessous.'));
    }
    const count = review.ticked.size;
    $('codes-count').textContent = rows.length ? `${plural(count, 'retenu', 'retenus')} sur ${rows.length}` : '';
    $('readonly-note').hidden = !review.readonly;
  }

  function setHover(index) {
    const review = state.review;
    if (!review || review.hover === index) return;
    review.hover = index;
    refreshDocument();
  }

  function toggleCode(rowIndex, checked) {
    const review = state.review;
    if (!review || review.readonly) return;
    const row = codeRows(review)[rowIndex];
    if (!row) return;
    if (checked) review.ticked.add(row.code.id);
    else review.ticked.delete(row.code.id);
    if (row.kind === 'added' && !checked) {
      // An added code that is unticked is simply taken off the list.
      review.added = review.added.filter((leaf) => leaf.id !== row.code.id);
      review.cursor = Math.min(rowIndex, codeRows(review).length - 1);
      changed();
      renderCodes(review);
      focusCursor();
    } else {
      const li = $('codes').querySelector(`li[data-row="${rowIndex}"]`);
      if (li) li.classList.toggle('is-ticked', checked);
      const box = $(`code-${rowIndex}`);
      if (box && box.checked !== checked) box.checked = checked;
      const rows = codeRows(review).length;
      $('codes-count').textContent = `${plural(review.ticked.size, 'retenu', 'retenus')} sur ${rows}`;
      changed();
    }
    refreshDocument();
  }

  /** Something was edited: a saved single review can be saved again; queue drafts are kept. */
  function changed() {
    const review = state.review;
    if (!review) return;
    if (state.mode === 'single' && review.saved) {
      review.saved = null;
      setStatus('');
    }
    if (state.mode === 'queue' && review.item) saveDraft();
    renderActions();
  }

  function saveDraft() {
    const review = state.review;
    if (!review || !review.item || review.readonly) return;
    state.drafts.set(review.item.item_id, {
      ticked: [...review.ticked], added: [...review.added], comment: review.comment,
    });
  }

  function finalCodes(review) {
    return codeRows(review).filter((row) => review.ticked.has(row.code.id)).map((row) => row.code.code);
  }

  function renderActions() {
    const review = state.review;
    if (!review) return;
    const submit = $('submit');
    const reopen = $('reopen');
    const summary = $('final-summary');
    const item = review.item;
    const codes = finalCodes(review);
    if (state.mode === 'queue' && item && item.status === 'revu') {
      summary.replaceChildren('Décision enregistrée : ',
        el('strong', {}, (item.final_codes || []).join(', ') || 'aucun code'),
        item.feedback_id ? ` (décision n° ${item.feedback_id})` : '');
    } else if (state.mode === 'queue' && item && item.status === 'erreur') {
      summary.textContent = 'Ligne illisible : rien à décider.';
    } else {
      summary.replaceChildren(codes.length ? 'Codes retenus : ' : 'Aucun code retenu',
        codes.length ? el('strong', {}, codes.join(', ')) : '');
    }
    if (state.mode === 'queue') {
      submit.replaceChildren('Accepter et passer à la suivante ', el('kbd', {}, 'Entrée'));
      submit.hidden = !item || item.status !== 'à revoir';
      submit.classList.remove('is-saved');
      submit.disabled = state.busy;
      reopen.hidden = !item || item.status !== 'revu';
    } else {
      const saved = review.saved;
      submit.replaceChildren(saved ? 'Décision enregistrée ✓' : 'Enregistrer la décision');
      submit.hidden = false;
      submit.disabled = Boolean(saved);
      submit.classList.toggle('is-saved', Boolean(saved));
      reopen.hidden = true;
    }
  }

  // ---------------------------------------------------------------- keyboard focus in the code list

  function codeBoxes() {
    return [...$('codes').querySelectorAll('input[type="checkbox"]')];
  }

  function focusCursor() {
    const review = state.review;
    const boxes = codeBoxes().filter((b) => !b.disabled);
    if (!review || !boxes.length) return false;
    review.cursor = Math.max(0, Math.min(review.cursor, boxes.length - 1));
    boxes[review.cursor].focus();
    boxes[review.cursor].closest('li').scrollIntoView({block: 'nearest'});
    return true;
  }

  function moveCursor(step) {
    const review = state.review;
    if (!review) return;
    const boxes = codeBoxes();
    const current = boxes.indexOf(document.activeElement);
    if (current >= 0) review.cursor = current + step;
    review.cursor = Math.max(0, Math.min(review.cursor, boxes.length - 1));
    focusCursor();
  }

  function cursorRow() {
    const review = state.review;
    const boxes = codeBoxes();
    const current = boxes.indexOf(document.activeElement);
    if (current >= 0) review.cursor = current;
    return review.cursor;
  }

  function setCursorTicked(checked) {
    const review = state.review;
    if (!review || review.readonly) return;
    const index = cursorRow();
    const box = $(`code-${index}`);
    if (!box) return;
    if (checked === null) checked = !box.checked;
    box.checked = checked;
    toggleCode(index, checked);
    if (document.activeElement !== box && $(`code-${index}`)) focusCursor();
    else if (!$(`code-${index}`)) focusCursor();
  }

  $('codes').addEventListener('focusin', (event) => {
    const li = event.target.closest('li');
    if (li && state.review) state.review.cursor = Number(li.dataset.row) || 0;
    refreshDocument();
  });
  $('codes').addEventListener('focusout', () => setTimeout(refreshDocument, 0));

  // Hovering a highlighted word points at the code(s) it supports.
  for (const id of ['single-doc', 'queue-doc']) {
    $(id).addEventListener('mouseover', (event) => {
      const mark = event.target.closest('mark.ev');
      for (const li of $('codes').querySelectorAll('li.is-linked')) li.classList.remove('is-linked');
      if (!mark) return;
      for (const index of mark.dataset.s.split(' ')) {
        const li = $('codes').querySelector(`li[data-suggestion="${index}"]`);
        if (li) li.classList.add('is-linked');
      }
    });
    $(id).addEventListener('mouseleave', () => {
      for (const li of $('codes').querySelectorAll('li.is-linked')) li.classList.remove('is-linked');
    });
  }

  // ---------------------------------------------------------------- the code picker

  const picker = {matches: [], active: -1};

  function searchLeaves(query) {
    const q = fold(query).trim();
    if (!q) return [];
    const tokens = q.split(/[\s,;]+/).filter(Boolean);
    const scored = [];
    state.leaves.forEach((leaf, order) => {
      let score = 0;
      const code = fold(leaf.code);
      const objectiveCode = fold(leaf.objective && leaf.objective.code);
      if (code === q) score += 1000;
      else if (code.startsWith(q)) score += 500;
      else if (objectiveCode && objectiveCode === q) score += 400;
      let allFound = true;
      for (const token of tokens) {
        if (code.startsWith(token) || fold(leaf.id).startsWith(token)) score += 50;
        else if (leaf.labelFolded.includes(token)) score += 20;
        else if (leaf.contextFolded.includes(token)) score += 5;
        else { allFound = false; break; }
      }
      if (!allFound && score < 400) return;
      scored.push({leaf, score, order});
    });
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    return scored.slice(0, 12).map((s) => s.leaf);
  }

  function renderPicker() {
    const list = $('picker-list');
    const input = $('picker-input');
    list.replaceChildren();
    const review = state.review;
    if (!picker.matches.length) {
      if (input.value.trim()) {
        list.append(el('li', {class: 'picker-empty', role: 'option', 'aria-disabled': 'true'}, 'Aucun code ne correspond.'));
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      } else {
        closePicker();
      }
      input.removeAttribute('aria-activedescendant');
      return;
    }
    picker.matches.forEach((leaf, i) => {
      const already = review && review.ticked.has(leaf.id);
      const option = el('li', {
        id: `pick-${i}`, role: 'option', class: `picker-option${i === picker.active ? ' is-active' : ''}`,
        'aria-selected': i === picker.active ? 'true' : 'false', 'data-id': leaf.id,
      },
      el('span', {class: 'picker-line'}, el('strong', {class: 'code'}, leaf.code), ' ', leaf.label,
        already ? el('span', {class: 'badge badge-small'}, 'déjà retenu') : null),
      el('span', {class: 'picker-meta'}, `Objectif ${leaf.objective.code} · ${leaf.objective.label}`));
      option.addEventListener('mousedown', (event) => { event.preventDefault(); pickLeaf(leaf); });
      list.append(option);
    });
    const wasHidden = list.hidden;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (wasHidden) list.scrollIntoView({block: 'nearest'});
    if (picker.active >= 0) {
      input.setAttribute('aria-activedescendant', `pick-${picker.active}`);
      const activeOption = $(`pick-${picker.active}`);
      if (activeOption) activeOption.scrollIntoView({block: 'nearest'});
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function closePicker() {
    picker.matches = [];
    picker.active = -1;
    $('picker-list').hidden = true;
    $('picker-list').replaceChildren();
    $('picker-input').setAttribute('aria-expanded', 'false');
    $('picker-input').removeAttribute('aria-activedescendant');
  }

  function pickLeaf(leaf) {
    const review = state.review;
    if (!review || review.readonly) return;
    const rows = codeRows(review);
    let rowIndex = rows.findIndex((row) => row.code.id === leaf.id);
    if (rowIndex < 0) {
      review.added.push(leaf);
      rowIndex = rows.length;
    }
    review.ticked.add(leaf.id);
    $('picker-input').value = '';
    closePicker();
    review.cursor = rowIndex;
    changed();
    renderCodes(review);
    refreshDocument();
    setStatus(`Code ${leaf.code} ajouté aux codes retenus.`, 'info');
    focusCursor();
  }

  $('picker-input').addEventListener('input', () => {
    picker.matches = searchLeaves($('picker-input').value);
    picker.active = picker.matches.length ? 0 : -1;
    renderPicker();
  });

  $('picker-input').addEventListener('keydown', (event) => {
    const count = picker.matches.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!count) {
        picker.matches = searchLeaves($('picker-input').value);
        picker.active = picker.matches.length ? 0 : -1;
      } else {
        picker.active = (picker.active + (event.key === 'ArrowDown' ? 1 : -1) + count) % count;
      }
      renderPicker();
    } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (count) pickLeaf(picker.matches[Math.max(picker.active, 0)]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (count || $('picker-input').value) {
        $('picker-input').value = '';
        closePicker();
      } else {
        $('picker-input').blur();
        focusCursor();
      }
    }
  });

  $('picker-input').addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== $('picker-input')) closePicker();
  }, 150));

  $('hint-pick').addEventListener('click', () => {
    const hint = state.review && state.review.hint;
    if (!hint) return;
    $('picker-input').value = hint.code;
    $('picker-input').focus();
    picker.matches = searchLeaves(hint.code);
    picker.active = picker.matches.length ? 0 : -1;
    renderPicker();
  });

  $('comment').addEventListener('input', () => {
    if (!state.review) return;
    state.review.comment = $('comment').value;
    changed();
  });

  // ---------------------------------------------------------------- feedback

  function feedbackBody(review, extra) {
    const suggested = review.suggestions.map((s) => s.id);
    const comment = (review.comment || '').trim();
    const reviewer = $('reviewer').value.trim();
    return {
      document_id: null,
      text: null,
      suggested,
      kept: suggested.filter((id) => review.ticked.has(id)),
      // removed: what the model ticked and the officer unticked (not every unticked suggestion)
      removed: review.suggestions.filter((s) => s.selected && !review.ticked.has(s.id)).map((s) => s.id),
      added: review.added.filter((leaf) => review.ticked.has(leaf.id) && !suggested.includes(leaf.id)).map((l) => l.id),
      comment: comment || null,
      reviewer: reviewer || null,
      model_version: review.modelVersion || (state.project && state.project.model_version) || null,
      queue_id: null,
      item_id: null,
      ...extra,
    };
  }

  /** The server's confirmation, with the decision number even if the message lacks it. */
  function savedMessage(saved) {
    const codes = (saved.final_codes || []).join(', ') || 'aucun code';
    const message = saved.message || `Décision enregistrée : ${codes}.`;
    return message.includes(String(saved.id)) ? message : `${message} (décision n° ${saved.id})`;
  }

  async function submitSingle() {
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

  $('submit').addEventListener('click', () => {
    if (state.mode === 'queue') acceptItem();
    else submitSingle();
  });

  // ---------------------------------------------------------------- single mode

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

  // ---------------------------------------------------------------- queue mode

  function queuePath(rest = '') {
    return projectPath(`queues/${encodeURIComponent(state.queue.queue_id)}${rest}`);
  }

  $('queue-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const file = $('queue-file').files[0];
    if (!file) {
      showError('Choisissez d\'abord le fichier de l\'appel à projets (CSV, XLSX, ODS ou JSONL).');
      $('queue-file').focus();
      return;
    }
    const form = new FormData();
    form.append('file', file, file.name);
    const button = $('queue-submit');
    $('queue-upload-status').textContent = 'Lecture du fichier et analyse des demandes… Cela peut prendre une minute pour un grand fichier.';
    setBusy(button, true, 'Analyse en cours…');
    try {
      const created = await api(projectPath('queues'), {method: 'POST', form});
      $('queue-upload-status').textContent = '';
      $('queue-file').value = '';
      state.undoStack = [];
      state.drafts.clear();
      await loadQueue(created.queue_id, 1, created);
    } catch (err) {
      $('queue-upload-status').textContent = '';
      showError(err.message);
    } finally {
      setBusy(button, false);
    }
  });

  async function loadQueue(queueId, position = 1, created = null) {
    const queue = await api(projectPath(`queues/${encodeURIComponent(queueId)}`));
    state.queue = queue;
    const notes = [...(queue.notes || [])];
    if (created) {
      for (const note of created.notes || []) if (!notes.includes(note)) notes.push(note);
      if (created.errors) notes.push(`${plural(created.errors, 'ligne illisible', 'lignes illisibles')} : elles sont placées à la fin.`);
    }
    const notesBox = $('queue-notes');
    $('queue-notes-list').replaceChildren(...notes.map((n) => el('p', {}, n)));
    $('queue-notes-summary').textContent = `Lecture du fichier : ${plural(notes.length, 'remarque', 'remarques')}`;
    notesBox.hidden = !notes.length;
    $('queue-name').textContent = queue.name || 'appel à projets';
    $('export-csv').href = queuePath('/export?format=csv');
    $('export-xlsx').href = queuePath('/export?format=xlsx');
    $('queue-upload').hidden = true;
    $('queue-work').hidden = false;
    $('mode-queue').href = `#file=${encodeURIComponent(queue.queue_id)}`;
    const items = queue.items || [];
    let index = items.findIndex((item) => item.position === position);
    if (index < 0) index = Math.max(0, Math.min(position - 1, items.length - 1));
    if (created) {
      const firstOpen = items.findIndex((item) => item.status === 'à revoir');
      if (firstOpen >= 0) index = firstOpen;
    }
    showItem(index);
  }

  function reviewedCount() {
    return (state.queue.items || []).filter((item) => item.status === 'revu').length;
  }

  function renderProgress() {
    const queue = state.queue;
    const items = queue.items || [];
    const total = queue.total || items.length;
    const reviewed = reviewedCount();
    const errors = items.filter((item) => item.status === 'erreur').length;
    $('queue-progress').max = Math.max(total - errors, 1);
    $('queue-progress').value = reviewed;
    $('queue-progress-text').textContent = `${reviewed} / ${total} revues${errors ? ` (${plural(errors, 'illisible', 'illisibles')})` : ''}`;
    const open = items.filter((item) => item.status === 'à revoir').length;
    const done = $('queue-done');
    if (items.length && open === 0) {
      done.replaceChildren(
        el('strong', {}, 'Toutes les demandes sont revues. '),
        'Téléchargez le fichier revu : ',
        el('a', {href: queuePath('/export?format=csv'), download: true}, 'CSV'), ' ou ',
        el('a', {href: queuePath('/export?format=xlsx'), download: true}, 'Excel (XLSX)'), '.');
      done.hidden = false;
    } else {
      done.hidden = true;
    }
  }

  function reviewForItem(item) {
    const queue = state.queue;
    const suggestions = item.suggestions || [];
    const common = {
      suggestions, fields: item.fields || {}, decision: item.decision || null, hint: item.objective_hint || null,
      warnings: item.warnings || [], modelVersion: item.model_version || queue.model_version || '', item,
    };
    if (item.status === 'revu') {
      const finals = item.final_codes || [];
      const suggestedIds = new Set(suggestions.map((s) => s.id));
      // final_codes may hold ids or printed codes: match either.
      const ticked = suggestions.filter((s) => finals.includes(s.id) || finals.includes(s.code)).map((s) => s.id);
      const added = finals
        .filter((c) => !suggestions.some((s) => s.id === c || s.code === c))
        .map((c) => state.leafById.get(c) || state.leaves.find((l) => l.code === c) || {id: c, code: c, label: ''})
        .filter((leaf) => !suggestedIds.has(leaf.id));
      return newReview({...common, readonly: true, ticked: [...ticked, ...added.map((l) => l.id)], added,
        comment: item.comment || ''});
    }
    if (item.status === 'erreur') return newReview({...common, readonly: true, ticked: []});
    const draft = state.drafts.get(item.item_id);
    if (draft) return newReview({...common, ticked: draft.ticked, added: draft.added, comment: draft.comment});
    return newReview(common);
  }

  function showItem(index, {focus = true} = {}) {
    const items = state.queue.items || [];
    if (!items.length) {
      $('item-position').textContent = 'Aucune demande dans ce fichier.';
      state.review = null;
      renderReview();
      return;
    }
    state.queueIndex = Math.max(0, Math.min(index, items.length - 1));
    const item = items[state.queueIndex];
    state.review = reviewForItem(item);
    $('item-position').textContent = `Demande ${state.queueIndex + 1} sur ${items.length}`;
    const badge = $('item-status');
    badge.textContent = item.status;
    badge.className = `badge status-${{'à revoir': 'open', revu: 'done', erreur: 'error'}[item.status] || 'open'}`;
    $('item-row').textContent = item.row_id ? `· réf. ${item.row_id}` : '';
    const error = $('item-error');
    error.textContent = item.error ? `Ligne illisible : ${item.error}` : '';
    error.hidden = !item.error;
    $('item-prev').disabled = state.queueIndex === 0;
    $('item-next').disabled = state.queueIndex === items.length - 1;
    if (item.status === 'revu') {
      $('readonly-note').textContent = 'Demande déjà revue. Pour changer la décision, rouvrez-la (touche u).';
    } else if (item.status === 'erreur') {
      $('readonly-note').textContent = 'Cette ligne n\'a pas pu être lue : passez à la suivante (touche →).';
    }
    placePanel();
    renderReview();
    renderProgress();
    setStatus($('status').dataset.keep ? $('status').textContent : '', $('status').dataset.kind || 'ok');
    delete $('status').dataset.keep;
    const hash = `#file=${encodeURIComponent(state.queue.queue_id)}&n=${item.position}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    $('mode-queue').href = hash;
    $('queue-doc').scrollTop = 0;
    if (focus) {
      // A reviewed or unreadable item has nothing to tick: keep the keys on the page, not on a button.
      if (!focusCursor()) $('main').focus();
    }
  }

  /** Keep the confirmation of the last action visible on the next item. */
  function announce(message, kind = 'ok') {
    setStatus(message, kind);
    $('status').dataset.keep = '1';
    $('status').dataset.kind = kind;
  }

  function goTo(step) {
    if (!state.queue) return;
    const items = state.queue.items || [];
    const target = state.queueIndex + step;
    if (target < 0 || target >= items.length) {
      setStatus(target < 0 ? 'C\'est la première demande.' : 'C\'est la dernière demande.', 'info');
      return;
    }
    showItem(target);
  }

  function nextOpenIndex(from) {
    const items = state.queue.items || [];
    for (let k = 1; k <= items.length; k += 1) {
      const index = (from + k) % items.length;
      if (items[index].status === 'à revoir') return index;
    }
    return -1;
  }

  async function acceptItem() {
    if (!state.queue || state.busy) return;
    const review = state.review;
    const item = review && review.item;
    if (!item) return;
    if (item.status !== 'à revoir') {
      // Nothing to decide here (already reviewed or unreadable): move on.
      const next = nextOpenIndex(state.queueIndex);
      if (next >= 0) showItem(next);
      else setStatus('Toutes les demandes sont revues.', 'info');
      return;
    }
    clearError();
    const button = $('submit');
    setBusy(button, true, 'Enregistrement…');
    let saved;
    try {
      saved = await api(projectPath('feedback'), {
        method: 'POST',
        json: feedbackBody(review, {queue_id: state.queue.queue_id, item_id: item.item_id, document_id: item.row_id ? String(item.row_id) : null}),
      });
    } catch (err) {
      setBusy(button, false);
      renderActions();
      showError(err.message);
      return;
    }
    setBusy(button, false);
    item.status = 'revu';
    item.final_codes = saved.final_codes || finalCodes(review);
    item.feedback_id = saved.id;
    item.comment = (review.comment || '').trim() || null;
    state.drafts.delete(item.item_id);
    state.undoStack.push(item.item_id);
    const label = item.row_id ? `Réf. ${item.row_id}` : `Demande ${state.queueIndex + 1}`;
    const message = `${label} — ${savedMessage(saved)}`;
    const next = nextOpenIndex(state.queueIndex);
    announce(message, 'ok');
    if (next >= 0) showItem(next);
    else showItem(state.queueIndex);
  }

  async function undoDecision() {
    if (!state.queue || state.busy) return;
    const items = state.queue.items || [];
    let item = items[state.queueIndex];
    if (!item || item.status !== 'revu') {
      let itemId;
      while (state.undoStack.length) {
        itemId = state.undoStack.pop();
        const candidate = items.find((i) => i.item_id === itemId);
        if (candidate && candidate.status === 'revu') { item = candidate; break; }
        item = null;
      }
      if (!item || item.status !== 'revu') {
        setStatus('Aucune décision à annuler.', 'info');
        return;
      }
    } else {
      state.undoStack = state.undoStack.filter((id) => id !== item.item_id);
    }
    clearError();
    state.busy = true;
    try {
      const reopened = await api(queuePath(`/items/${item.item_id}/reopen`), {method: 'POST'});
      const previous = reviewForItem(item);
      if (reopened && typeof reopened === 'object' && reopened.item_id === item.item_id) Object.assign(item, reopened);
      item.status = 'à revoir';
      item.final_codes = null;
      item.feedback_id = null;
      // Start again from the withdrawn decision, so that a slip is one key away from being fixed.
      state.drafts.set(item.item_id, {
        ticked: [...previous.ticked], added: [...previous.added], comment: previous.comment,
      });
      const index = items.indexOf(item);
      announce(`Décision annulée : la demande ${index + 1} est de nouveau à revoir.`, 'info');
      state.busy = false;
      showItem(index);
    } catch (err) {
      state.busy = false;
      showError(err.message);
    }
  }

  $('reopen').addEventListener('click', () => undoDecision());
  $('item-prev').addEventListener('click', () => goTo(-1));
  $('item-next').addEventListener('click', () => goTo(1));
  $('queue-change').addEventListener('click', () => {
    $('queue-work').hidden = true;
    $('queue-upload').hidden = false;
    $('queue-file').focus();
  });

  // ---------------------------------------------------------------- modes and routing

  function placePanel() {
    const slot = state.mode === 'queue' ? $('queue-slot') : $('single-slot');
    if ($('review').parentElement !== slot) slot.append($('review'));
  }

  const SHORTCUTS = {
    single: [['/', 'ajouter un code'], ['↑ ↓', 'parcourir les codes'], ['Espace', 'cocher'], ['x', 'rejeter'],
      ['c', 'commentaire'], ['Ctrl+Entrée', 'enregistrer'], ['?', 'aide']],
    queue: [['↑ ↓', 'codes'], ['Espace', 'cocher'], ['x', 'rejeter'], ['Entrée', 'accepter'],
      ['← →', 'précédente / suivante'], ['u', 'annuler'], ['/', 'ajouter'], ['c', 'commentaire'], ['?', 'aide']],
  };

  function renderShortcuts() {
    $('shortcut-list').replaceChildren(...SHORTCUTS[state.mode].map(([keys, what]) =>
      el('li', {}, ...keys.split(' ').flatMap((k, i) => (i ? [' ', el('kbd', {}, k)] : [el('kbd', {}, k)])), ` ${what}`)));
  }

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

  // ---------------------------------------------------------------- global keyboard

  function isTextField(node) {
    if (!node || !node.tagName) return false;
    if (node.isContentEditable) return true;
    const tag = node.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    if (tag !== 'INPUT') return false;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(node.type);
  }

  function isActivatable(node) {
    if (!node || !node.tagName) return false;
    return ['BUTTON', 'A', 'SUMMARY'].includes(node.tagName) || (node.tagName === 'INPUT' && ['button', 'submit', 'reset', 'file'].includes(node.type));
  }

  function openHelp() {
    const dialog = $('help-dialog');
    if (!dialog.open) dialog.showModal();
  }

  $('help-button').addEventListener('click', openHelp);

  function saveNow() {
    if (state.mode === 'queue') acceptItem();
    else submitSingle();
  }

  document.addEventListener('keydown', (event) => {
    if ($('help-dialog').open || event.defaultPrevented || event.isComposing) return;
    const target = event.target;
    const key = event.key;
    const hasReview = Boolean(state.review) && !$('review').hidden;
    // Working with the keys: the code under a resting mouse pointer no longer decides the highlights.
    if (hasReview && state.review.hover >= 0 && !['Shift', 'Control', 'Alt', 'Meta'].includes(key)) {
      state.review.hover = -1;
      refreshDocument();
    }

    if (isTextField(target)) {
      if (key === 'Escape') {
        event.preventDefault();
        target.blur();
        if (hasReview) focusCursor();
      } else if (key === 'Enter' && (event.ctrlKey || event.metaKey) && hasReview && target.closest('#review')) {
        event.preventDefault();
        target.blur();
        saveNow();
      }
      return;
    }
    if (event.altKey || event.metaKey) return;
    if (event.ctrlKey) {
      if ((key === 'z' || key === 'Z') && state.mode === 'queue' && state.queue) {
        event.preventDefault();
        undoDecision();
      } else if (key === 'Enter' && hasReview) {
        event.preventDefault();
        saveNow();
      }
      return;
    }
    const inQueue = state.mode === 'queue' && state.queue && !$('queue-work').hidden;
    switch (key) {
      case '?':
        event.preventDefault();
        openHelp();
        return;
      case '/':
        if (!hasReview || state.review.readonly) return;
        event.preventDefault();
        $('picker-input').focus();
        return;
      case 'c':
        if (!hasReview || state.review.readonly) return;
        event.preventDefault();
        $('comment').focus();
        return;
      case 'ArrowDown':
      case 'j':
        if (!hasReview) return;
        event.preventDefault();
        moveCursor(1);
        return;
      case 'ArrowUp':
      case 'k':
        if (!hasReview) return;
        event.preventDefault();
        moveCursor(-1);
        return;
      case ' ':
        if (!hasReview || isActivatable(target) || (target.type === 'checkbox')) return; // native toggle
        event.preventDefault();
        setCursorTicked(null);
        return;
      case 'x':
      case 'X':
        if (!hasReview) return;
        event.preventDefault();
        setCursorTicked(false);
        return;
      case 'Enter':
        if (!inQueue || isActivatable(target)) return;
        event.preventDefault();
        acceptItem();
        return;
      case 'ArrowRight':
      case 'n':
        if (!inQueue) return;
        event.preventDefault();
        goTo(1);
        return;
      case 'ArrowLeft':
      case 'p':
        if (!inQueue) return;
        event.preventDefault();
        goTo(-1);
        return;
      case 'u':
        if (!inQueue) return;
        event.preventDefault();
        undoDecision();
        return;
      default:
    }
  });

  // ---------------------------------------------------------------- start

  const REVIEWER_KEY = 'cvclassify.reviewer';
  try { $('reviewer').value = localStorage.getItem(REVIEWER_KEY) || ''; } catch (err) { /* private mode */ }
  $('reviewer').addEventListener('change', () => {
    try { localStorage.setItem(REVIEWER_KEY, $('reviewer').value.trim()); } catch (err) { /* private mode */ }
  });
  $('alert-close').addEventListener('click', clearError);

  async function start() {
    setMode(location.hash.startsWith('#file') ? 'queue' : 'single');
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
    await route();
    document.body.dataset.ready = 'true';
  }

  start();
})();
