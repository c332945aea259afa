import { h, percent, rate } from "./dom";
import type { Fn } from "./model";

/**
 * The functions by module, filtered by the search box. Each function is a
 * link to its view; arrow keys move between the links, `/` goes to the search.
 */
export function renderTree(
  container: HTMLElement,
  functions: Fn[],
  search: string,
  selected: string | undefined,
  href: (fn: Fn) => string,
  /** What a function with no series says: "not called yet", or that it did not run where the filter looks. */
  uncalled = "not called yet",
): void {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (fn: Fn) => words.every((w) => `${fn.module} ${fn.function}`.toLowerCase().includes(w));
  const modules = new Map<string, Fn[]>();
  for (const fn of functions) {
    if (!matches(fn)) continue;
    const list = modules.get(fn.module) ?? [];
    list.push(fn);
    modules.set(fn.module, list);
  }
  const groups = [...modules].sort(([a], [b]) => a.localeCompare(b));
  const fragment = document.createDocumentFragment();
  for (const [module, fns] of groups) {
    fns.sort(
      (a, b) =>
        (a.listed?.line ?? Number.MAX_SAFE_INTEGER) - (b.listed?.line ?? Number.MAX_SAFE_INTEGER) || a.function.localeCompare(b.function),
    );
    const items = fns.map((fn) => {
      const state = fn.rate === undefined ? "never" : fn.listed === undefined ? "unlisted" : "seen";
      const note =
        state === "never"
          ? h("span", { class: "note" }, uncalled)
          : h(
              "span",
              { class: "note" },
              rate(fn.rate ?? 0),
              fn.errors ? h("span", { class: "errors" }, ` ✕ ${percent((fn.errors ?? 0) / (fn.rate || 1))}`) : null,
              state === "unlisted" ? h("span", { class: "unlisted" }, " not in the code") : null,
            );
      return h(
        "li",
        {},
        h(
          "a",
          {
            href: href(fn),
            class: `fn ${state}`,
            "data-function": fn.function,
            "data-module": fn.module,
            "data-rate": fn.rate,
            "aria-current": fn.key === selected ? "page" : undefined,
          },
          h("span", { class: "name" }, fn.function),
          note,
        ),
      );
    });
    fragment.append(
      h(
        "details",
        { open: true, "data-module": module },
        h("summary", {}, module || "(no module)", h("span", { class: "note" }, ` ${fns.length}`)),
        h("ul", {}, ...items),
      ),
    );
  }
  if (groups.length === 0) fragment.append(h("p", { class: "empty" }, search ? `No function matches “${search}”.` : "No functions."));
  container.replaceChildren(fragment);
}

/** Arrow keys move between the visible function links; `/` focuses the search box from anywhere but a text field. */
export function treeKeys(tree: HTMLElement, search: HTMLInputElement): void {
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    if (event.key === "/" && !(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (target !== search && !tree.contains(target)) return;
    const links = [...tree.querySelectorAll<HTMLAnchorElement>("details[open] a.fn")];
    if (links.length === 0) return;
    event.preventDefault();
    const at = links.indexOf(target as HTMLAnchorElement);
    const next = event.key === "ArrowDown" ? (at < 0 ? 0 : Math.min(at + 1, links.length - 1)) : Math.max(at - 1, 0);
    if (target === search && event.key === "ArrowUp") return;
    links[next]!.focus();
  });
}
