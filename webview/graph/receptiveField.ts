import type { ReceptiveField, Shape } from '../../src/analysis/types';
import { tr } from '../../src/shared/l10n/translate';

// The receptive-field view: the model's input as a pixel grid (over a sample image of its
// dataset when the extension sent one) with the selected layer's field drawn on it, for the
// first output position or the one whose field is centred nearest the pointer. Arrow keys move
// the output position when the view has focus.

export interface FieldRect { top: number; left: number; bottom: number; right: number }

/** Input rows/columns (inclusive, may reach outside the image into padding) seen by one output position. */
export function fieldAt(rf: ReceptiveField, row: number, col: number): FieldRect {
  const ch = rf.start[0] + row * rf.jump[0];
  const cw = rf.start[1] + col * rf.jump[1];
  const hh = (rf.size[0] - 1) / 2;
  const hw = (rf.size[1] - 1) / 2;
  return { top: ch - hh, bottom: ch + hh, left: cw - hw, right: cw + hw };
}

/** The output position whose field is centred nearest an input coordinate. */
export function positionNear(rf: ReceptiveField, outShape: Shape, y: number, x: number): [number, number] {
  const clamp = (v: number, n: number) => Math.min(Math.max(0, v), Math.max(0, n - 1));
  return [
    clamp(Math.round((y - rf.start[0]) / rf.jump[0]), outShape[0] ?? 1),
    clamp(Math.round((x - rf.start[1]) / rf.jump[1]), outShape[1] ?? 1),
  ];
}

export interface FieldSubject {
  name: string;
  receptiveField: ReceptiveField | null;
  outputShape: Shape | null;
}

export interface SampleImage { dataUri: string; label: string }

const SVG_NS = 'http://www.w3.org/2000/svg';
const BOX = 200;

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** A trained run's effective receptive field of one layer's centre unit, as an image over the input. */
export interface EffectiveField {
  /** The layer's name, as FieldSubject's. */
  name: string;
  centre: [number, number];
  dataUri: string;
  runId: string;
  images: number;
}

export class ReceptiveFieldView {
  readonly root: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly drawing: SVGSVGElement;
  private readonly caption: HTMLElement;
  private subject: FieldSubject | null = null;
  private inputShape: Shape = [];
  private sample: SampleImage | null = null;
  /** The trained network's effective field for the subject's centre unit, from its newest run. */
  private effective: EffectiveField | null = null;
  private position: [number, number] = [0, 0];

