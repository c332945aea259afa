"use server";

import { addTodo } from "../../lib/todos";

export async function createTodo(form: FormData) {
  await addTodo(String(form.get("title") ?? ""));
}
