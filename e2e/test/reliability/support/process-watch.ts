/** Records unhandled rejections and uncaught exceptions in this process while a run goes on. */
export interface ProcessWatch {
  /** Stops listening; returns what was seen (the same list on every call). */
  stop(): string[];
}

export function watchProcess(): ProcessWatch {
  const seen: string[] = [];
  const describe = (value: unknown) =>
    value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  const onRejection = (reason: unknown) => seen.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: unknown) => seen.push(`uncaughtException: ${describe(error)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  let stopped = false;
  return {
    stop() {
      if (!stopped) {
        stopped = true;
        process.off("unhandledRejection", onRejection);
        process.off("uncaughtException", onException);
      }
      return seen;
    },
  };
}
