// A Bun.serve app run as it is (bunfig.toml's preload instruments it) or
// bundled by build.ts; it serves its own metrics at /metrics.
import { init, metricsResponse } from "autometrics-runtime";
import { greet } from "./greeting.js";
import { getUser } from "./users.ts";

init({ serviceName: "bun-service", detectBuildInfo: false });

async function handleRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/metrics") return metricsResponse();
  const id = Number(/^\/users\/(\d+)$/.exec(url.pathname)?.[1]);
  if (Number.isNaN(id)) return new Response("not found", { status: 404 });
  try {
    const user = await getUser(id);
    return Response.json({ ...user, greeting: greet(user.name) });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 404 });
  }
}

const server = Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT), fetch: handleRequest });
console.log(`listening on ${server.port}`);
