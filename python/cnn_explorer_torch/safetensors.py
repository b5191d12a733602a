"""The safetensors format, read and written with torch alone.

Checkpoints of both engines and the prepared datasets are safetensors files (8-byte
little-endian header length, a JSON header, the tensors' raw little-endian bytes). Debian has no
package of the safetensors library, so this module is the format for the torch engine; its
TypeScript twin is src/weights/safetensors.ts.
"""

import json
import os
import struct
import sys

import torch

__all__ = ["save_file", "load_file", "load_metadata", "SafetensorsError"]

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {dtype: name for name, dtype in _DTYPES.items()}
_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}

# The largest header the reference implementation accepts.
_MAX_HEADER = 100_000_000


class SafetensorsError(ValueError):
    """A file that is not a whole, valid safetensors file; the message names it and what is wrong."""

    def __init__(self, path, what):
        super().__init__(f"{path}: not a valid safetensors file: {what}")


def _as_bytes(tensor):
    t = tensor.detach().to("cpu").contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what is written
    data = t.numpy().tobytes()
    if sys.byteorder != "little" and t.element_size() > 1:
        data = t.numpy().byteswap().tobytes()
    return data


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} (in the dict's order) and string metadata to `path`, atomically:
    a temporary file beside it, renamed over it once complete."""
    header = {}
    if metadata:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"metadata must map str to str, got {key!r}: {type(value).__name__}")
        header["__metadata__"] = dict(metadata)
    offset = 0
    parts = []
    for name, tensor in tensors.items():
        if name == "__metadata__":
            raise ValueError("a tensor cannot be named '__metadata__'")
        if tensor.dtype not in _NAMES:
            raise TypeError(f"tensor {name!r}: dtype {tensor.dtype} is not written (write one of {', '.join(_DTYPES)})")
        data = _as_bytes(tensor)
        header[name] = {"dtype": _NAMES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        parts.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # data starts aligned, as the reference writer does
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for data in parts:
                f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _read_header(path, f, size):
    if size < 8:
        raise SafetensorsError(path, f"{size} bytes is shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", f.read(8))
    if n > _MAX_HEADER:
        raise SafetensorsError(path, f"header length {n} is over the format's limit of {_MAX_HEADER} bytes")
    if 8 + n > size:
        raise SafetensorsError(path, f"the header is {n} bytes but the file ends after {size - 8} (truncated?)")
    try:
        header = json.loads(f.read(n).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SafetensorsError(path, f"the header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise SafetensorsError(path, "the header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError(path, "__metadata__ is not an object of strings")
    data_length = size - 8 - n
    for name, e in header.items():
        if not isinstance(e, dict):
            raise SafetensorsError(path, f"tensor {name!r} has no description")
        dtype, shape, offsets = e.get("dtype"), e.get("shape"), e.get("data_offsets")
        if dtype not in _DTYPES:
            raise SafetensorsError(path, f"tensor {name!r} has dtype {dtype!r} (read: {', '.join(_DTYPES)})")
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise SafetensorsError(path, f"tensor {name!r} has shape {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(isinstance(d, int) and d >= 0 for d in offsets)
                or offsets[0] > offsets[1]):
            raise SafetensorsError(path, f"tensor {name!r} has data_offsets {offsets!r}")
        count = 1
        for d in shape:
            count *= d
        if offsets[1] - offsets[0] != count * _SIZES[dtype]:
            raise SafetensorsError(path, f"tensor {name!r} ({dtype} {shape}) needs {count * _SIZES[dtype]} bytes "
                                         f"but its data_offsets span {offsets[1] - offsets[0]}")
        if offsets[1] > data_length:
            raise SafetensorsError(path, f"tensor {name!r} ends at data byte {offsets[1]} "
                                         f"but the file holds {data_length} bytes of data (truncated?)")
    return header, metadata, 8 + n


def load_file(path):
    """{name: tensor} on the CPU, in the order of their data in the file."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        header, _, start = _read_header(path, f, size)
        f.seek(start)
        data = f.read()
    out = {}
    for name, e in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        begin, end = e["data_offsets"]
        dtype = _DTYPES[e["dtype"]]
        if begin == end:
            out[name] = torch.empty(e["shape"], dtype=dtype)
            continue
        chunk = bytearray(data[begin:end])  # writable, so torch.frombuffer does not warn
        if dtype == torch.bfloat16:
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(chunk, dtype=dtype)
        if sys.byteorder != "little" and _SIZES[e["dtype"]] > 1:
            t = torch.from_numpy(t.numpy().byteswap())
        out[name] = t.reshape(e["shape"])
    return out


def load_metadata(path):
    """The file's __metadata__ (reads the header only)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        _, metadata, _ = _read_header(path, f, size)
    return dict(metadata)
