import type { InsightAsk, InsightResult } from '../../src/shared/messages';
import { tr } from '../../src/shared/l10n/translate';
import { featureMapCanvas, imageCanvas } from '../shared/sections/insightCanvas';

// A convolution's feature maps for one test image, from the newest finished run of the model
// shown (its best checkpoint, computed in the run's insight process): the image, then one grey
// map per filter. Opens when a convolution is chosen in the graph; the image number can change.

export class FeatureMapsPanel {
  readonly root = document.createElement('section');
  private readonly heading = document.createElement('h2');
  private readonly imageInput = document.createElement('input');
  private readonly body = document.createElement('div');
  private nodeId: string | null = null;
  private nodeName = '';
  private request = 0;
  private nextId = 1;

  constructor(parent: HTMLElement, private readonly ask: (ask: InsightAsk) => void) {
    this.root.className = 'fm-panel';
    this.root.setAttribute('aria-label', tr('Feature maps'));
    this.root.hidden = true;
    const head = document.createElement('header');
    const close = document.createElement('vscode-button');
    close.setAttribute('secondary', '');
    close.textContent = tr('Close');
    close.addEventListener('click', () => { this.root.hidden = true; this.nodeId = null; });
    head.append(this.heading, close);
    const pick = document.createElement('label');
    pick.className = 'fm-pick';
    this.imageInput.type = 'number';
    this.imageInput.min = '0';
    this.imageInput.value = '0';
    this.imageInput.className = 'fm-image-index';
    this.imageInput.addEventListener('change', () => this.send());
    pick.append(tr('Test image #'), this.imageInput);
    this.body.className = 'fm-body';
    this.body.setAttribute('aria-live', 'polite');
    this.root.append(head, pick, this.body);
    parent.append(this.root);
  }

  /** A convolution was chosen: its maps for the image number shown. */
  show(nodeId: string, name: string): void {
    this.nodeId = nodeId;
    this.nodeName = name;
    this.root.hidden = false;
    this.send();
  }

  hide(): void {
    this.root.hidden = true;
    this.nodeId = null;
  }

  receive(r: InsightResult): boolean {
    if (r.requestId !== this.request) return false;
    const a = r.answer;
    if (a.type === 'error') {
      this.body.replaceChildren(paragraph('warning', a.message));
      return true;
    }
    if (a.type !== 'featureMaps') return true;
    const shape = r.imageShape ?? [a.image.pixels.length, 1, 1];
    const grid = document.createElement('div');
    grid.className = 'fm-grid';
    a.maps.forEach((map, c) => {
      const canvas = featureMapCanvas(map);
      canvas.title = tr('channel {0}', c);
      grid.append(canvas);
    });
    const name = (i: number) => r.classNames[i] ?? String(i);
    const first = a.maps[0];
    this.body.replaceChildren(
      imageCanvas(a.image, shape, null, 'fm-input'),
      paragraph('fm-caption', tr('Test image #{0}: true {1}, predicted {2} ({3} maps of {4}×{5}) · run {6}',
        a.image.index, name(a.image.label), name(a.image.predicted), a.maps.length, first?.height ?? 0, first?.width ?? 0, r.runId ?? '')),
      grid);
    return true;
  }

  private send(): void {
    if (!this.nodeId) return;
    const image = Math.max(0, Math.floor(Number(this.imageInput.value) || 0));
    this.heading.textContent = `${tr('Feature maps')} · ${this.nodeName}`;
    this.body.replaceChildren(paragraph('fm-caption', tr("Loading the newest run's best checkpoint…")));
    this.request = this.nextId++;
    this.ask({ type: 'insight', requestId: this.request, query: { type: 'featureMaps', image, nodeId: this.nodeId } });
  }
}

function paragraph(className: string, text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}
