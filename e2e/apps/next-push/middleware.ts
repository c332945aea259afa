// Middleware runs in the edge runtime: its functions record into the runtime's
// edge entry, set up once per isolate by init() below (from the same OTEL_*
// variables as the Node.js runtime), and each request hands the push to
// waitUntil, so it does not delay the response.
import { flush, init } from "autometrics-runtime";
import { type NextFetchEvent, type NextRequest, NextResponse } from "next/server";

init();

function tagRequest(request: NextRequest): string {
  return `${request.method} ${request.nextUrl.pathname}`;
}

export function middleware(request: NextRequest, event: NextFetchEvent) {
  const response = NextResponse.next();
  response.headers.set("x-tagged", tagRequest(request));
  // The push reads the counts once this task is over: this call is in it.
  event.waitUntil(flush());
  return response;
}

export const config = { matcher: "/api/:path*" };
