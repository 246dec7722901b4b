import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A V8 CPU profile as `node --cpu-prof` writes it. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
    };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function, or of one group of code. */
export interface SelfTime {
  readonly name: string;
  /** Where it is: the TypeScript source when a source map says so, else the file that ran. */
  readonly location: string;
  readonly category: string;
  readonly ms: number;
  /** Share of the busy time (everything but idle). */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly categories: readonly Omit<SelfTime, "location" | "name">[];
  readonly functions: readonly SelfTime[];
}

/**
 * Sums self time per function (and per kind of code: telehook, the framework, Node, GC) from a profile.
 * Locations in the workspace packages' bundles are mapped back to their TypeScript source through the
 * bundles' source maps, so a slow spot can be found by file and function.
 */
export function summarizeProfile(path: string, repoRoot: string, top = 400): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const maps = new SourceMaps();
  const byFunction = new Map<string, { name: string; location: string; category: string; micros: number }>();
  const byCategory = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const frame = frames.get(id);
    if (!frame || frame.functionName === "(idle)") continue;
    busy += micros;
    const category = categoryOf(frame.url, frame.functionName, repoRoot);
    byCategory.set(category, (byCategory.get(category) ?? 0) + micros);
    const location = locate(frame, repoRoot, maps);
    const name = frame.functionName || "(anonymous)";
    const key = `${name} ${location}`;
    const entry = byFunction.get(key) ?? { name, location, category, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
  }
  const share = (micros: number) => (busy === 0 ? 0 : micros / busy);
  return {
    busyMs: busy / 1000,
    categories: [...byCategory]
      .map(([category, micros]) => ({ category, ms: micros / 1000, share: share(micros) }))
      .sort((a, b) => b.ms - a.ms),
    functions: [...byFunction.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map(({ micros, ...rest }) => ({ ...rest, ms: micros / 1000, share: share(micros) })),
  };
}

function categoryOf(url: string, functionName: string, repoRoot: string): string {
  if (url === "") {
    if (functionName.startsWith("(")) return functionName;
    return "V8 built-ins";
  }
  if (url.startsWith("node:")) return "Node.js internals";
  const path = url.startsWith("file:") ? fileURLToPath(url) : url;
  const workspace = /\/packages\/([^/]+)\/(dist|src)\//.exec(path);
  if (workspace && !path.includes("/node_modules/.pnpm/")) {
    return workspace[1] === "core" ? "telehook core" : `telehook ${workspace[1]} adapter`;
  }
  const dependency = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (dependency) return dependency[1] as string;
  if (path.startsWith(repoRoot)) return relative(repoRoot, path).split("/")[0] ?? path;
  return "other";
}

function locate(frame: CpuProfile["nodes"][number]["callFrame"], repoRoot: string, maps: SourceMaps): string {
  const { url, lineNumber, columnNumber } = frame;
  if (url === "") return "";
  if (!url.startsWith("file:")) return `${url}:${lineNumber + 1}`;
  const path = fileURLToPath(url);
  const mapped = maps.lookup(path, lineNumber, columnNumber);
  if (mapped) return `${relative(repoRoot, mapped.source)}:${mapped.line + 1}`;
  const shown = path.includes("/node_modules/")
    ? path.slice(path.lastIndexOf("/node_modules/") + "/node_modules/".length)
    : relative(repoRoot, path);
  return `${shown}:${lineNumber + 1}`;
}

interface Segment {
  readonly column: number;
  readonly source: number;
  readonly line: number;
}

/** Reads `<file>.map` next to a bundle and answers original positions; only for the workspace's bundles. */
class SourceMaps {
  readonly #maps = new Map<string, { sources: string[]; lines: Segment[][] } | null>();

  lookup(file: string, line: number, column: number): { source: string; line: number } | undefined {
    if (!/\/packages\/[^/]+\/dist\//.test(file) || file.includes("/node_modules/.pnpm/")) return undefined;
    let map = this.#maps.get(file);
    if (map === undefined) {
      map = load(file);
      this.#maps.set(file, map);
    }
    const segments = map?.lines[line];
    if (!map || !segments) return undefined;
    let found: Segment | undefined;
    for (const segment of segments) {
      if (segment.column > column) break;
      found = segment;
    }
    found ??= segments[0];
    if (!found) return undefined;
    return { source: map.sources[found.source] ?? "?", line: found.line };
  }
}

function load(file: string): { sources: string[]; lines: Segment[][] } | null {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return null;
  const raw = JSON.parse(readFileSync(mapFile, "utf8")) as {
    sources: string[];
    sourceRoot?: string;
    mappings: string;
  };
  const base = resolve(dirname(mapFile), raw.sourceRoot ?? "");
  const sources = raw.sources.map((source) => resolve(base, source));
  const lines: Segment[][] = [];
  let source = 0;
  let originalLine = 0;
  for (const lineText of raw.mappings.split(";")) {
    const segments: Segment[] = [];
    let column = 0;
    for (const segmentText of lineText.split(",")) {
      if (segmentText === "") continue;
      const fields = decodeVlq(segmentText);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        originalLine += fields[2] ?? 0;
        segments.push({ column, source, line: originalLine });
      }
    }
    lines.push(segments);
  }
  return { sources, lines };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 VLQ, as source maps encode their numbers. */
function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** The sum of several profiles' summaries (rounds of one server), shares recomputed. */
export function mergeSummaries(summaries: readonly ProfileSummary[], top = 400): ProfileSummary {
  const busyMs = summaries.reduce((sum, summary) => sum + summary.busyMs, 0);
  const share = (ms: number) => (busyMs === 0 ? 0 : ms / busyMs);
  const categories = new Map<string, number>();
  const functions = new Map<string, Omit<SelfTime, "share">>();
  for (const summary of summaries) {
    for (const { category, ms } of summary.categories)
      categories.set(category, (categories.get(category) ?? 0) + ms);
    for (const f of summary.functions) {
      const key = `${f.name} ${f.location}`;
      const entry = functions.get(key);
      functions.set(key, {
        name: f.name,
        location: f.location,
        category: f.category,
        ms: (entry?.ms ?? 0) + f.ms,
      });
    }
  }
  return {
    busyMs,
    categories: [...categories]
      .map(([category, ms]) => ({ category, ms, share: share(ms) }))
      .sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, share: share(f.ms) })),
  };
}
