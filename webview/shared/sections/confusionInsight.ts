import type { InsightAsk, InsightResult } from '../../../src/shared/messages';
import type { InsightImage, InsightQuery } from '../../../src/shared/trainerProtocol';
import { percent } from '../../../src/shared/format';
import { tr } from '../../../src/shared/l10n/translate';
import { el } from '../dom';
import { imageCanvas } from './insightCanvas';

// Below a run's confusion matrix: a clicked cell's test images (true c, predicted p) with the
// probability the model gave p, and for a clicked image its Grad-CAM at the last convolution.
// The numbers come from the run's best checkpoint, computed in a process of its own; this only
// asks and draws. The element is kept across the detail's redraws (a live list updates often).

/** How many of a cell's images are drawn (the count says how many there are). */
const CELL_LIMIT = 24;

export class ConfusionInsight {
  readonly element = el('section', { class: 'insight', 'aria-live': 'polite' });
  private runId: string | null = null;
  private nextId = 1;
  private cellRequest = 0;
  private camRequest = 0;
  private readonly cellPart = el('div', { class: 'insight-cell' });
  private readonly camPart = el('div', { class: 'insight-cam' });

  constructor(private readonly ask: (runId: string, ask: InsightAsk) => void) {
    this.element.replaceChildren(this.cellPart, this.camPart);
  }

  /** The run shown changed: what was asked about another run goes. */
  showRun(runId: string): void {
    if (runId === this.runId) return;
    this.runId = runId;
    this.cellRequest = this.camRequest = 0;
    this.cellPart.replaceChildren();
    this.camPart.replaceChildren();
  }

  /** A click on cell (true `actual`, predicted `predicted`). */
  openCell(actual: number, predicted: number, classNames: string[]): void {
    if (!this.runId) return;
    this.camPart.replaceChildren();
    this.camRequest = 0;
    this.cellRequest = this.send({ type: 'cell', actual, predicted, limit: CELL_LIMIT });
    this.cellPart.replaceChildren(el('h3', {}, tr('True {0}, predicted {1}', classNames[actual] ?? actual, classNames[predicted] ?? predicted)),
      el('p', { class: 'muted' }, tr("Loading the run's best checkpoint and test set…")));
  }

  receive(r: InsightResult): void {
    if (r.requestId === this.cellRequest) this.drawCell(r);
    else if (r.requestId === this.camRequest) this.drawCam(r);
  }

  private send(query: InsightQuery): number {
    const requestId = this.nextId++;
    this.ask(this.runId!, { type: 'insight', requestId, query });
    return requestId;
  }

  private drawCell(r: InsightResult): void {
    const heading = this.cellPart.querySelector('h3');
    const a = r.answer;
    if (a.type === 'error') return void this.cellPart.replaceChildren(...([heading, el('p', { class: 'warning' }, a.message)].filter((n) => n !== null) as HTMLElement[]));
    if (a.type !== 'cell') return;
    const names = r.classNames;
    const shape = shapeOf(r, a.images[0]);
    const count = a.total > a.images.length
      ? tr('{0} test images; the first {1}:', a.total, a.images.length)
      : tr('{0} test images', a.total);
    const list = el('ul', { class: 'insight-images', 'aria-label': tr('Test images of this cell') });
    for (const image of a.images) {
      const button = el('button', { class: 'insight-thumb', title: tr('Test image #{0}: Grad-CAM', image.index), 'data-image': image.index },
        imageCanvas(image, shape), el('span', { class: 'insight-prob' }, `p(${names[a.predicted] ?? a.predicted}) ${percent(image.probabilities[a.predicted] ?? 0, 0)}`));
      button.addEventListener('click', () => this.openCam(image, a.predicted, names));
      list.append(el('li', {}, button));
    }
    this.cellPart.replaceChildren(...([heading, el('p', { class: 'muted' }, count), r.note ? el('p', { class: 'muted' }, r.note) : null, list]
      .filter((n) => n !== null) as HTMLElement[]));
  }

  private openCam(image: InsightImage, classIndex: number, names: string[]): void {
    this.camRequest = this.send({ type: 'gradCam', image: image.index, classIndex });
    this.camPart.replaceChildren(el('h3', {}, tr('Grad-CAM of test image #{0} for class {1}', image.index, names[classIndex] ?? classIndex)),
      el('p', { class: 'muted' }, tr('Computing…')));
  }

  private drawCam(r: InsightResult): void {
    const heading = this.camPart.querySelector('h3')!;
    const a = r.answer;
    if (a.type === 'error') return void this.camPart.replaceChildren(heading, el('p', { class: 'warning' }, a.message));
    if (a.type !== 'gradCam') return;
    const shape = shapeOf(r, a.image);
    const names = r.classNames;
    const probs = a.image.probabilities.map((p, c) => ({ p, c })).sort((x, y) => y.p - x.p).slice(0, 3)
      .map(({ p, c }) => `${names[c] ?? c} ${percent(p, 1)}`).join(' · ');
    this.camPart.replaceChildren(heading,
      el('div', { class: 'insight-cam-pair' },
        el('figure', {}, imageCanvas(a.image, shape, null, 'insight-large'), el('figcaption', {}, tr('image (true {0})', names[a.image.label] ?? a.image.label))),
        el('figure', { class: 'grad-cam' }, imageCanvas(a.image, shape, a.map, 'insight-large'), el('figcaption', {}, tr('Grad-CAM at {0}', a.nodeId)))),
      // ReLU(Σ w·A) can be 0 everywhere: then no place raises the class's score, which is worth saying.
      a.map.values.some((v) => v > 0) ? ''
        : el('p', { class: 'muted' }, tr('Grad-CAM is zero everywhere: nothing at {0} raises the score of class {1}.', a.nodeId, names[a.classIndex] ?? a.classIndex)),
      el('p', { class: 'muted' }, tr('Probabilities: {0}', probs)));
  }

}

/** The image's [h, w, c]: the run's, else square from the pixel count (one channel). */
function shapeOf(r: InsightResult, image: InsightImage | undefined): [number, number, number] {
  if (r.imageShape) return r.imageShape;
  const side = Math.round(Math.sqrt(image?.pixels.length ?? 1));
  return [side, side, 1];
}
