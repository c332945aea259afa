// Imported by a server component and by a client component: on the server it is
// measured, in the browser bundle it gets the inert runtime.
export function formatCount(count: number): string {
  return `count: ${count}`;
}
