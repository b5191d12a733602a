import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeTrainerCommand, encodeTrainerMessage, parseTrainerCommand, parseTrainerLine, protocolMismatch, TRAINER_PROTOCOL_VERSION,
  type TrainerMessage,
} from '../../../src/shared/trainerProtocol';

// The trainer protocol's encoders and parsers (docs/trainer-protocol.md): what a reader accepts,
// what it ignores, and what it makes of another version.

test('a message survives its encoder and the parser, one line each', () => {
  const msgs: TrainerMessage[] = [
    { type: 'hello', protocol: TRAINER_PROTOCOL_VERSION, runId: 'r', pid: 42, time: 1 },
    { type: 'backend', backend: 'wasm', reason: 'fastest CPU backend available', detail: 'XNNPACK', message: 'backend wasm (XNNPACK): …', time: 2 },
    { type: 'status', phase: 'data', message: 'loading mnist', time: 3 },
    { type: 'download', file: 'cifar-10-binary.tar.gz', url: 'https://x/c.tgz', received: 10, total: null, bytesPerSecond: 5, etaSeconds: null, time: 3 },
    { type: 'error', code: 'dataset-missing', message: 'x: not found', location: null, time: 4 },
  ];
  for (const m of msgs) {
    const line = encodeTrainerMessage(m);
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    assert.deepEqual(parseTrainerLine(line), m);
  }
});

test('parseTrainerLine turns down what is not a message of this version', () => {
  for (const junk of [
    '', 'Warning: Dawn says hi', '[1,2]', '{"type":', 'null', '{}', '{"type":42}', '{"type":"launch"}',
    '{"type":"status","phase":"backend","message":"backend cpu: requested","time":1}',
  ]) {
    assert.equal(parseTrainerLine(junk), null, junk);
  }
  // An error code this reader does not know still reads as a failure.
  assert.deepEqual(parseTrainerLine('{"type":"error","code":"disk-full","message":"m","location":null,"time":1}'),
    { type: 'error', code: 'internal', message: 'm', location: null, time: 1 });
  // Fields it does not know are kept, and harmless.
  assert.equal(parseTrainerLine('  {"type":"status","phase":"training","message":"m","time":1,"extra":true}  ')?.type, 'status');
});

test('commands: one encoder, and the trainer reads only what it knows', () => {
  assert.equal(encodeTrainerCommand({ type: 'stop' }), '{"type":"stop"}\n');
  assert.deepEqual(parseTrainerCommand('{"type":"stop"}'), { type: 'stop' });
  for (const junk of ['stop', '{"type":"pause"}', '{', '']) assert.equal(parseTrainerCommand(junk), null, junk);
});

test('the version: the same is followed, another is not', () => {
  assert.equal(TRAINER_PROTOCOL_VERSION, 1);
  assert.equal(protocolMismatch({ type: 'hello', protocol: 1, runId: 'r', pid: 1, time: 0 }), null);
  assert.match(protocolMismatch({ type: 'hello', protocol: 2, runId: 'r', pid: 1, time: 0 })!, /protocol version 2.*reads version 1/);
});
