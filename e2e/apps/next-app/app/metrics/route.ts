import { metricsRegistry } from "autometrics-runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
}
