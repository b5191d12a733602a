import type { SourceRange } from './ir';

// The DSL cannot know where it is called from; the loader can (it owns the source maps).
// While a model file is evaluated, the loader installs a locator that every DSL call asks.
type Locator = () => SourceRange | null;
let locator: Locator | null = null;

export function callSite(): SourceRange | null {
  return locator ? locator() : null;
}

export function withLocator<T>(next: Locator, body: () => T): T {
  const previous = locator;
  locator = next;
  try {
    return body();
  } finally {
    locator = previous;
  }
}
