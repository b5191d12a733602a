// The name a new model file gets. The extension analyses only files named *.cnn.ts, so a name
// typed without that ending gets it.

/** `net` and `net.ts` become `net.cnn.ts`; a name that ends in `.cnn.ts` is kept. */
export function asModelFileName(name: string): string {
  if (name.endsWith('.cnn.ts')) return name;
  return `${name.endsWith('.ts') ? name.slice(0, -'.ts'.length) : name}.cnn.ts`;
}

/** `name` if `taken` does not claim it, else `base-2.cnn.ts`, `base-3.cnn.ts`… : the first free one. */
export async function freeModelFileName(name: string, taken: (candidate: string) => Promise<boolean>): Promise<string> {
  const fileName = asModelFileName(name);
  const base = fileName.slice(0, -'.cnn.ts'.length);
  let candidate = fileName;
  for (let n = 2; await taken(candidate); n++) candidate = `${base}-${n}.cnn.ts`;
  return candidate;
}
