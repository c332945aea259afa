export async function findUser(id) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (id % 10 === 0) throw new Error(`user ${id} not found`);
  return { id, name: formatName(id) };
}

export function formatName(id) {
  return `user-${id}`;
}
