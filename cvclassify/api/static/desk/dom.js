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

/** Lower case, without accents or ligatures, for accent-insensitive search. */
export const fold = (text) => String(text || '')
  .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
  .replace(/[’‘`]/g, "'")
  .toLowerCase();

/** "RENFORCER L'INCLUSION" -> "Renforcer l'inclusion" (the contract prints axis labels in capitals). */
export function sentenceCase(text) {
  const value = String(text || '');
  if (!value || value !== value.toUpperCase()) return value;
  const lower = value.toLowerCase();
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
