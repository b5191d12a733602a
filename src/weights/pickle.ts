// A Python unpickler for the data torch.save writes (protocol 2 by default; the opcodes of
// protocols 0–5 that plain containers and numbers use are read too). Nothing is executed:
// a global is a PyGlobal, and calling one (REDUCE, NEWOBJ) yields what `call` makes of it,
// by default an opaque PyObject, so a checkpoint dict's unrelated parts (optimizer state,
// argparse namespaces, numpy scalars) read without harm.

export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  toString(): string { return `${this.module}.${this.name}`; }
}

/** An instance of a class this reader does not model: what made it, and its state (BUILD). */
export class PyObject {
  state: unknown = undefined;
  readonly items: [unknown, unknown][] = [];
  constructor(readonly callable: unknown, readonly args: unknown[]) {}
}

export interface UnpickleHooks {
  /** What a REDUCE or NEWOBJ of `callable` with `args` yields; undefined for a PyObject. */
  call?: (callable: PyGlobal, args: unknown[]) => unknown;
  /** BINPERSID/PERSID: the object a persistent id stands for (torch: a storage). */
  persistentLoad?: (pid: unknown) => unknown;
}

/** A pickle that cannot be read: says where and what. */
export class PickleError extends Error {
  override name = 'PickleError';
}

/** Python's `pickle.loads`, restricted as above. `where` names the data in errors. */
export function unpickle(bytes: Uint8Array, where: string, hooks: UnpickleHooks = {}): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const fail = (what: string): never => { throw new PickleError(`${where}: ${what}`); };
  const need = (n: number) => { if (pos + n > bytes.length) fail(`ends in the middle of an instruction (byte ${pos}): truncated?`); };
  const u8 = () => { need(1); return bytes[pos++]!; };
  const u16 = () => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const i32 = () => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const u32 = () => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const u64 = () => { need(8); const v = Number(view.getBigUint64(pos, true)); pos += 8; return v; };
  const take = (n: number) => { need(n); const b = bytes.subarray(pos, pos + n); pos += n; return b; };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a text instruction has no end of line');
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0) fail(`pops an empty stack (byte ${pos})`);
    return stack.pop();
  };
  const top = () => stack[stack.length - 1];
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail(`no mark to pop to (byte ${pos})`);
    return stack.splice(m!);
  };
  const call = (callable: unknown, args: unknown[]): unknown => {
    if (callable instanceof PyGlobal) {
      const made = hooks.call?.(callable, args);
      if (made !== undefined) return made;
    }
    return new PyObject(callable, args);
  };
  const setItems = (target: unknown, pairs: unknown[]) => {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      if (target instanceof Map) target.set(pairs[i], pairs[i + 1]);
      else if (target instanceof PyObject) target.items.push([pairs[i], pairs[i + 1]]);
      else fail(`sets items on a ${typeof target} (byte ${pos})`);
    }
  };
  const append = (target: unknown, values: unknown[]) => {
    if (Array.isArray(target)) target.push(...values);
    else if (target instanceof PyObject) target.items.push(...values.map((v) => [null, v] as [unknown, unknown]));
    else fail(`appends to a ${typeof target} (byte ${pos})`);
  };
  const long = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: return pop(); // STOP
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { const items = popMark(); const s = top(); if (s instanceof Set) items.forEach((i) => s.add(i)); break; } // ADDITEMS
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(long(take(u8()))); break; // LONG1
      case 0x8b: stack.push(long(take(i32()))); break; // LONG4
      case 0x47: { need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT
      case 0x49: { const s = line(); stack.push(s === '01' ? true : s === '00' ? false : Number(s)); break; } // INT
      case 0x4c: stack.push(Number(line().replace(/L$/, ''))); break; // LONG
      case 0x46: stack.push(Number(line())); break; // FLOAT
      case 0x58: stack.push(utf8.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(utf8.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8.decode(take(u64()))); break; // BINUNICODE8
      case 0x54: stack.push(latin1.decode(take(i32()))); break; // BINSTRING
      case 0x55: stack.push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const vs = popMark(); append(top(), vs); break; } // APPENDS
      case 0x64: { const m = new Map(); setItems(m, popMark()); stack.push(m); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x68: case 0x6a: case 0x67: { // BINGET, LONG_BINGET, GET
        const key = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(key)) fail(`refers to memo ${key}, never stored (byte ${at})`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: { const module = line(); stack.push(new PyGlobal(module, line())); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push(new PyGlobal(String(module), String(name))); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); const f = pop(); stack.push(call(f, Array.isArray(args) ? args : [args])); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(call(cls, Array.isArray(args) ? args : [args])); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); const cls = pop(); stack.push(call(cls, Array.isArray(args) ? args : [args])); break; } // NEWOBJ_EX
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (obj instanceof PyObject) obj.state = state;
        break; // a dict's instance attributes (OrderedDict's _metadata) are of no use here
      }
      case 0x51: stack.push(hooks.persistentLoad ? hooks.persistentLoad(pop()) : fail('has persistent ids, which this data does not expect')); break; // BINPERSID
      case 0x50: { const id = line(); stack.push(hooks.persistentLoad ? hooks.persistentLoad(id) : fail('has persistent ids')); break; } // PERSID
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      default:
        fail(`pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at} is not read`);
    }
  }
}
