import { connection } from "next/server";
import { cachedCount, cachedGreeting } from "../../lib/cached";

// At request time, so the cached functions run in the server (their first call misses the cache).
export const instant = false;

export default async function CachedPage() {
  await connection();
  return (
    <p>
      {await cachedGreeting()} {await cachedCount()}
    </p>
  );
}
