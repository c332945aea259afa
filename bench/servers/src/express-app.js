// An express 5 app as its users write one: a JSON body parser, one
// middleware, a router with a `:id` route answering JSON.
const express = require("express");
const { lookupUser, timing } = require("./users");

const app = express();
app.use(express.json());
app.use(timing);
const users = express.Router();
users.get("/:id", (req, res) => res.json(lookupUser(req.params.id)));
app.use("/users", users);

const server = app.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
