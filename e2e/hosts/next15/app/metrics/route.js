import { metricsResponse } from "autometrics-runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  return metricsResponse();
}
