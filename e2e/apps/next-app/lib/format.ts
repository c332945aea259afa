// Imported by a server component and by a client component: on the server it is
// measured, in the browser bundle it gets the browser runtime (which records, and pushes once the page calls init()).
export function formatCount(count: number): string {
  return `count: ${count}`;
}
