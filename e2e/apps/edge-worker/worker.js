// A Cloudflare Worker instrumented by hand: GET /?i=<n> looks item n up and
// answers with it, or with 404 when the lookup throws (every third item).
// Metrics are pushed to an OpenTelemetry Collector at env.OTLP_URL after each
// request's work is done.
import { autometrics, flush, init } from "autometrics-runtime";

// Bindings (env) reach a module Worker with each request, so the runtime is
// set up on the first one, once per isolate. (init() could run at global scope
// too, with `import { env } from "cloudflare:workers"`: it does no I/O, starts
// no timer and draws no random number, which workerd allows only in a request.)
let initialized = false;
function setUp(env) {
  if (initialized) return;
  initialized = true;
  init({
    serviceName: env.SERVICE_NAME,
    exporter: { type: "otlp", url: env.OTLP_URL, protocol: "http/json" },
  });
}

const lookup = autometrics({ functionName: "lookup", moduleName: "src/worker.js" }, async function lookup(i) {
  await scheduler.wait(1); // as a database would take a moment
  if (i % 3 === 0) throw new Error(`no item ${i}`);
  return { item: i };
});

const handler = autometrics({ functionName: "handler", moduleName: "src/worker.js" }, async function handler(request) {
  const i = Number(new URL(request.url).searchParams.get("i"));
  await scheduler.wait(1); // e.g. checking the caller's access first
  try {
    return Response.json(await lookup(i));
  } catch (error) {
    return Response.json({ error: error.message }, { status: 404 });
  }
});

export default {
  async fetch(request, env, ctx) {
    setUp(env);
    const response = await handler(request);
    // Push what this request recorded once it is answered, without delaying it.
    ctx.waitUntil(flush());
    return response;
  },
};
