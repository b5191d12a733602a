import { attachTrainer } from '../../engine/trainer/attach';
import { listRuns } from '../../runs/store';
import { LiveRun } from './liveRun';

// After a reload of the window: the newest run in the runs folder whose trainer is still alive
// on this machine becomes the live run again (status bar, progress, Stop, the sidebar's live view).

/** The newest run of `runsDir` still training here, followed from its folder; null when none is. */
export function reattachLiveRun(runsDir: string): LiveRun | null {
  for (const { id, dir, record } of listRuns(runsDir)) {
    if (record?.status !== 'running') continue;
    const handle = attachTrainer(dir, id);
    if (!handle) continue;
    return new LiveRun(handle, record.model.name, record.config.epochs, Date.parse(record.startedAt));
  }
  return null;
}
