export const dynamic = "force-dynamic";

function greeting(name) {
  return `hello, ${name}`;
}

export default function Page() {
  return <p>{greeting("Next 15")}</p>;
}
