// The plugin rejects this file (its directive names an objective nobody
// defined): it runs as it is, with one warning.
export function audit(order) {
  "use autometrics objective=undefined-objective";
  return order.total >= 0;
}
