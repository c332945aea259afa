// A fastify 5 app as its users write one: a hook, a route with a `:id`
// parameter and a response schema (fastify serialises through it).
const fastify = require("fastify");
const { lookupUser, timing } = require("./users");

const app = fastify();
app.addHook("onRequest", (req, reply, done) => timing(req, reply, done));
app.get(
  "/users/:id",
  {
    schema: {
      response: {
        200: {
          type: "object",
          properties: { id: { type: "string" }, name: { type: "string" }, roles: { type: "array", items: { type: "string" } } },
        },
      },
    },
  },
  async (req) => lookupUser(req.params.id),
);

app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
