import type { FunctionHandle } from "./function-handle";
import type { Autometrics as Running } from "./init";
import { type OptionType, checkOptionTypes } from "./option-types";
import { reportOnce } from "./report";
import { type AutometricsOptions, type HandleSource, WRAPPER_OPTIONS, callerModule, optionError, register, wrapFunction } from "./wrapper";

/** Options of `@Autometrics()` on a method. */
export interface AutometricsMethodDecoratorOptions extends Omit<AutometricsOptions, "static"> {
  /** Leaves this method alone when `@Autometrics()` on its class instruments the others. */
  skip?: boolean;
}

/** Options of `@Autometrics()` on a class: every method it instruments gets them. */
export type AutometricsClassDecoratorOptions = Omit<AutometricsOptions, "static" | "functionName">;

/** Options of `@Autometrics()`, on a class or on a method. */
export type AutometricsDecoratorOptions = AutometricsMethodDecoratorOptions;

/** The wrapper's options but `static` (a decorator knows), and `skip`. */
const DECORATOR_OPTIONS: Readonly<Record<string, OptionType>> = {
  ...Object.fromEntries(Object.entries(WRAPPER_OPTIONS).filter(([key]) => key !== "static")),
  skip: "boolean",
};

type AnyFunction = (this: any, ...args: any[]) => any;

/** What a standard (TC39, 2023-11) decorator is given besides the value; only what is read here. */
interface StandardContext {
  kind: string;
  name: string | symbol | undefined;
  static?: boolean;
  private?: boolean;
  addInitializer?(initializer: (this: unknown) => void): void;
}

/** `method`, or the accessor half a label names (`Api.get x`, docs/transform.md). */
type Part = "method" | "get" | "set";

/** A wrapper made by a method decorator: its label is decided once its class is known. */
interface Decorated extends HandleSource {
  settle(className: string | undefined): FunctionHandle;
}

/** Wrappers made by method decorators: `@Autometrics()` on their class leaves them as they are (no second wrapper) and names them. */
const decorated = new WeakMap<AnyFunction, Decorated>();
/** Methods marked `@Autometrics({ skip: true })`, which `@Autometrics()` on their class leaves alone. */
const skipped = new WeakSet<AnyFunction>();

const isGenerator = (fn: AnyFunction) => {
  const kind = fn.constructor?.name;
  return kind === "GeneratorFunction" || kind === "AsyncGeneratorFunction";
};

/** The `function` label, as the plugins give methods: `Class.method`, `Class.#method`, `Class.get x`; the bare key in an anonymous class. */
function label(className: string | undefined, key: string | undefined, part: Part, options: AutometricsMethodDecoratorOptions): string {
  if (options.functionName !== undefined) return options.functionName;
  if (key === undefined) return "anonymous"; // a symbol key: no name written in the source (as the plugins)
  const member = part === "method" ? key : `${part} ${key}`;
  const owner = options.className || className;
  return owner ? `${owner}.${member}` : member;
}

/** A wrapper for `fn` whose handle is registered by `settle(className)`, or on its first call if nothing settled it. */
function decorate(
  fn: AnyFunction,
  key: string | undefined,
  part: Part,
  options: AutometricsMethodDecoratorOptions,
  module: string,
  classOf: (self: unknown) => string | undefined,
): { wrapped: AnyFunction; source: Decorated } {
  const source: Decorated = {
    handle: undefined,
    settle(className) {
      source.handle ??= register(label(className, key, part, options), module, options);
      return source.handle;
    },
    resolve(self) {
      return source.settle(classOf(self));
    },
  };
  const wrapped = wrapFunction(fn, source);
  decorated.set(wrapped, source);
  return { wrapped, source };
}

/** The name of the class whose prototype (or which, for a static method) holds `member`, found from a receiver. */
function ownerName(self: unknown, key: string, member: AnyFunction): string | undefined {
  if (typeof self === "function") return self.name || undefined; // a static method: the class itself
  let proto: object | null = self === null || self === undefined ? null : Object.getPrototypeOf(self);
  while (proto !== null) {
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (d !== undefined && (d.value === member || d.get === member || d.set === member)) {
      return (proto as { constructor?: { name?: string } }).constructor?.name || undefined;
    }
    proto = Object.getPrototypeOf(proto);
  }
  // Not found (a private method, or another decorator replaced ours): the receiver's class.
  return (self as { constructor?: { name?: string } } | null | undefined)?.constructor?.name || undefined;
}

const isClass = (fn: AnyFunction) => /^class\b/.test(Function.prototype.toString.call(fn));

/**
 * Instruments every method a class defines, on its prototype and static, and
 * its static fields holding functions (the plugins' eligible functions);
 * accessors, the constructor, generators and classes held by static fields
 * are left alone.
 */
function instrumentClass(target: AnyFunction, options: AutometricsClassDecoratorOptions, module: string, name: string | undefined): void {
  const className = options.className || name || target.name || undefined;
  for (const holder of [target.prototype as object, target as object]) {
    if (holder === undefined || holder === null) continue;
    for (const key of Object.getOwnPropertyNames(holder)) {
      if (holder === target.prototype && key === "constructor") continue;
      const d = Object.getOwnPropertyDescriptor(holder, key);
      if (d === undefined || typeof d.value !== "function" || !d.configurable) continue;
      const fn = d.value as AnyFunction;
      if (skipped.has(fn) || isGenerator(fn)) continue;
      const already = decorated.get(fn);
      if (already !== undefined) {
        already.settle(className); // decorated itself: now its class is known
        continue;
      }
      if (isClass(fn)) continue; // a wrapper would hide the class's own static members
      const { wrapped, source } = decorate(fn, key, "method", options, module, () => className);
      source.settle(className);
      Object.defineProperty(holder, key, { ...d, value: wrapped });
    }
  }
}

