// A plain JavaScript implementation of diagram-state's default visual rules (TMI-UX's, from
// src/core/filter/rule.rs), the baseline of the classify suite. Same semantics: a pattern's
// segments are literals, `*` (exactly one segment) or `**` (any number, none included); a
// pattern covers the paths it matches and everything beneath them; the first rule that
// covers a path names it. Paths are split on `/` with no validation.

/** The default rules, `[id, pattern]`, in the order they are tried. */
export const DEFAULT_RULES = [
  ['tools', 'tools/**'],
  ['selection-filter', 'attrs/**/filter'],
  ['selection-stroke', 'attrs/body/stroke'],
  ['selection-stroke-width', 'attrs/body/strokeWidth'],
  ['shadow-offset-x', 'attrs/**/shadowOffsetX'],
  ['shadow-offset-y', 'attrs/**/shadowOffsetY'],
  ['shadow-blur', 'attrs/**/shadowBlur'],
  ['shadow-color', 'attrs/**/shadowColor'],
  ['port-highlight-stroke', 'ports/items/*/attrs/circle/stroke'],
  ['port-highlight-fill', 'ports/items/*/attrs/circle/fill'],
  ['port-visibility', 'ports/items/*/attrs/circle/style/visibility'],
];

const compiled = DEFAULT_RULES.map(([id, pattern]) => ({ id, pattern, tokens: pattern.split('/') }));

/** Whether `tokens[t..]` cover `segments[s..]` (the matched path or anything beneath it). */
function covers(tokens, t, segments, s) {
  if (t === tokens.length) return true;
  const token = tokens[t];
  if (token === '**') {
    for (let at = s; at <= segments.length; at += 1) if (covers(tokens, t + 1, segments, at)) return true;
    return false;
  }
  if (s === segments.length) return false;
  return (token === '*' || token === segments[s]) && covers(tokens, t + 1, segments, s + 1);
}

/** The first default rule covering `path`, or `null` when the path is semantic. */
export function classifyPath(path) {
  const segments = path.split('/');
  for (const rule of compiled) if (covers(rule.tokens, 0, segments, 0)) return rule;
  return null;
}

/** `[{ path, significance, ruleId?, pattern? }]`, the shape `state.classifyPaths` returns. */
export function classifyPaths(paths) {
  return paths.map((path) => {
    const rule = classifyPath(path);
    return rule ? { path, significance: 'visual', ruleId: rule.id, pattern: rule.pattern } : { path, significance: 'semantic' };
  });
}

/** The position of the first default rule covering `path`, or -1 when it is semantic. */
function rulePosition(path) {
  const segments = path.split('/');
  for (let i = 0; i < compiled.length; i += 1) if (covers(compiled[i].tokens, 0, segments, 0)) return i;
  return -1;
}

/**
 * One number per path, like `state.classifyPathsCompact`: 0 when semantic, i + 1 when
 * `DEFAULT_RULES[i]` made it visual.
 */
export function classifyPathsCompact(paths) {
  const codes = new Uint16Array(paths.length);
  for (let i = 0; i < paths.length; i += 1) codes[i] = rulePosition(paths[i]) + 1;
  return codes;
}

/** How many of `paths` are visual-only, like `state.countVisualPaths`. */
export function countVisualPaths(paths) {
  let visual = 0;
  for (const path of paths) if (classifyPath(path) !== null) visual += 1;
  return visual;
}
