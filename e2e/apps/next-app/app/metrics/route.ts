import { metricsResponse } from "autometrics-runtime";
import { connection } from "next/server";

export async function GET() {
  // At request time, not a snapshot taken at build time (under cacheComponents, `dynamic` is not allowed).
  await connection();
  return metricsResponse();
}
