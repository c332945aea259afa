import type { FunctionOptions } from "./function-handle";
import { instrument } from "./functions";

/** Options of the manual wrapper, as in `@autometrics/autometrics`. */
export interface AutometricsOptions extends FunctionOptions {
  /** Defaults to the function's `.name`. */
  functionName?: string;
  /** Defaults to the file that called `autometrics()`, relative to the working directory. */
  moduleName?: string;
}

type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Instruments a function by hand, for code that no plugin compiles:
 * `const handler = autometrics(async function handler(req) { ... })`.
 * The wrapper keeps `this`, the arguments, `.name`, `.length`, and returns
 * or throws exactly what the function does.
 */
export function autometrics<F extends AnyFunction>(fn: F): F;
export function autometrics<F extends AnyFunction>(options: AutometricsOptions, fn: F): F;
export function autometrics<F extends AnyFunction>(optionsOrFn: AutometricsOptions | F, maybeFn?: F): F {
  const [options, fn] = typeof optionsOrFn === "function" ? [{} as AutometricsOptions, optionsOrFn] : [optionsOrFn ?? {}, maybeFn];
  if (typeof fn !== "function") {
    throw new TypeError(`autometrics: expected a function to instrument, got ${typeof fn}`);
  }
  const name = options.functionName ?? (fn.name || "anonymous");
  const handle = instrument(name, options.moduleName ?? callerModule(), options);
  const isAsync = fn.constructor?.name === "AsyncFunction";
  const wrapped = isAsync
    ? async function (this: unknown, ...args: unknown[]) {
        return handle.runAsync(() => fn.apply(this, args));
      }
    : function (this: unknown, ...args: unknown[]) {
        if (new.target !== undefined) return handle.run(() => Reflect.construct(fn, args, new.target));
        return handle.run(() => fn.apply(this, args));
      };
  // `new wrapped()` builds the same kind of object `new fn()` does.
  if (!isAsync && fn.prototype !== undefined) wrapped.prototype = fn.prototype;
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  return wrapped as unknown as F;
}

/**
 * The file that called `autometrics()`, from the stack, once per wrapped
 * function (never per call); "unknown" where the engine has no V8 stack API
 * (pass `moduleName` there).
 */
function callerModule(): string {
  if (typeof Error.captureStackTrace !== "function") return "unknown";
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  Error.captureStackTrace(holder, autometrics);
  Error.stackTraceLimit = limit;
  const line = holder.stack?.split("\n")[1] ?? "";
  const file = /\((?:file:\/\/)?(.*?):\d+:\d+\)$/.exec(line)?.[1] ?? /at (?:file:\/\/)?(.*?):\d+:\d+$/.exec(line)?.[1];
  if (file === undefined) return "unknown";
  if (typeof process === "undefined" || typeof process.cwd !== "function") return file;
  const cwd = process.cwd().replace(/\\/g, "/");
  const normal = file.replace(/\\/g, "/");
  return normal.startsWith(`${cwd}/`) ? normal.slice(cwd.length + 1) : normal;
}
