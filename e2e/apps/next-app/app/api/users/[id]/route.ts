import { findUser } from "../../../../lib/users";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    return Response.json(await findUser(Number(id)));
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 404 });
  }
}
