// Review desk — the keyboard: the global shortcuts (never while typing in a field), the help dialog (?)
// and the shortcut bar.

import {$, el} from './dom.js';
import {acceptItem, goTo, undoDecision} from './queue.js';
import {focusCursor, moveCursor, moveWord, refreshDocument, setCursorTicked} from './review.js';
import {submitSingle} from './single.js';
import {openBulkDialog, toggleNth} from './triage.js';
import {state} from './state.js';

// ---------------------------------------------------------------- shortcut bar and help

const SHORTCUTS = {
  single: [['/', 'ajouter un code'], ['↑ ↓', 'parcourir les codes'], ['Espace', 'cocher'], ['x', 'rejeter'],
    ['m', 'mot suivant'], ['c', 'commentaire'], ['Ctrl+Entrée', 'enregistrer'], ['?', 'aide']],
  queue: [['↑ ↓', 'codes'], ['Espace', 'cocher'], ['x', 'rejeter'], ['Entrée', 'accepter'],
    ['1…9', 'n-ième code'], ['← →', 'précédente / suivante'], ['m', 'mot suivant'], ['u', 'annuler'], ['/', 'ajouter'], ['c', 'commentaire'], ['?', 'aide']],
  queues: [['Tab', 'parcourir la liste'], ['Entrée', 'reprendre l\'appel à projets'], ['?', 'aide']],
};

/** The shortcut bar at the foot of the page, for the active mode. */
export function renderShortcuts() {
  $('shortcut-list').replaceChildren(...SHORTCUTS[state.mode].map(([keys, what]) =>
    el('li', {}, ...keys.split(' ').flatMap((k, i) => (i ? [' ', el('kbd', {}, k)] : [el('kbd', {}, k)])), ` ${what}`)));
}

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

/** Ctrl+Entrée and the main button: accept the queue item, or save the pasted application's decision. */
export function saveNow() {
  if (state.mode === 'queue') acceptItem();
  else submitSingle();
}

document.addEventListener('keydown', (event) => {
  // No shortcut behind a dialog (help, bulk acceptance): its own buttons and Échap only.
  if (document.querySelector('dialog[open]') || event.defaultPrevented || event.isComposing) return;
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
  // 1 to 9 tick or untick the n-th suggested code. Read from the key's place, not its character: on a French
  // (AZERTY) keyboard the digits of the top row are typed with Maj (« & é " » without it).
  const digit = /^(?:Digit|Numpad)([1-9])$/.exec(event.code || '') || /^[1-9]$/.exec(key) && [key, key];
  if (digit) {
    if (!hasReview || state.review.readonly) return;
    event.preventDefault();
    toggleNth(Number(digit[1]));
    return;
  }
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
    case 'm':
    case 'M':
      // m: the next word of the selected code in the text; Maj+M: the previous one.
      if (!hasReview) return;
      event.preventDefault();
      moveWord(key === 'M' ? -1 : 1);
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
    case 'A':
      // Maj+A: accept the sure rows shown, after a confirmation.
      if (!inQueue) return;
      event.preventDefault();
      openBulkDialog();
      return;
    default:
  }
});
