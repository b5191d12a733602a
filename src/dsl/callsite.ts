import type { SourceRange } from './ir';

// The DSL cannot know where it is called from; the loader can (it owns the source maps).
// The loader's evaluation realm installs a locator that every DSL call asks.
type Locator = () => SourceRange | null;
let locator: Locator | null = null;

export function callSite(): SourceRange | null {
  return locator ? locator() : null;
}

/** Installs the locator for this copy of the DSL (one per evaluation realm); null removes it. */
export function setLocator(next: Locator | null): void {
  locator = next;
}
