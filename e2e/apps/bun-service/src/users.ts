// A CommonJS module, required (Bun has `require` in ES modules): instrumented as Bun's require loads it.
const { shout } = require("./shout.cjs") as { shout(text: string): string };

export interface User {
  id: number;
  name: string;
}

const USERS: Record<number, string> = { 1: "ada", 2: "grace" };

async function findUser(id: number): Promise<User> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const name = USERS[id];
  if (name === undefined) throw new Error(`no user ${id}`);
  return { id, name };
}

export async function getUser(id: number): Promise<User> {
  const user = await findUser(id);
  return { ...user, name: shout(user.name) };
}
