import { findUser } from "../../../../lib/users";

export async function GET(_request, { params }) {
  const { id } = await params;
  try {
    return Response.json(await findUser(Number(id)));
  } catch (error) {
    return Response.json({ error: error.message }, { status: 404 });
  }
}
