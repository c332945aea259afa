import { greet } from "./greeting.js";

export function App({ user }) {
  return <h1>{greet(user.name)}</h1>;
}
