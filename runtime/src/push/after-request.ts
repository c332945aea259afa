import { createRequire } from "node:module";
import { join } from "node:path";
import { AutometricsConfigError } from "../errors";
import { reportOnce } from "../report";

type Env = Record<string, string | undefined>;

/** Platforms that freeze or stop an instance once its response is sent, by the variables they set. */
const SERVERLESS = ["VERCEL", "AWS_LAMBDA_FUNCTION_NAME", "NETLIFY", "K_SERVICE", "FUNCTIONS_WORKER_RUNTIME"];

/**
 * @internal Whether to push after each request: `flushAfterRequest`, else
 * `AUTOMETRICS_FLUSH_AFTER_REQUEST` (true or false), else whether this is a
 * Next.js server on a serverless platform.
 */
export function flushesAfterRequest(option: boolean | undefined, env: Env): boolean {
  if (option !== undefined) return option;
  const text = env.AUTOMETRICS_FLUSH_AFTER_REQUEST?.trim().toLowerCase();
  if (text !== undefined && text !== "") {
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
    throw new AutometricsConfigError(
      "AUTOMETRICS_FLUSH_AFTER_REQUEST",
      `expected true or false, got ${JSON.stringify(env.AUTOMETRICS_FLUSH_AFTER_REQUEST)}`,
    );
  }
  return env.NEXT_RUNTIME === "nodejs" && SERVERLESS.some((name) => env[name] !== undefined && env[name] !== "");
}

/**
 * @internal What runs when a request's handler (a call with no instrumented
 * caller) ends, so that the request pushes once its response is sent:
 * Next.js's `after()`, which keeps a serverless function alive for it (on
 * Vercel through its `waitUntil`). The runtime must be loaded by Node, not
 * bundled (`withAutometrics` puts it in `serverExternalPackages`), to share
 * Next's request scope. Undefined outside a Next.js server.
 */
export function afterEachRequest(flush: () => Promise<void>, env: Env, cwd: string): (() => void) | undefined {
  if (env.NEXT_RUNTIME !== "nodejs") {
    reportOnce(
      "flush-after-request",
      "flushAfterRequest needs a Next.js server (NEXT_RUNTIME=nodejs); elsewhere, flush() before the response, or withFlush(handler)",
    );
    return undefined;
  }
  let after: ((task: () => unknown) => void) | undefined;
  try {
    after = createRequire(join(cwd, "package.json"))("next/server").after;
  } catch (error) {
    reportOnce("flush-after-request", "flushAfterRequest could not load next/server", error);
  }
  if (typeof after !== "function") return undefined;
  const task = () => flush();
  return () => {
    try {
      after!(task);
    } catch {
      // not in a request (a prerender, a call at start-up): the interval and the last push cover it
    }
  };
}
