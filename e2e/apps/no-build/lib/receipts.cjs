"use strict";

function formatReceipt(order) {
  return `${order.quantity} × ${order.item}: ${order.total}`;
}

module.exports = { formatReceipt };
