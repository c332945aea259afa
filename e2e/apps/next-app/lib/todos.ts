const todos: string[] = [];

export async function addTodo(title: string): Promise<void> {
  if (!title) throw new Error("a todo needs a title");
  todos.push(title);
}

export async function listTodos(): Promise<readonly string[]> {
  return todos;
}
