const prices = new Map([["book", 12]]);

export async function placeOrder(quantity) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return { item: "book", quantity, total: priceOf("book", quantity) };
}

function priceOf(item, quantity) {
  if (!(quantity > 0)) {
    throw new RangeError(`bad quantity: ${quantity}`);
  }
  return prices.get(item) * quantity;
}
