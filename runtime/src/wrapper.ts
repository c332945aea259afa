import type { FunctionHandle, FunctionOptions } from "./function-handle";
import { instrument } from "./functions";
import { type OptionType, checkOptionTypes, describe } from "./option-types";

/** Options of the manual wrapper, as in `@autometrics/autometrics`. */
export interface AutometricsOptions extends FunctionOptions {
  /** Defaults to the function's `.name` ("anonymous" when it has none). */
  functionName?: string;
  /**
   * The class the function is a method of: the label becomes
   * `ClassName.prototype.functionName`, or `ClassName.functionName` with
   * `static: true`, as `@autometrics/autometrics` wrote it.
   */
  className?: string;
  /** With `className`: the method is static (`ClassName.functionName`). */
  static?: boolean;
  /** Defaults to the file that called `autometrics()`, relative to the working directory. */
  moduleName?: string;
}

type AnyFunction = (this: any, ...args: any[]) => any;

/** @internal Each option the wrapper takes, and the type it must have. */
export const WRAPPER_OPTIONS: Readonly<Record<keyof AutometricsOptions, OptionType>> = {
  functionName: "string",
  moduleName: "string",
  className: "string",
  static: "boolean",
  objective: "object",
  trackConcurrency: "boolean",
  recordErrorIf: "function",
  recordSuccessIf: "function",
};

/** @internal The error for a bad option, worded as the plugins and `init()` word theirs. */
export function optionError(option: string, problem: string): TypeError {
  return new TypeError(`autometrics: invalid option \`${option}\`: ${problem}`);
}

/** @internal Registers a function, with its objective checked (a bad one is an `AutometricsConfigError`). */
export function register(name: string, module: string, options: FunctionOptions): FunctionHandle {
  return instrument(name, module, {
    objective: options.objective,
    trackConcurrency: options.trackConcurrency,
    recordErrorIf: options.recordErrorIf,
    recordSuccessIf: options.recordSuccessIf,
  });
}

/**
 * Instruments a function by hand, for code that no plugin compiles:
 * `const handler = autometrics(async function handler(req) { ... })`.
 * The wrapper keeps `this`, the arguments, `.name`, `.length`, and returns
 * or throws exactly what the function does. An unknown option, or one of the
 * wrong type, throws a `TypeError` naming it; so does something that is not a
 * function.
 */
export function autometrics<F extends AnyFunction>(fn: F): F;
export function autometrics<F extends AnyFunction>(options: AutometricsOptions, fn: F): F;
export function autometrics<F extends AnyFunction>(optionsOrFn: AutometricsOptions | F, maybeFn?: F): F {
  const [options, fn] = typeof optionsOrFn === "function" ? [{} as AutometricsOptions, optionsOrFn] : [optionsOrFn ?? {}, maybeFn];
  if (typeof options !== "object") {
    throw new TypeError(`autometrics: expected an options object or a function, got ${describe(options)}`);
  }
  checkOptionTypes(options, WRAPPER_OPTIONS, optionError);
  if (typeof fn !== "function") {
    throw new TypeError(`autometrics: expected a function to instrument, got ${typeof fn}`);
  }
  let name = options.functionName ?? (fn.name || "anonymous");
  if (options.className) name = `${options.className}${options.static === true ? "." : ".prototype."}${name}`;
  const handle = register(name, options.moduleName ?? callerModule(autometrics), options);
  return wrapFunction(fn, { handle, resolve: () => handle });
}

/** @internal Where a wrapper gets its handle: at once, or on first use (a decorated method whose class is not known yet). */
export interface HandleSource {
  handle: FunctionHandle | undefined;
  resolve(self: unknown): FunctionHandle;
}

const isAsyncFunction = (fn: AnyFunction) => fn.constructor?.name === "AsyncFunction";

/**
 * @internal The function that runs `fn` as the handle of `source` says. It
 * has `fn`'s name and length; it is constructible exactly when `fn` is (a
 * function with a `prototype`), and `new` builds what `new fn()` builds.
 * Methods, arrows and async functions get a method as wrapper, which has no
 * `prototype` and cannot be called with `new`, like them.
 */
export function wrapFunction<F extends AnyFunction>(fn: F, source: HandleSource): F {
  let wrapped: AnyFunction;
  if (isAsyncFunction(fn)) {
    wrapped = {
      async wrapped(this: unknown, ...args: unknown[]) {
        return (source.handle ?? source.resolve(this)).runAsync(() => fn.apply(this, args));
      },
    }.wrapped;
  } else if (fn.prototype === undefined) {
    wrapped = {
      wrapped(this: unknown, ...args: unknown[]) {
        return (source.handle ?? source.resolve(this)).run(() => fn.apply(this, args));
      },
    }.wrapped;
  } else {
    wrapped = function (this: unknown, ...args: unknown[]) {
      const handle = source.handle ?? source.resolve(this);
      if (new.target !== undefined) return handle.run(() => Reflect.construct(fn, args, new.target));
      return handle.run(() => fn.apply(this, args));
    };
    // `new wrapped()` builds the same kind of object `new fn()` does.
    wrapped.prototype = fn.prototype;
  }
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, "length", { value: fn.length, configurable: true });
  return wrapped as F;
}

/**
 * @internal The file that called `caller` (`autometrics()`, a decorator
 * factory), from the stack, once per wrapped function (never per call);
 * "unknown" where the engine has no V8 stack API (pass `moduleName` there).
 * The stack is captured on an Error: Bun's own `Error.prepareStackTrace`,
 * which wrappers such as Babel's call, rejects any other object.
 */
export function callerModule(caller: AnyFunction): string {
  if (typeof Error.captureStackTrace !== "function") return "unknown";
  const limit = Error.stackTraceLimit;
  let stack: unknown;
  try {
    Error.stackTraceLimit = 4;
    const holder = new Error();
    Error.captureStackTrace(holder, caller);
    stack = holder.stack;
  } catch {
    // A `prepareStackTrace` that throws: no file to name.
  } finally {
    Error.stackTraceLimit = limit;
  }
  const line = typeof stack === "string" ? (stack.split("\n")[1] ?? "") : "";
  const file = /\((?:file:\/\/)?(.*?):\d+:\d+\)$/.exec(line)?.[1] ?? /at (?:file:\/\/)?(.*?):\d+:\d+$/.exec(line)?.[1];
  if (file === undefined) return "unknown";
  if (typeof process === "undefined" || typeof process.cwd !== "function") return file;
  const cwd = process.cwd().replace(/\\/g, "/");
  const normal = file.replace(/\\/g, "/");
  return normal.startsWith(`${cwd}/`) ? normal.slice(cwd.length + 1) : normal;
}
