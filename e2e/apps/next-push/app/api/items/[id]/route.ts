// A Node.js route handler: its calls go to the runtime instrumentation.ts started.
import { flush } from "autometrics-runtime";
import { after } from "next/server";
import { findItem } from "../../../../lib/items";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Once the response is sent (this call included), push what is recorded.
  after(flush);
  try {
    return Response.json(await findItem(Number(id)));
  } catch {
    return Response.json({ error: `no item ${id}` }, { status: 404 });
  }
}
