import test from 'ava';
import { VERSION } from '../lib/index.ts';

test('the package loads', (t) => {
  t.is(VERSION, '0.1.0');
});
