// Browser code: the bundler resolves autometrics-runtime to its browser entry here.
import { greet } from "./greeting.js";

document.body.textContent = greet("browser");
