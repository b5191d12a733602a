"""The run folder's files, written as src/runs/files.ts and src/runs/store.ts write them: run.json
replaced atomically (a temporary file beside it, then a rename), metrics.jsonl appended one
whole line per write, and the result a run reports (src/runs/result.ts)."""
import errno
import json
import os
import secrets

from . import jsonfmt

_WRITE_FAILURES = {
    errno.ENOSPC: 'no space left on device', errno.EDQUOT: 'disk quota exceeded',
    errno.EFBIG: 'file too large', errno.EROFS: 'read-only file system',
}


class RunWriteError(Exception):
    """A run folder that cannot be written (a full disk, a quota): the message names the file and why."""

    def __init__(self, file: str, cause: OSError):
        self.file = file
        why = _WRITE_FAILURES.get(cause.errno) or cause.strerror or str(cause)
        super().__init__(f'cannot write {file}: {why}')


def _suffix() -> str:
    # The writer's pid and a random part: two trainers sharing a runs folder never collide.
    return f'{os.getpid()}.{secrets.token_hex(3)}'


def write_json_atomic(file: str, value) -> None:
    tmp = os.path.join(os.path.dirname(file), f'.{os.path.basename(file)}.{_suffix()}.tmp')
    try:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(jsonfmt.pretty(value) + '\n')
        os.replace(tmp, file)
    except OSError as err:
        # A half-written temporary file would hold on to the space a full disk needs back.
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise RunWriteError(file, err) from err


def read_json(file: str):
    try:
        with open(file, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class JsonlWriter:
    """Appends lines; each is one write(2) where the system allows, so readers see it whole at once."""

    def __init__(self, file: str):
        self.file = file
        self.fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def append_line(self, text: str) -> None:
        data = text.encode('utf-8')
        written = 0
        try:
            while written < len(data):
                written += os.write(self.fd, data[written:])
        except OSError as err:
            if written > 0:
                # A line cut short by a full disk is cut back off: the file keeps whole lines only.
                try:
                    os.ftruncate(self.fd, os.fstat(self.fd).st_size - written)
                except OSError:
                    pass  # left torn: readers skip it
            raise RunWriteError(self.file, err) from err

    def close(self) -> None:
        os.close(self.fd)


def run_json_path(run_dir: str) -> str:
    return os.path.join(run_dir, 'run.json')


def read_run(run_dir: str):
    return read_json(run_json_path(run_dir))


def update_run(run_dir: str, change) -> dict:
    """Reads run.json, lets `change` edit the record in place, writes it back atomically."""
    current = read_run(run_dir)
    if current is None:
        raise RuntimeError(f'no run.json in {run_dir}')
    change(current)
    write_json_atomic(run_json_path(run_dir), current)
    return current


def update_run_or_keep(run_dir: str, change) -> dict:
    """update_run for the end of a run: a run.json that cannot be written still gives the record as changed."""
    try:
        return update_run(run_dir, change)
    except RunWriteError:
        current = read_run(run_dir)
        if current is None:
            raise
        change(current)
        return current


def run_result(record, run_id: str, run_dir: str) -> dict:
    """src/runs/result.ts runResult: the result as run.json says it."""
    r = record or {}
    best = r.get('best')
    status = r.get('status', 'interrupted')
    return {
        'runId': run_id, 'runDir': run_dir, 'status': status,
        'backend': (r.get('backend') or {}).get('name'),
        'epochs': r.get('epochsCompleted') or 0,
        'bestEpoch': r.get('bestEpoch'),
        'testAccuracy': best['test']['accuracy'] if best else None,
        'testLoss': best['test']['loss'] if best else None,
        'perClassAccuracy': best['perClassAccuracy'] if best else [],
        'classNames': (r.get('dataset') or {}).get('classNames', []),
        'confusionMatrix': best['confusionMatrix'] if best else [],
        'trainImagesPerSecond': r.get('trainImagesPerSecond'),
        'wallSeconds': r.get('wallSeconds') or 0,
        'error': r.get('error') if record else 'the run folder has no readable run.json',
        'errorCode': r.get('errorCode') if status == 'failed' else None,
        'worldSize': (r.get('distributed') or {}).get('worldSize', 1),
    }
