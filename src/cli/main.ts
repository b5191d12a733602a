import { LocatedError, formatError } from '../dsl/errors';
import { translationsFor } from '../shared/l10n/bundles';
import { tr, useTranslations } from '../shared/l10n/translate';
import { UsageError } from './args';
import { languageFromEnv } from './locale';
import { relativeToCwd } from './paths';

// `cnn-explorer <command> …`: a thin shell over the same modules the extension uses.
// User errors print one line (`file:line:column: message`); stacks only with --verbose (which
// also shows what a trainer wrote on its stderr: library warnings, the stack of its failure).

type Command = (argv: string[], options: { verbose: boolean }) => Promise<void>;

const commands: Record<string, { load: () => Promise<Command>; usage: string }> = {
  summary: {
    load: async () => (await import('./summary')).summaryCommand,
    usage: 'summary FILE [--model EXPORT] [--json | --format table|json|md|csv|latex]',
  },
  runs: {
    load: async () => (await import('./runs')).runsCommand,
    usage: 'runs list|show ID [--curves csv]|compare ID ID… [--format md|csv [--table runs|config|metrics|per-class|curves]]'
      + '|import DIR [--runs-dir DIR] [--json]',
  },
  train: {
    load: async () => (await import('./train')).trainCommand,
    usage: 'train FILE [--model EXPORT|all] [--dataset ID] [--data-dir DIR] [--epochs N] [--batch-size N] [--set key.path=value]… '
      + '[--sweep key.path=[v1,v2,…]]… [--limit-train N] [--limit-test N] [--backend auto|torch|tensorflow|webgpu|wasm|cpu] '
      + '[--python PATH] [--runs-dir DIR] [--json]',
  },
  export: {
    load: async () => (await import('./export')).exportCommand,
    usage: 'export FILE [--model EXPORT] --format pytorch [-o OUT.py | --with-training -o DIR [--set key.path=value]… [--limit-train N] [--limit-test N] [--data-dir DIR]]',
  },
  evaluate: {
    load: async () => (await import('./evaluate')).evaluateCommand,
    usage: 'evaluate RUN [--checkpoint best|last] [--runs-dir DIR] [--data-dir DIR] [--backend B] [--python PATH] [--json]',
  },
  insight: {
    load: async () => (await import('./insight')).insightCommand,
    usage: 'insight RUN --serve [--runs-dir DIR] [--data-dir DIR] [--backend B]',
  },
  predict: {
    load: async () => (await import('./predict')).predictCommand,
    usage: 'predict FILE [--model EXPORT] --weights RUN|FILE --input IMAGE [--runs-dir DIR] [--json]',
  },
};

function usage(): string {
  return [tr('usage: {0}', 'cnn-explorer <command> [options]'), '', tr('commands:'),
    ...Object.values(commands).map((c) => `  cnn-explorer ${c.usage}`),
    '', tr('options for every command:'), `  --verbose  ${tr("print stacks, and what a trainer writes on its stderr (else kept in its run folder's trainer.log)")}`].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const language = languageFromEnv(process.env);
  useTranslations(translationsFor(language), language);
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const name = args[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`${tr("unknown command '{0}'", name)}\n${usage()}`);
    await (await command.load())(args.slice(1), { verbose });
  } catch (err) {
    process.exitCode = 1;
    if (verbose) console.error(err);
    else if (err instanceof LocatedError) console.error(relativeToCwd(formatError(err)));
    else console.error(`cnn-explorer: ${err instanceof Error ? err.message : String(err)}`);
  }
}

void main(process.argv.slice(2));
