import type { TextMeasure } from './layout';

// Text widths for layout, from a canvas in the fonts the stylesheet gives node text
// (VS Code's UI font). Cached: a ResNet repeats the same few labels hundreds of times.

const FONT_SIZE = { title: 12, subtitle: 11, label: 10 } as const;

export function canvasTextMeasure(fontFamily: string): TextMeasure {
  const ctx = document.createElement('canvas').getContext('2d');
  const cache = new Map<string, number>();
  const measure = (font: string, text: string): number => {
    const key = `${font}\u0000${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      if (ctx) {
        ctx.font = font;
        w = ctx.measureText(text).width;
      } else {
        w = text.length * 7; // no canvas (should not happen in a webview): a safe overestimate
      }
      cache.set(key, w);
    }
    return w;
  };
  return {
    title: (t) => measure(`600 ${FONT_SIZE.title}px ${fontFamily}`, t),
    subtitle: (t) => measure(`${FONT_SIZE.subtitle}px ${fontFamily}`, t),
    label: (t) => measure(`${FONT_SIZE.label}px ${fontFamily}`, t),
  };
}
