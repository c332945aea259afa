/** Thrown for invalid configuration: the message names the option at fault. */
export class AutometricsConfigError extends Error {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`autometrics: invalid option \`${option}\`: ${problem}`);
    this.name = "AutometricsConfigError";
  }
}
