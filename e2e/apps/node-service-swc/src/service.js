"use autometrics";

const repository = require("./repository");

async function getUser(id) {
  const user = await repository.findUser(id);
  return { ...user, greeting: greet(user.name) };
}

function greet(name) {
  return `hello ${name}`;
}

async function buildReport() {
  const sales = await repository.loadSales();
  return { total: sales.reduce((a, b) => a + b, 0) };
}

module.exports = { getUser, buildReport };
