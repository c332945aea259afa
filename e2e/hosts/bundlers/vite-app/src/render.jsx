import { renderToString } from "react-dom/server";
import { App } from "./App.jsx";

export function render(user) {
  return renderToString(<App user={user} />);
}
