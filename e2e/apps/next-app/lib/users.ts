export interface User {
  id: number;
  name: string;
}

export async function findUser(id: number): Promise<User> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (id % 10 === 0) throw new Error(`user ${id} not found`);
  return { id, name: formatName(id) };
}

export function formatName(id: number): string {
  return `user-${id}`;
}
