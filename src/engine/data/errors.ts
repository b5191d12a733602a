// The one error type of the datasets layer. Its message always starts with the file or folder
// that is wrong, then says what is wrong, so the CLI can print it as one line as it is.

/**
 * `missing`: the dataset (or one of its files) is not where it is looked for, or cannot be
 * fetched: putting the files in place fixes it. `corrupt`: the files are there but not what
 * they should be.
 */
export type DatasetProblem = 'missing' | 'corrupt';

export class DatasetError extends Error {
  override name = 'DatasetError';
  /** The file or folder the message is about. */
  readonly file: string;
  constructor(file: string, problem: string, readonly kind: DatasetProblem = 'corrupt') {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

/** The error for a file that cannot be opened: missing when it is not there, corrupt otherwise. */
export function unreadable(file: string, err: unknown): DatasetError {
  const code = (err as NodeJS.ErrnoException).code;
  return new DatasetError(file, `cannot be read (${code ?? String(err)})`, code === 'ENOENT' ? 'missing' : 'corrupt');
}
