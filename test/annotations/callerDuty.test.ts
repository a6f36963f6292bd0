import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callerDutyOf } from '../../server/src/annotations/callerDuty';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';

void test('caller duty of a tracked function: what must be held, then what the call leaves held (shipped data)', () => {
  const duty = callerDutyOf('folio_walk_start', parseKernelVersion('6.12'));
  assert.ok(duty);
  assert.match(duty, /^needs mmap lock \(read\); /);
  assert.match(duty, /folio_walk_end\(\)/);
});

void test('the call-context entry applies only to its versions; the catalog then speaks, and untracked names get nothing', () => {
  // make_device_exclusive_range: the call-context entry holds until 6.15, the catalog keeps its own wording.
  assert.equal(
    callerDutyOf('make_device_exclusive_range', parseKernelVersion('6.12')),
    'needs mmap lock; pages returned locked and referenced: unlock + put each non-NULL page when done',
  );
  assert.equal(
    callerDutyOf('make_device_exclusive_range', parseKernelVersion('6.15')),
    'needs mmap lock; pages[i] != NULL: page locked and referenced (unlock_page + put_page)',
  );
  assert.equal(callerDutyOf('no_such_function_anywhere'), undefined);
});
