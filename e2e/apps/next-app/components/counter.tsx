"use client";

import { useState } from "react";
import { formatCount } from "../lib/format";

export function Counter({ start }: { start: number }) {
  const [count, setCount] = useState(start);
  return (
    <button type="button" onClick={() => setCount(count + 1)}>
      {formatCount(count)}
    </button>
  );
}
