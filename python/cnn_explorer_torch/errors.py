"""Why a run failed, as one code of the protocol (docs/trainer-protocol.md, Error codes): each step
raises TrainerError with its code where it knows what went wrong; `error_code` maps the rest,
as src/engine/trainer/errors.ts does for the tfjs trainer."""
import re

# PyTorch's own words for memory running out: CUDA's caching allocator, the CPU allocator, MPS.
_OUT_OF_MEMORY = re.compile(r"out of memory|can't allocate memory|\bOOM\b|MPS backend out of memory", re.IGNORECASE)
_SIZE = r'([\d.]+ ?[KMGTP]?i?B|\d+ bytes)'


class TrainerError(Exception):
    """An error the trainer raises itself, with its code and, when known, where in the model file."""

    def __init__(self, code: str, message: str, location=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.location = location


def is_out_of_memory(err: BaseException) -> bool:
    return isinstance(err, MemoryError) or (isinstance(err, RuntimeError) and bool(_OUT_OF_MEMORY.search(str(err))))


def _bytes(text: str) -> str:
    """`123456789 bytes` (the CPU allocator's figure) in the units the CUDA allocator uses."""
    m = re.fullmatch(r'(\d+) bytes', text)
    if not m:
        return text
    n = int(m.group(1))
    for unit, size in (('GiB', 1 << 30), ('MiB', 1 << 20), ('KiB', 1 << 10)):
        if n >= size:
            return f'{n / size:.2f} {unit}'
    return text


def memory_figures(err: BaseException) -> str:
    """What the allocator said it could not do, as one short clause: `tried to allocate 2.00 GiB (1.19 GiB free of 15.78 GiB)`."""
    text = str(err)
    asked = re.search(r'(?:tried|Tried) to allocate ' + _SIZE, text)
    total = re.search(r'total capacity of ' + _SIZE, text) or re.search(_SIZE + r' total capacity', text)
    free = re.search(r'of which ' + _SIZE + ' is free', text) or re.search(_SIZE + ' free', text)
    if not asked:
        first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
        return first.split('. ')[0]
    clause = f'tried to allocate {_bytes(asked.group(1))}'
    if free and total:
        clause += f' ({free.group(1)} free of {total.group(1)})'
    elif total:
        clause += f' (of {total.group(1)})'
    return clause


def out_of_memory(err: BaseException, where: str, advice: str) -> TrainerError:
    """The out-of-memory error of a step, naming the device, the step, the figure and what to change."""
    return TrainerError('out-of-memory', f'out of memory {where}: {memory_figures(err)}: {advice}')


def one_line(err: BaseException) -> str:
    """An exception's message as one line for people (the stack goes to trainer.log)."""
    text = str(err).strip()
    first = text.splitlines()[0] if text else ''
    return first or type(err).__name__


def error_code(err: BaseException) -> str:
    if isinstance(err, TrainerError):
        return err.code
    if is_out_of_memory(err):
        return 'out-of-memory'
    return 'internal'
