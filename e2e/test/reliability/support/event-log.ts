import { closeSync, openSync, readFileSync, writeSync } from "node:fs";

/**
 * What the webhook server process records, one line per event, written with a synchronous `write(2)` each,
 * so a line is in the kernel before the process goes on (and survives SIGKILL):
 * Each line is `<code> <Date.now()> <fields…>`:
 * - `S <id> <run>`: a run of onUpdate started (run counts from 1 in this process);
 * - `E <id>`: the run succeeded (the update was handled);
 * - `F <id>`: the run failed (threw or rejected);
 * - `L <id>`: telehook's deadline passed and it answered 200 early (`onDeadline`);
 * - `D <id>`: the update reached `onDeadLetter`;
 * - `R <status> <reason>`: telehook rejected a request (`onReject`);
 * - `X <json>`: an unhandled rejection or an uncaught exception reached the process;
 * - `P <pid>`: a server process started; `C <drained> <unfinished>`: it closed gracefully;
 * - `K <instance>`: written by the test, not a server: it SIGKILLed that instance (cluster runs).
 * In a cluster run (several server processes sharing one file), the server's instance name is the last
 * field of S, E, F, L, D and P lines.
 */
export type EventCode = "S" | "E" | "F" | "L" | "D" | "R" | "X" | "P" | "C" | "K";

/** Appends events to a file, one synchronous write per line. */
export class EventWriter {
  readonly #fd: number;

  constructor(file: string) {
    this.#fd = openSync(file, "a");
  }

  write(code: EventCode, ...fields: (string | number)[]): void {
    writeSync(this.#fd, `${code} ${Date.now()} ${fields.join(" ")}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** One parsed line. `id` is the update_id for S/E/F/L/D, else 0; `at` is when it was written (Date.now()). */
export interface LoggedEvent {
  readonly code: EventCode;
  readonly at: number;
  readonly id: number;
  readonly fields: readonly string[];
}

/** Reads every complete line of an event file. */
export function readEvents(file: string): LoggedEvent[] {
  const text = readFileSync(file, "utf8");
  const events: LoggedEvent[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const space = line.indexOf(" ");
    const second = line.indexOf(" ", space + 1);
    const code = line.slice(0, space) as EventCode;
    const at = Number(line.slice(space + 1, second));
    const rest = line.slice(second + 1);
    const fields = code === "X" ? [rest] : rest.split(" ");
    const id = "SEFLD".includes(code) ? Number(fields[0]) : 0;
    events.push({ code, at, id, fields });
  }
  return events;
}

/** Counts the lines of one code without parsing the rest, for polling a file while a run goes on. */
export function countEvents(file: string, code: EventCode): number {
  let text: string;
  try {
    text = readFileSync(file, "latin1");
  } catch {
    return 0;
  }
  const needle = `\n${code} `;
  let count = text.startsWith(`${code} `) ? 1 : 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) count++;
  return count;
}
