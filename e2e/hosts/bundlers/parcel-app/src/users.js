const USERS = new Map([
  [1, "Ada"],
  [2, "Grace"],
]);

export async function getUser(id) {
  const name = await findUser(id);
  return { id, name };
}

export async function findUser(id) {
  const name = USERS.get(id);
  if (name === undefined) throw new Error(`no user ${id}`);
  return name;
}
