// A Node.js route handler, as written without metrics in mind: the runtime that
// instrumentation.ts started pushes once each request's response is sent (through
// Next's after(), which keeps a serverless function alive for it), as it does by
// itself on Vercel, AWS Lambda, Netlify, Cloud Run and Azure Functions; here
// AUTOMETRICS_FLUSH_AFTER_REQUEST=1 asks for it under next start.
import { findItem } from "../../../../lib/items";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    return Response.json(await findItem(Number(id)));
  } catch {
    return Response.json({ error: `no item ${id}` }, { status: 404 });
  }
}
