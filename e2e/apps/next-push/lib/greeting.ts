// Used by the edge route (app/api/edge): bundled into edge code, where the
// runtime's edge entry records it.

export async function greet(name: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return `hello, ${capitalize(name)}`;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
