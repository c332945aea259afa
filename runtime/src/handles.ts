import type { FunctionHandle } from "./function-handle";

/**
 * @internal Every function registered in this process, in registration order:
 * what the trackers record and the scrapes write. Nothing here imports back
 * (the registry is read by the trackers that `instrument` starts).
 */
export const functions: FunctionHandle[] = [];

/** @internal The handle of each (module, function) pair. */
export const byKey = new Map<string, FunctionHandle>();
