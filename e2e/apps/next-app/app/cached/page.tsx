import { cachedCount, cachedGreeting } from "../../lib/cached";

export default async function CachedPage() {
  return (
    <p>
      {await cachedGreeting()} {await cachedCount()}
    </p>
  );
}
