"use autometrics";

import { connection } from "next/server";

// Rendered at request time, blocking (cacheComponents asks dynamic pages to say so).
export const instant = false;

async function greeting() {
  return "autometrics on Next.js";
}

export default async function Page() {
  await connection();
  return <p>{await greeting()}</p>;
}
