// Two cached functions in one file: each gets generated names of its own, as
// Next's "use cache" transform moves a function's body out of the file's scope.
export async function cachedGreeting() {
  "use cache";
  return "cached";
}

export async function cachedCount() {
  "use cache";
  return 2;
}