  constructor(parent: HTMLElement, onClose: () => void) {
    this.root = document.createElement('section');
    this.root.className = 'rf-panel';
    this.root.setAttribute('aria-label', tr('Receptive field'));
    this.root.hidden = true;
    const head = document.createElement('header');
    this.heading = document.createElement('h2');
    const close = document.createElement('vscode-button');
    close.setAttribute('secondary', '');
    close.setAttribute('aria-label', tr('Close the receptive field view'));
    close.textContent = tr('Close');
    close.addEventListener('click', onClose);
    head.append(this.heading, close);
    this.drawing = svgEl('svg', { class: 'rf-drawing', tabindex: 0, role: 'img' });
    this.caption = document.createElement('p');
    this.caption.className = 'rf-caption';
    this.caption.setAttribute('aria-live', 'polite');
    this.root.append(head, this.drawing, this.caption);
    parent.append(this.root);

    this.drawing.addEventListener('mousemove', (e) => this.pointAt(e));
    this.drawing.addEventListener('mouseleave', () => this.moveTo([0, 0]));
    this.drawing.addEventListener('keydown', (e) => this.onKey(e));
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  setOpen(open: boolean): void {
    this.root.hidden = !open;
    if (open) this.draw();
  }

  setInputShape(shape: Shape): void {
    this.inputShape = shape;
  }

  setSample(sample: SampleImage | null): void {
    this.sample = sample;
    this.draw();
  }

  /** The effective receptive field of the shown layer (null: none); the theoretical box moves to its centre unit. */
  setEffectiveField(field: EffectiveField | null): void {
    this.effective = field;
    if (field && field.name === this.subject?.name) this.position = field.centre;
    this.draw();
  }

  show(subject: FieldSubject | null): void {
    if (subject?.name !== this.subject?.name) { this.position = [0, 0]; this.effective = null; }
    this.subject = subject;
    this.draw();
  }

  private geometry(): { h: number; w: number; scale: number } | null {
    if (this.inputShape.length !== 3) return null;
    const [h, w] = this.inputShape as [number, number, number];
    return { h, w, scale: BOX / Math.max(h, w) };
  }

  private pointAt(e: MouseEvent): void {
    const g = this.geometry();
    const rf = this.subject?.receptiveField;
    if (!g || !rf || !this.subject?.outputShape) return;
    const r = this.drawing.getBoundingClientRect();
    const x = (e.clientX - r.left) / g.scale - 0.5;
    const y = (e.clientY - r.top) / g.scale - 0.5;
    this.moveTo(positionNear(rf, this.subject.outputShape, y, x));
  }

  private onKey(e: KeyboardEvent): void {
    const out = this.subject?.outputShape;
    if (!out || out.length !== 3) return;
    const delta: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const d = delta[e.key];
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    const clamp = (v: number, n: number) => Math.min(Math.max(0, v), n - 1);
    this.moveTo([clamp(this.position[0] + d[0], out[0]!), clamp(this.position[1] + d[1], out[1]!)]);
  }

  private moveTo(position: [number, number]): void {
    if (position[0] === this.position[0] && position[1] === this.position[1]) return;
    this.position = position;
    this.draw();
  }

  private draw(): void {
    if (this.root.hidden) return;
    const s = this.subject;
    this.heading.textContent = s ? `${tr('Receptive field')} · ${s.name}` : tr('Receptive field');
    this.drawing.replaceChildren();
    const g = this.geometry();
    if (!g) {
      this.drawing.setAttribute('width', '0');
      this.caption.textContent = tr("The model's input is not an image ([h, w, c]).");
      return;
    }
    const { h, w, scale } = g;
    this.drawing.setAttribute('width', String(w * scale));
    this.drawing.setAttribute('height', String(h * scale));
    this.drawing.setAttribute('viewBox', `0 0 ${w} ${h}`);
    this.drawing.append(svgEl('rect', { class: 'rf-input', x: 0, y: 0, width: w, height: h }));
    if (this.sample) {
      this.drawing.append(svgEl('image', {
        class: 'rf-sample', href: this.sample.dataUri, x: 0, y: 0, width: w, height: h, preserveAspectRatio: 'none',
      }));
    }
    const erf = this.effective && this.effective.name === s?.name ? this.effective : null;
    if (erf) {
      this.drawing.append(svgEl('image', {
        class: 'rf-erf', href: erf.dataUri, x: 0, y: 0, width: w, height: h, preserveAspectRatio: 'none',
      }));
    }
    this.drawGrid(h, w, scale);
    const rf = s?.receptiveField;
    if (!s || !rf || !s.outputShape || s.outputShape.length !== 3) {
      this.caption.textContent = s ? tr('{0} has no spatial receptive field (its output is flat or unknown).', s.name)
        : tr('Select a layer to see its receptive field.');
      this.drawing.setAttribute('aria-label', this.caption.textContent);
      return;
    }
    const [row, col] = this.position;
    const f = fieldAt(rf, row, col);
    // The part of the field over padding (outside the image) is drawn dashed, clipped inside.
    this.drawing.append(svgEl('rect', {
      class: 'rf-field-outline', x: f.left, y: f.top, width: f.right - f.left + 1, height: f.bottom - f.top + 1,
    }));
    const clipped = {
      x: Math.max(0, f.left), y: Math.max(0, f.top),
      x2: Math.min(w, f.right + 1), y2: Math.min(h, f.bottom + 1),
    };
    if (clipped.x2 > clipped.x && clipped.y2 > clipped.y) {
      this.drawing.append(svgEl('rect', {
        class: 'rf-field', x: clipped.x, y: clipped.y, width: clipped.x2 - clipped.x, height: clipped.y2 - clipped.y,
      }));
    }
    const cy = rf.start[0] + row * rf.jump[0];
    const cx = rf.start[1] + col * rf.jump[1];
    this.drawing.append(svgEl('circle', { class: 'rf-centre', cx: cx + 0.5, cy: cy + 0.5, r: Math.max(0.6, 2.5 / scale) }));
    const outside = f.top < 0 || f.left < 0 || f.bottom > h - 1 || f.right > w - 1;
    const [oh, ow] = s.outputShape as [number, number, number];
    const args = { row, col, out: `${oh}×${ow}`, size: `${rf.size[0]}×${rf.size[1]}`, top: f.top, bottom: f.bottom, left: f.left, right: f.right, jump: `${rf.jump[0]}×${rf.jump[1]}` };
    this.caption.textContent =
      (outside
        ? tr('Output ({row}, {col}) of {out} sees {size} input pixels: rows {top}…{bottom}, columns {left}…{right} (partly padding); jump {jump}.', args)
        : tr('Output ({row}, {col}) of {out} sees {size} input pixels: rows {top}…{bottom}, columns {left}…{right}; jump {jump}.', args)) +
      (this.sample ? tr(' Sample: {0}.', this.sample.label) : '') +
      (erf && row === erf.centre[0] && col === erf.centre[1]
        ? tr(' Heat: the effective field of this unit in run {0}, |∂output/∂input| averaged over {1} test images.', erf.runId, erf.images) : '');
    this.drawing.setAttribute('aria-label', this.caption.textContent);
  }

  private drawGrid(h: number, w: number, scale: number): void {
    // One line per pixel while pixels are at least 3 screen px apart; coarser otherwise.
    let step = 1;
    while (step * scale < 3) step *= 2;
    const parts: string[] = [];
    for (let y = step; y < h; y += step) parts.push(`M0 ${y}H${w}`);
    for (let x = step; x < w; x += step) parts.push(`M${x} 0V${h}`);
    this.drawing.append(svgEl('path', { class: 'rf-grid', d: parts.join('') }));
  }
}
