import { connection } from "next/server";
import { Counter } from "../../components/counter";
import { formatCount } from "../../lib/format";

// Rendered at request time, blocking.
export const instant = false;

export default async function CounterPage() {
  await connection();
  return (
    <main>
      <h1>{formatCount(3)}</h1>
      <Counter start={3} />
    </main>
  );
}
