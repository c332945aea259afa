/** Elements from data: text is always set as text, never parsed as HTML (labels come from whatever the app sent). */
type Child = Node | string | number | null | undefined | false | Child[];

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  const append = (c: Child): void => {
    if (Array.isArray(c)) c.forEach(append);
    else if (c !== null && c !== undefined && c !== false) element.append(typeof c === "number" ? String(c) : c);
  };
  children.forEach(append);
  return element;
}

/** Calls per second, readable at any scale. */
export function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "–";
  if (perSecond === 0) return "0/s";
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 0.1) return `${perSecond.toPrecision(3)}/s`;
  return `${(perSecond * 60).toPrecision(2)}/min`;
}

export function percent(ratio: number): string {
  if (!Number.isFinite(ratio)) return "–";
  return ratio === 0 ? "0%" : `${(ratio * 100).toPrecision(ratio < 0.001 ? 1 : 3)}%`;
}

export function seconds(s: number): string {
  if (!Number.isFinite(s)) return "–";
  return s >= 1 ? `${s.toPrecision(3)} s` : `${(s * 1000).toPrecision(3)} ms`;
}
