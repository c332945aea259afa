const repository = require("./repository");

async function getUser(id) {
  "use autometrics objective=api";
  const user = await repository.findUser(id);
  return { ...user, greeting: greet(user.name) };
}

function greet(name) {
  return `hello ${name}`;
}

async function buildReport() {
  "use autometrics objective=reports latency=0.25@90";
  const sales = await repository.loadSales();
  return { total: sales.reduce((a, b) => a + b, 0) };
}

module.exports = { getUser, buildReport };
