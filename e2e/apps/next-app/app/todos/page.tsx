import { connection } from "next/server";
import { listTodos } from "../../lib/todos";
import { createTodo } from "./actions";

// Rendered at request time, blocking.
export const instant = false;

export default async function TodosPage() {
  await connection();
  const todos = await listTodos();
  return (
    <main>
      <ul>
        {todos.map((todo, i) => (
          <li key={i}>{todo}</li>
        ))}
      </ul>
      <form action={createTodo}>
        <input name="title" />
        <button type="submit">add</button>
      </form>
    </main>
  );
}
