/**
 * One function the plugins would instrument, as they report it without
 * writing anything: what `autometrics list --json` prints and the load
 * hook's compilers return.
 */
export interface Listed {
  function: string;
  module: string;
  line: number;
  objective?: { name: string; successRate?: string; latency?: [string, string] };
}

/** What the Explorer page is given by `autometrics start` (`/api/manifest`). */
export interface Manifest {
  /** The project directory, to link a function to its source. */
  root: string;
  /** Every function the build instruments. */
  functions: Listed[];
  /** Where Prometheus is, for the links that open a chart's query there. */
  prometheus: string;
}
