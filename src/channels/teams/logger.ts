// The small logger the Teams channel needs (pino-compatible). Never pass message text, names or
// secrets: only ids of activities, kinds and error names.

export interface TeamsLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

export const silentLogger: TeamsLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
