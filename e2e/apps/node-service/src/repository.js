"use autometrics";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every tenth user does not exist.
async function findUser(id) {
  "use autometrics objective=lookups successRate=97";
  await sleep(1);
  if (id % 10 === 0) throw new Error(`user ${id} not found`);
  return { id, name: `user-${id}` };
}

async function loadSales() {
  await sleep(300); // a slow query: above the reports objective's 250 ms
  return [3, 1, 4, 1, 5];
}

module.exports = { findUser, loadSales };
