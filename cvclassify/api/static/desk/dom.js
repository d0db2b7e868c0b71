// Review desk — DOM and formatting helpers, and the alert and status lines. Depends on nothing.

export const $ = (id) => document.getElementById(id);

/** Create an element: el('p', {class: 'x', title: 'y'}, 'text', child). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
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
export const frNumber = (value, digits = 2) => Number(value).toFixed(digits).replace('.', ',');

/**
 * A model's probability in French per cent: 0.87 -> "87 %" (no-break space). A model is never certain:
 * above 99 % it reads "> 99 %", below 1 % "< 1 %".
 */
export function frPercent(value) {
  const percent = Math.round(Number(value) * 100);
  if (!Number.isFinite(percent)) return '';
  if (percent > 99) return '>\u00a099\u00a0%';
  if (percent < 1) return '<\u00a01\u00a0%';
  return `${percent}\u00a0%`;
}

/** The descriptions of explained numbers (hidden; one per distinct text) and the one visible tooltip. */
const tipTexts = new Map();
let tipLayer = null;
let tipOwner = null;
let tipTimer = 0;

function tipDescription(tip) {
  let id = tipTexts.get(tip);
  if (!id) {
    let box = document.getElementById('tip-texts');
    if (!box) {
      box = el('div', {id: 'tip-texts', hidden: true});
      document.body.append(box);
    }
    id = `tip-text-${tipTexts.size + 1}`;
    box.append(el('span', {id}, tip));
    tipTexts.set(tip, id);
  }
  return id;
}

/**
 * A number explained on hover and on keyboard focus: a focusable span described by its explanation, shown
 * in the tooltip `#tooltip` under it (outside the number's own text, so that the number reads alone).
 */
export function tipped(text, tip, attrs = {}) {
  return el('span', {...attrs, class: `tip ${attrs.class || ''}`.trim(), tabindex: '0',
    'aria-describedby': tipDescription(tip), 'data-tip': tip}, text);
}

function showTip(owner) {
  clearTimeout(tipTimer);
  if (!tipLayer) {
    tipLayer = el('div', {id: 'tooltip', class: 'tooltip', 'aria-hidden': 'true', hidden: true});
    tipLayer.addEventListener('mouseenter', () => clearTimeout(tipTimer));
    tipLayer.addEventListener('mouseleave', () => hideTip());
    document.body.append(tipLayer);
  }
  tipOwner = owner;
  tipLayer.textContent = owner.dataset.tip;
  tipLayer.hidden = false;
  const place = owner.getBoundingClientRect();
  const width = tipLayer.offsetWidth;
  const left = Math.max(8, Math.min(place.right - width, window.innerWidth - width - 8));
  const below = place.bottom + 6 + tipLayer.offsetHeight <= window.innerHeight;
  tipLayer.style.left = `${left}px`;
  tipLayer.style.top = `${below ? place.bottom + 6 : Math.max(8, place.top - 6 - tipLayer.offsetHeight)}px`;
}

function hideTip(later = false) {
  clearTimeout(tipTimer);
  if (later) { tipTimer = setTimeout(() => hideTip(), 200); return; }
  if (tipLayer) tipLayer.hidden = true;
  tipOwner = null;
}

document.addEventListener('mouseover', (event) => {
  const owner = event.target.closest && event.target.closest('.tip[data-tip]');
  if (owner && owner !== tipOwner) showTip(owner);
  else if (owner) clearTimeout(tipTimer);
});
document.addEventListener('mouseout', (event) => {
  const owner = event.target.closest && event.target.closest('.tip[data-tip]');
  if (owner && !owner.contains(event.relatedTarget) && document.activeElement !== owner) hideTip(true);
});
document.addEventListener('focusin', (event) => {
  const owner = event.target.closest && event.target.closest('.tip[data-tip]');
  if (owner) showTip(owner);
  else if (tipOwner) hideTip();
});
document.addEventListener('focusout', (event) => {
  if (tipOwner && event.target === tipOwner) hideTip();
});
document.addEventListener('keydown', (event) => {  // Échap hides the tooltip first
  if (event.key === 'Escape' && tipLayer && !tipLayer.hidden) {
    hideTip();
    event.stopPropagation();
    event.preventDefault();
  }
}, true);
window.addEventListener('scroll', () => { if (tipOwner && !tipLayer.hidden) showTip(tipOwner); }, true);

/** Lower case, without accents or ligatures, for accent-insensitive search. */
export const fold = (text) => String(text || '')
  .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
  .replace(/[’‘`]/g, "'")
  .toLowerCase();

let accentOf = new Map();

/**
 * The words of a tree written with accents in its lower-case texts, by their form without accents: capitals
 * printed without accents (« DEVELOPPER ») get them back. The spelling written most often wins, and only if it
 * is written at least twice as often as the form without accents (« marche » and « marché » are both words; a
 * slip in a lexicon is not); words of fewer than four letters (« a », « ou », « des ») are left as they are.
 */
export function accentMap(texts) {
  const counts = new Map();  // bare form -> Map(spelling -> count)
  for (const text of texts) {
    const value = String(text || '');
    if (!value || value === value.toUpperCase()) continue;
    for (const word of value.toLowerCase().match(/\p{L}+/gu) || []) {
      if (word.length < 4) continue;
      const bare = fold(word);
      if (!counts.has(bare)) counts.set(bare, new Map());
      const spellings = counts.get(bare);
      spellings.set(word, (spellings.get(word) || 0) + 1);
    }
  }
  const map = new Map();
  for (const [bare, spellings] of counts) {
    const plain = spellings.get(bare) || 0;
    const [best, count] = [...spellings].filter(([w]) => w !== bare).sort((x, y) => y[1] - x[1])[0] || [];
    if (best && count >= 2 * plain) map.set(bare, best);
  }
  return map;
}

/** The accents of the project in use (see accentMap). */
export function setAccents(map) { accentOf = map instanceof Map ? map : new Map(); }

/** "DEVELOPPER L'INCLUSION" -> "Développer l'inclusion" (the contract prints axis labels in capitals). */
export function sentenceCase(text) {
  const value = String(text || '');
  if (!value || value !== value.toUpperCase()) return value;
  // A lone « A » of a title in capitals is the preposition « à ».
  const lower = value.toLowerCase().replace(/\p{L}+/gu, (word) => (word === 'a' ? 'à' : accentOf.get(word) || word));
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

export const plural = (n, one, many) => `${n} ${n > 1 ? many : one}`;

const PALETTE_SIZE = 8;
export const colourOf = (index) => `c${index % PALETTE_SIZE}`;

// ---------------------------------------------------------------- alerts and status

export function showError(message) {
  $('alert-text').textContent = message;
  $('alert').hidden = false;
}

export function clearError() {
  $('alert').hidden = true;
  $('alert-text').textContent = '';
}

export function setStatus(message, kind = 'ok') {
  const status = $('status');
  status.textContent = message;
  status.className = `status status-${kind}`;
}
