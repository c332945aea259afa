import { NextResponse, type NextRequest } from "next/server";

function tag(request: NextRequest): string {
  return `seen ${request.nextUrl.pathname}`;
}

export function middleware(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set("x-e2e-middleware", tag(request));
  return response;
}

export const config = { matcher: ["/api/:path*", "/counter"] };
