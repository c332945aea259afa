// An edge function as Vercel's edge runtime runs it: a fetch event handler,
// instrumented by hand, that pushes its calls after each response through the
// event's waitUntil. OTLP_URL is set in the isolate by the test.
import { autometrics, flush, init } from "autometrics-runtime";

init({ serviceName: "edge-shop", exporter: { type: "otlp", url: globalThis.OTLP_URL, protocol: "http/json" } });

const lookup = autometrics({ functionName: "lookup", moduleName: "lib/catalog.js" }, async function lookup(id) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (id % 5 === 4) throw new Error(`no product ${id}`);
  return { id };
});

const handle = autometrics(
  { functionName: "handle", moduleName: "middleware.js", objective: { name: "edge-api", successRate: "99" } },
  async function handle(request) {
    const id = Number(new URL(request.url).searchParams.get("id"));
    await request.text(); // lookup runs after an await: its caller is known where there is AsyncLocalStorage
    try {
      return Response.json(await lookup(id));
    } catch {
      return new Response("not found", { status: 404 });
    }
  },
);

addEventListener("fetch", (event) => {
  const response = handle(event.request);
  event.respondWith(response);
  // After the response: the push must not delay it, and the isolate may be frozen after it.
  event.waitUntil(response.then(() => flush()));
});
