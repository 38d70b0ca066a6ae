// The option parsers every subcommand shares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { collect, positiveInteger, positiveNumber } from '../../src/cli/options.js';

test('positiveInteger: whole numbers from 1 to the bound, nothing else', () => {
  assert.equal(positiveInteger()('7'), 7);
  assert.equal(positiveInteger(0xffffffff)('4294967295'), 0xffffffff);
  for (const bad of ['0', '-1', '1.5', 'x', '', '4294967296']) {
    assert.throws(() => positiveInteger(0xffffffff)(bad), InvalidArgumentError, bad);
  }
});

test('positiveNumber: any finite number above 0', () => {
  assert.equal(positiveNumber('0.5'), 0.5);
  for (const bad of ['0', '-2', 'Infinity', 'NaN', 'abc']) assert.throws(() => positiveNumber(bad), InvalidArgumentError, bad);
});

test('collect keeps repeated values in order', () => {
  assert.deepEqual(collect('b', collect('a', [])), ['a', 'b']);
});
