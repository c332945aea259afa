"use autometrics";

export const dynamic = "force-dynamic";

async function greeting() {
  return "autometrics on Next.js";
}

export default async function Page() {
  return <p>{await greeting()}</p>;
}
