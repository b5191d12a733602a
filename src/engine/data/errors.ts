// The one error type of the datasets layer. Its message always starts with the file or folder
// that is wrong, then says what is wrong, so the CLI can print it as one line as it is.

export class DatasetError extends Error {
  override name = 'DatasetError';
  /** The file or folder the message is about. */
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}
