// The app's own code, the same for both servers.
const USERS = new Map([["42", { id: "42", name: "Ada", roles: ["admin", "dev"] }]]);

function lookupUser(id) {
  return USERS.get(id) ?? { id, name: "unknown", roles: [] };
}

function timing(req, _res, next) {
  req.receivedAt = Date.now();
  next();
}

module.exports = { lookupUser, timing };
