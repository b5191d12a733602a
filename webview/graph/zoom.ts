import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { Box } from './layout';
import type { ZoomState } from './state';

// Pan and zoom (d3-zoom) of the graph's viewport group: wheel, drag, pinch, keyboard steps,
// fit to view, and "bring this node into view". Far out, small text is hidden (`lod-far`):
// unreadable anyway, and it makes each zoom frame cheaper on big models; further out still
// (`lod-tiny`), node titles too.

const SCALE_EXTENT: [number, number] = [0.02, 4];
const FAR_SCALE = 0.45;
const TINY_SCALE = 0.2;
const READABLE_SCALE = 0.75;

export class Zoom {
  private readonly behavior: ZoomBehavior<SVGSVGElement, unknown>;
  private current: ZoomTransform = zoomIdentity;

  constructor(private readonly svg: SVGSVGElement, viewport: SVGGElement, onChange: (t: ZoomState) => void) {
    this.behavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent(SCALE_EXTENT)
      // Double-click is "expand a group" on nodes; keep d3's dblclick-zoom off everywhere.
      .filter((event: Event) => event.type !== 'dblclick' && (!(event as MouseEvent).button || event.type === 'wheel'))
      .on('zoom', (event: { transform: ZoomTransform }) => {
        this.current = event.transform;
        viewport.setAttribute('transform', event.transform.toString());
        svg.classList.toggle('lod-far', event.transform.k < FAR_SCALE);
        svg.classList.toggle('lod-tiny', event.transform.k < TINY_SCALE);
        onChange({ x: event.transform.x, y: event.transform.y, k: event.transform.k });
      });
    select(svg).call(this.behavior).on('dblclick.zoom', null);
  }

  get transform(): ZoomState {
    return { x: this.current.x, y: this.current.y, k: this.current.k };
  }

  set(t: ZoomState): void {
    select(this.svg).call(this.behavior.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  }

  /** Fits the whole drawing in the view (never magnifying beyond 1:1). */
  fit(width: number, height: number): void {
    const { clientWidth: vw, clientHeight: vh } = this.svg;
    if (width <= 0 || height <= 0 || vw <= 0 || vh <= 0) return;
    const k = Math.max(SCALE_EXTENT[0], Math.min(1, (vw - 16) / width, (vh - 16) / height));
    this.set({ x: (vw - width * k) / 2, y: Math.max(8, (vh - height * k) / 2), k });
  }

  /**
   * The first view of a model: the whole drawing when it fits at a readable scale; otherwise
   * its top, as wide as fits, at no less than a readable scale (a ResNet is a tall column).
   */
  initial(width: number, height: number): void {
    const { clientWidth: vw, clientHeight: vh } = this.svg;
    if (width <= 0 || height <= 0 || vw <= 0 || vh <= 0) return;
    const whole = Math.min(1, (vw - 16) / width, (vh - 16) / height);
    if (whole >= READABLE_SCALE) {
      this.fit(width, height);
      return;
    }
    const k = Math.max(SCALE_EXTENT[0], Math.min(1, Math.max(READABLE_SCALE, (vw - 16) / width)));
    this.set({ x: (vw - width * k) / 2, y: 8, k });
  }

  /** What the view shows, in layout coordinates. */
  visibleRect(): Box {
    const { clientWidth: vw, clientHeight: vh } = this.svg;
    const t = this.current;
    return { x: -t.x / t.k, y: -t.y / t.k, width: vw / t.k, height: vh / t.k };
  }

  by(factor: number): void {
    select(this.svg).call(this.behavior.scaleBy, factor);
  }

  /** Pans (keeping the scale) so that the box is in view, if it is not already. */
  reveal(box: Box): void {
    const { clientWidth: vw, clientHeight: vh } = this.svg;
    const t = this.current;
    const left = t.x + box.x * t.k;
    const top = t.y + box.y * t.k;
    const right = left + box.width * t.k;
    const bottom = top + box.height * t.k;
    if (left >= 0 && top >= 0 && right <= vw && bottom <= vh) return;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    this.set({ x: vw / 2 - cx * t.k, y: vh / 2 - cy * t.k, k: t.k });
  }
}
