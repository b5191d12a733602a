"""JSON and numbers as the TypeScript side writes them, so that both engines' files read alike."""
import json
import math
import time
from datetime import datetime, timezone
from decimal import Decimal


def finite(value):
    """A copy of `value` whose non-finite floats are None: JSON.stringify writes NaN as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def line(value) -> str:
    """One JSON line, newline included, compact like JSON.stringify (a message, a metrics record)."""
    return json.dumps(finite(value), separators=(',', ':'), ensure_ascii=False, allow_nan=False) + '\n'


def pretty(value) -> str:
    """JSON.stringify(value, null, 2): run.json, checkpoint.json."""
    return json.dumps(finite(value), indent=2, ensure_ascii=False, allow_nan=False)


def now_ms() -> int:
    """A protocol `time`: milliseconds since the Unix epoch."""
    return int(time.time() * 1000)


def iso_now() -> str:
    """Date.prototype.toISOString(): UTC, milliseconds, `Z`."""
    t = datetime.now(timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + f'{t.microsecond // 1000:03d}Z'


def js_number(v: float) -> str:
    """String(v) as JavaScript writes a number (ECMAScript's Number::toString)."""
    if v != v:
        return 'NaN'
    if v in (math.inf, -math.inf):
        return 'Infinity' if v > 0 else '-Infinity'
    if v == 0:
        return '0'
    sign, digit_tuple, exponent = Decimal(repr(abs(float(v)))).as_tuple()
    digits = ''.join(map(str, digit_tuple)).rstrip('0')
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = k + exponent  # the value is 0.<digits> × 10^n
    minus = '-' if v < 0 else ''
    if k <= n <= 21:
        return minus + digits + '0' * (n - k)
    if 0 < n <= 21:
        return f'{minus}{digits[:n]}.{digits[n:]}'
    if -6 < n <= 0:
        return f'{minus}0.{"0" * -n}{digits}'
    body = digits[0] + (f'.{digits[1:]}' if k > 1 else '')
    return f'{minus}{body}e{"+" if n - 1 > 0 else "-"}{abs(n - 1)}'


def learning_rate(v: float) -> str:
    """shared/format.ts learningRate: two significant digits, as String(Number(v.toPrecision(2)))."""
    if v is None or not math.isfinite(v):
        return '—'
    return js_number(float(f'{v:.2g}'))
