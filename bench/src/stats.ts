/** Small statistics over plain arrays of numbers. */

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The q-quantile (0..1) with linear interpolation between the closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const ordered = sorted(values);
  return quantileOfSorted(ordered, q);
}

export function quantileOfSorted(ordered: ArrayLike<number>, q: number): number {
  if (ordered.length === 0) return Number.NaN;
  const position = (ordered.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = ordered[below] as number;
  const high = ordered[above] as number;
  return low + (high - low) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

export function variance(values: readonly number[]): number {
  const m = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - m) ** 2;
  return sum / (values.length - 1);
}

export function iqr(values: readonly number[]): number {
  const ordered = sorted(values);
  return quantileOfSorted(ordered, 0.75) - quantileOfSorted(ordered, 0.25);
}

/** The t statistic of paired differences: their mean over its standard error. */
export function pairedT(differences: readonly number[]): number {
  const se = Math.sqrt(variance(differences) / differences.length);
  return se === 0 ? 0 : mean(differences) / se;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = (xs[i] as number) - mx;
    num += dx * ((ys[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

/** A random permutation (Fisher–Yates), for interleaving variants in a different order every sample. */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
