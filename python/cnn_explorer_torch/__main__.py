"""`python -m cnn_explorer_torch <run>/spec.json`: the torch engine's trainer process, with the
process concerns of docs/trainer-protocol.md (src/engine/trainer/main.ts for the tfjs trainer):
messages on stdout, a `stop` command on stdin, SIGTERM and SIGINT, the exit codes.

DDP (under torchrun with spec.torch.distributed, docs/distributed.md): rank 0 is this process
as on one process. Another rank sends nothing (its stdout goes to stderr all the same, so a
stray print cannot reach the starter), never reads stdin (rank 0 owns the `stop` command), and
takes SIGTERM as a stop, which the ranks then agree on. A rank that lost its peers exits 3."""
import json
import os
import signal
import sys
import threading
import traceback

from . import distributed
from .trainer import TrainerIO, run_trainer


class Messages:
    """stdout for protocol messages only. Whatever else would reach stdout (a print in model.py,
    a native library) goes to stderr, the run's trainer.log, where it cannot tear a message
    line; if the starter goes away (EPIPE), messages stop and the run goes on."""

    def __init__(self, speaks: bool = True):
        sys.stdout.flush()
        # A DDP rank other than 0 keeps no copy of stdout: it never sends.
        self.fd = os.dup(1) if speaks else -1
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self.broken = not speaks

    def send(self, line: str) -> None:
        if self.broken:
            return
        data = line.encode('utf-8')
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:
            self.broken = True


class StopRequest:
    """A `stop` command or the first SIGTERM/SIGINT stops the run after the current step; the
    second signal is ignored; the third exits at once with 130 (run.json stays as last written)."""

    def __init__(self):
        self.event = threading.Event()
        self.signals = 0

    def requested(self) -> bool:
        return self.event.is_set()

    def on_signal(self) -> None:
        self.signals += 1
        if self.signals >= 3:
            os._exit(130)
        self.event.set()

    def watch_signals(self) -> None:
        wanted = {signal.SIGTERM, signal.SIGINT}
        if hasattr(signal, 'pthread_sigmask'):
            # Blocked in every thread (torch's included, which start later and inherit the mask)
            # and taken by one thread of ours: a signal is seen at once even while the main
            # thread is inside a long native call, where a Python handler would wait for it.
            signal.pthread_sigmask(signal.SIG_BLOCK, wanted)

            def wait():
                while True:
                    signal.sigwait(wanted)
                    self.on_signal()
            threading.Thread(target=wait, name='signals', daemon=True).start()
        else:
            for s in wanted:
                signal.signal(s, lambda *_: self.on_signal())

    def watch_stdin(self) -> None:
        def read():
            # stdin closing (the starter went away) is not a stop: the run goes on to its end.
            for raw in sys.stdin.buffer:
                try:
                    command = json.loads(raw.decode('utf-8', errors='replace'))
                except ValueError:
                    continue  # not a command: ignored
                if isinstance(command, dict) and command.get('type') == 'stop':
                    self.event.set()
        threading.Thread(target=read, name='stdin', daemon=True).start()


def main(argv: list) -> int:
    if len(argv) < 2 or not argv[1]:
        sys.stderr.write('usage: trainer <run>/spec.json\n')
        return 2
    # Before hello there is no one to tell but stderr: an unreadable spec.json is exit code 1.
    with open(argv[1], encoding='utf-8') as f:
        spec = json.load(f)
    where = distributed.placement(spec)
    stop = StopRequest()
    stop.watch_signals()
    if where is None or where.writes:
        stop.watch_stdin()
    messages = Messages(speaks=where is None or where.writes)
    try:
        result = run_trainer(spec, TrainerIO(send=messages.send, should_stop=stop.requested, placement=where))
    except distributed.PeerLost as err:
        sys.stderr.write(f'{where.label()}: another rank went away ({err}): exit {distributed.PEER_LOST_EXIT}\n')
        return distributed.PEER_LOST_EXIT
    return 1 if result['status'] == 'failed' else 0


if __name__ == '__main__':
    try:
        code = main(sys.argv)
    except Exception as err:  # a failure to even start: runTrainer records its own failures
        traceback.print_exc()
        if os.environ.get('RANK') is not None:
            from .errors import one_line
            distributed.write_error_file('internal', one_line(err))
        code = 1
    sys.stderr.flush()
    # Daemon threads blocked in reads (stdin) must not hold the process: leave at once.
    os._exit(code)
