// An edge route handler: bundled with the runtime's edge entry, which records
// here and pushes over OTLP when asked.
import { flush, init } from "autometrics-runtime";
import { after, type NextRequest } from "next/server";
import { greet } from "../../../lib/greeting";

export const runtime = "edge";

// Once per isolate, from the same OTEL_* variables as the Node.js runtime. Next runs
// each edge entry (this route, the middleware) in a context of its own: each calls init().
init();

export async function GET(request: NextRequest) {
  const text = await greet(request.nextUrl.searchParams.get("name") ?? "world");
  // Once the response is sent (this call included), push what is recorded.
  after(flush);
  return Response.json({ text });
}
