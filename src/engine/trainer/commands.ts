import type { TrainerCommand } from './protocol';

/** One stdin line → a command, or null for anything else. */
export function parseTrainerCommand(line: string): TrainerCommand | null {
  try {
    const msg = JSON.parse(line) as TrainerCommand;
    return msg && msg.type === 'stop' ? msg : null;
  } catch {
    return null;
  }
}
