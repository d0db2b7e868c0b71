// Review desk — the projects: the list the service serves (it may grow while the desk is open), the project
// picker of the top bar, and the tree of the project in use (its codes for the picker, its levels and parents).
// Trees have any depth and codes any form: « 1.4.1 » in a numbered contract, « emploi » in a one-level one.

import {DeskError, api, projectPath} from './api.js';
import {$, accentMap, el, setAccents} from './dom.js';
import {buildIndex} from './search.js';
import {state} from './state.js';

const sameList = (a, b) => a.length === b.length
  && a.every((p, i) => p.name === b[i].name && p.title === b[i].title && p.model_version === b[i].model_version);

/** Fetch the served projects (default first, in the API's order) and list them in the picker. */
export async function loadProjects() {
  const projects = await api('v1/projects');
  const list = Array.isArray(projects) ? projects.filter((p) => p && p.name) : [];
  if (!list.length) throw new DeskError('Aucun projet n\'est servi : le service n\'a pas de modèle.');
  const changed = !sameList(list, state.projects);
  state.projects = list;
  if (state.project) {
    // The project in use may have a new model since: its line says so.
    const current = list.find((p) => p.name === state.project.name);
    if (current) { state.project = current; renderProjectInfo(); }
  }
  if (changed) renderProjectPicker();
  return list;
}

/** The options of the picker; what it shows (the project in use, or the one just chosen) is kept. */
function renderProjectPicker() {
  const select = $('project-picker');
  const shown = select.value || (state.project && state.project.name) || '';
  const list = [...state.projects];
  // A project no longer listed stays while it is in use, so that the picker never lies about it.
  if (state.project && !list.some((p) => p.name === state.project.name)) list.push(state.project);
  select.replaceChildren(...list.map((p) => el('option', {value: p.name}, p.title || p.name)));
  if (list.some((p) => p.name === shown)) select.value = shown;
}

/** The project the desk starts with when the address names none: the default one. */
export function defaultProject() {
  return state.projects.find((p) => p.default) || state.projects[0] || null;
}

/** The listed project of that name; the list is fetched again first if it lacks it (a new project). */
export async function findProject(name) {
  let project = state.projects.find((p) => p.name === name);
  if (!project && name) {
    await loadProjects();
    project = state.projects.find((p) => p.name === name);
  }
  return project || null;
}

function flatten(nodes, into) {
  for (const node of nodes || []) {
    if (node && node.code && !into.has(node.code)) into.set(node.code, node);
    if (node && node.children) flatten(node.children, into);
  }
  return into;
}

/** Every node of the tree by id (a code printed twice, « 1.5.3 », has two ids). */
function byId(nodes, into = new Map()) {
  for (const node of nodes || []) {
    if (node && node.id) into.set(node.id, node);
    if (node && node.children) byId(node.children, into);
  }
  return into;
}

/** The nodes above a code, from the top of the tree down: [{id, code, label, level}]. */
function ancestorsOf(id, nodeById) {
  const chain = [];
  const seen = new Set([id]);
  let node = nodeById.get(id);
  while (node && node.parent && !seen.has(node.parent)) {
    seen.add(node.parent);
    node = nodeById.get(node.parent);
    if (node) chain.unshift({id: node.id, code: node.code, label: node.label || '', level: node.level || ''});
  }
  return chain;
}

/**
 * The tree of a project (fetched once per model version): its codes for the picker, with what the code search
 * looks in (label, lexicon, description, the labels of all their parents), and its nodes by code.
 */
async function loadTree(project) {
  const cached = state.trees.get(project.name);
  if (cached && cached.version === (project.model_version || '')) return cached;
  const body = await api(projectPath('objectives', project.name));
  const nodeByCode = flatten(body.tree, new Map());
  const nodeById = byId(body.tree);
  const leaves = (body.leaves || []).map((leaf) => {
    const objective = leaf.objective || {code: '', label: ''};
    const axis = leaf.axis || {code: '', label: ''};
    const node = nodeById.get(leaf.id) || {};
    let ancestors = ancestorsOf(leaf.id, nodeById);
    if (!ancestors.length) ancestors = parentsOf({code: leaf.code, objective, axis}, nodeByCode);
    return {
      ...leaf, objective, axis, ancestors,
      lexicon: Array.isArray(leaf.lexicon) ? leaf.lexicon : (node.lexicon || []),
      description: typeof leaf.description === 'string' ? leaf.description : (node.description || ''),
    };
  });
  const tree = {
    version: project.model_version || '', leaves, leafById: new Map(leaves.map((l) => [l.id, l])), nodeByCode,
    searchIndex: buildIndex(leaves),
    accents: accentMap([...nodeById.values(), ...leaves].flatMap((n) => [n.label, n.description, ...(n.lexicon || [])])),
  };
  state.trees.set(project.name, tree);
  return tree;
}

/** Put a listed project in use: its tree, its line in the top bar, the examples of the code search. */
export async function useProject(project) {
  const tree = await loadTree(project);
  state.project = project;
  state.leaves = tree.leaves;
  state.leafById = tree.leafById;
  state.nodeByCode = tree.nodeByCode;
  state.searchIndex = tree.searchIndex;
  setAccents(tree.accents);
  renderProjectInfo();
  $('project-picker').value = project.name;
  $('picker-input').placeholder = pickerExample(tree.leaves);
  $('queue-project').textContent = project.title || project.name;
}

export function renderProjectInfo() {
  const project = state.project;
  if (!project) return;
  // what fits beside the title first (the number of codes), the model version after it; all of it in the tooltip
  const parts = [];
  if (typeof project.leaf_codes === 'number') parts.push(`${project.leaf_codes} codes`);
  if (project.model_version) parts.push(`modèle ${project.model_version}`);
  $('project-info').textContent = parts.join(' · ');
  $('project-info').title = `${project.title || project.name} (${project.name}) — ${parts.join(' · ')}`;
}

/** « Code, libellé ou mot-clé : 4.6, 2.9.1, veille éducative… »: examples from the project's own codes. */
function pickerExample(leaves) {
  if (!leaves.length) return 'Code, libellé ou mot-clé';
  const shortest = leaves.reduce((a, b) => (b.code.length < a.code.length ? b : a));
  const middle = leaves[Math.floor(leaves.length / 2)];
  const term = (middle.lexicon || []).find((t) => t.length <= 24);
  const examples = [...new Set([shortest.code, middle.code, term].filter(Boolean))];
  return `Code, libellé ou mot-clé : ${examples.join(', ')}…`;
}

/**
 * The parents worth printing for a code, from the top of the tree down: its axis and its objective, without
 * one that repeats the code itself (a one-level tree: each code is its own objective and axis) or the other.
 * Each comes with its level in the tree (« axis », « operational », « thématique »…), '' if not found.
 */
export function parentsOf(code, nodeByCode = state.nodeByCode) {
  const parents = [];
  const seen = new Set([code.code]);
  for (const parent of [code.axis, code.objective]) {
    if (!parent || !parent.code || seen.has(parent.code)) continue;
    seen.add(parent.code);
    const node = nodeByCode.get(parent.code);
    parents.push({code: parent.code, label: parent.label || (node ? node.label : ''), level: node ? node.level : ''});
  }
  return parents;
}

// The service picks up new projects without a restart: the list is fetched again when the picker is
// about to be used and when the officer comes back to the page.
$('project-picker').addEventListener('focus', () => { loadProjects().catch(() => {}); });
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.projects.length) loadProjects().catch(() => {});
});
