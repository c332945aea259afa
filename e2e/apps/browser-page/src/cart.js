"use autometrics";

// A cart in a page, every function of it instrumented by the directive above.

const PRICES = { apple: 120, pear: 95 };
const items = [];

export function price(id) {
  if (!Object.hasOwn(PRICES, id)) throw new Error(`no price for ${id}`);
  return PRICES[id];
}

export function addToCart(id) {
  "use autometrics objective=cart successRate=99 latency=0.25@99";
  try {
    items.push({ id, price: price(id) });
    return true;
  } catch {
    return false; // a product with no price is not added
  }
}

export function total() {
  return items.reduce((sum, item) => sum + item.price, 0);
}

export function wireCart(document) {
  for (const button of document.querySelectorAll("button[data-product]")) {
    button.addEventListener("click", () => {
      addToCart(button.dataset.product);
      document.getElementById("total").textContent = String(total());
    });
  }
}
