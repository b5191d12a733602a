// A view's redraw, at most once per animation frame. A live run posts its curves every second,
// and more can arrive at once (a reloaded view, several live runs): the updates in between are
// drawn once, from the latest state. The first redraw after a quiet frame runs at once, so an
// update is on screen as soon as it arrives; a hidden webview (no frames) redraws again when it
// shows.

export function redrawPerFrame(draw: () => void): () => void {
  let drewThisFrame = false;
  let pending = false;
  const request = (): void => {
    if (drewThisFrame) {
      pending = true;
      return;
    }
    draw();
    drewThisFrame = true;
    requestAnimationFrame(() => {
      drewThisFrame = false;
      if (pending) {
        pending = false;
        request();
      }
    });
  };
  return request;
}
