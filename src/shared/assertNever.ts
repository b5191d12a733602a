// The default branch of every switch over a message union. The `never` parameter makes a switch
// that misses a member a compile error; at run time a value outside the union (another
// version's message, a hand-edited file) is reported and dropped, never a crash.

/** Reports `value`, which the types say cannot occur, as unexpected input to `where`. */
export function assertNever(value: never, where: string): void {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  console.warn(`${where}: unexpected ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}`);
}