function checkPlacement(options: AutometricsMethodDecoratorOptions, onClass: boolean): void {
  if (onClass) {
    for (const key of ["functionName", "skip"] as const) {
      if (options[key] !== undefined) throw optionError(key, "is for a method; on a class it would give every method the same setting");
    }
  }
}

function warnPlacement(kind: string): void {
  reportOnce(`decorator:${kind}`, `@Autometrics() instruments classes, methods, getters and setters; a ${kind} is left as it is`);
}

/** TC39 standard decorators (TypeScript 5 without `experimentalDecorators`, Babel's "2023-11"). */
function standard(value: unknown, context: StandardContext, options: AutometricsMethodDecoratorOptions, module: string): unknown {
  const key = typeof context.name === "string" ? context.name : undefined;
  switch (context.kind) {
    case "class": {
      checkPlacement(options, true);
      // Once the class is defined, static fields included (as the legacy dialect sees it).
      const initialize = function (this: unknown) {
        instrumentClass(this as AnyFunction, options, module, key);
      };
      if (context.addInitializer !== undefined) context.addInitializer(initialize);
      else initialize.call(value);
      return undefined;
    }
    case "method":
    case "getter":
    case "setter": {
      const fn = value as AnyFunction;
      if (options.skip === true) {
        skipped.add(fn);
        return undefined;
      }
      if (isGenerator(fn)) {
        warnPlacement("generator method");
        return undefined;
      }
      const part: Part = context.kind === "method" ? "method" : context.kind === "getter" ? "get" : "set";
      const { wrapped, source } = decorate(fn, key, part, options, module, (self) =>
        key === undefined ? undefined : ownerName(self, key, wrapped),
      );
      // Static members: the class, when it is defined. Instance members: the first instance, as it is constructed
      // (the class has no name to give before; `@Autometrics()` on the class names them at once).
      context.addInitializer?.(function (this: unknown) {
        if (source.handle === undefined) source.resolve(this);
      });
      return wrapped;
    }
    default:
      warnPlacement(context.kind);
      return undefined;
  }
}

/** TypeScript's `experimentalDecorators`: `(class)` or `(prototype or class, key, descriptor)`. */
function legacy(
  target: unknown,
  key: unknown,
  descriptor: PropertyDescriptor | undefined,
  options: AutometricsMethodDecoratorOptions,
  module: string,
): unknown {
  if (key === undefined && typeof target === "function") {
    checkPlacement(options, true);
    instrumentClass(target as AnyFunction, options, module, undefined);
    return undefined;
  }
  if (descriptor === undefined || descriptor === null || typeof descriptor !== "object") {
    warnPlacement("property");
    return undefined;
  }
  const name = typeof key === "string" ? key : undefined;
  const className = typeof target === "function" ? target.name : (target as { constructor?: { name?: string } } | null)?.constructor?.name;
  const parts: [Part, "value" | "get" | "set"][] = [
    ["method", "value"],
    ["get", "get"],
    ["set", "set"],
  ];
  for (const [part, slot] of parts) {
    const fn = descriptor[slot] as AnyFunction | undefined;
    if (typeof fn !== "function") continue;
    if (options.skip === true) {
      skipped.add(fn);
      continue;
    }
    if (isGenerator(fn)) {
      warnPlacement("generator method");
      continue;
    }
    const { wrapped, source } = decorate(fn, name, part, options, module, () => className || undefined);
    source.settle(className || undefined);
    descriptor[slot] = wrapped;
  }
  return descriptor;
}

const isStandardContext = (value: unknown): value is StandardContext =>
  typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";

/**
 * `@Autometrics()` on a class instruments every method it defines (prototype
 * and static) and its static fields holding functions; not accessors, the
 * constructor, generators, classes, nor methods marked
 * `@Autometrics({ skip: true })`. On a method, getter or setter, that one. Labels are the plugins': `Class.method` for prototype
 * and static methods alike, `Class.#method`, `Class.get x`.
 *
 * Works with both decorator dialects, told apart by the arguments at each
 * call: TypeScript's `experimentalDecorators` (`(target, key, descriptor)`)
 * and standard decorators (`(value, context)`: TypeScript 5 without that
 * flag, Babel's `@babel/plugin-proposal-decorators` "2023-11"). Options are
 * the wrapper's (without `static`), plus `skip`; an unknown one, or one of the
 * wrong type, throws a `TypeError` naming it.
 */
export function Autometrics(options: AutometricsDecoratorOptions = {}) {
  if (typeof options === "function") {
    throw new TypeError("autometrics: write @Autometrics() with its parentheses: Autometrics(options?) returns the decorator");
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`autometrics: @Autometrics() expects an options object, got ${options === null ? "null" : typeof options}`);
  }
  if (Object.hasOwn(options, "static")) {
    throw optionError("static", "decorators know whether a method is static, and label both kinds `Class.method` as the plugins do");
  }
  checkOptionTypes(options, DECORATOR_OPTIONS, optionError);
  const module = options.moduleName ?? callerModule(Autometrics);
  return function autometricsDecorator(target: any, key?: any, descriptor?: any): any {
    if (isStandardContext(key)) return standard(target, key, options, module);
    return legacy(target, key, descriptor, options, module);
  };
}

/**
 * As a type, `Autometrics` stays what it was before the decorator took the
 * name: what `init()` returns.
 */
export type Autometrics = Running;

/** `Autometrics` under the name `@autometrics/autometrics` gave its `experimentalDecorators` version: both dialects work with either. */
export const AutometricsLegacy = Autometrics;
