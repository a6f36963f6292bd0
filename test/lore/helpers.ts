import * as path from 'path';
import { MailIndex, type MailIndexOptions } from '../../server/src/lore/mailIndex';

/** Shared bits of the lore tests: fixture paths and a mail index that records its log lines. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'lore');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export async function loadMail(
  names: string[],
  options: Partial<MailIndexOptions> = {},
): Promise<{ index: MailIndex; logs: string[] }> {
  const logs: string[] = [];
  const index = await MailIndex.load(
    names.map((name) => (path.isAbsolute(name) ? name : fixture(name))),
    (line) => logs.push(line),
    options,
  );
  return { index, logs };
}

export const V1_COVER = '20250129115411.2077152-1-david@redhat.com';
export const V1_PATCH = '20250129115411.2077152-5-david@redhat.com';
export const POPPLE_V1_REPLY = '7tzcpx23vufmp5cxutnzhjgdj7kwqrw5drwochpv5ern7zknhj@h2s6y2qjbr3f';
export const DAVID_FIRST_REPLY = '180e9c2f-51fe-44ba-ac68-5aa7b7918ab0@redhat.com';
export const DAVID_READD_REPLY = '547f6335-ceb4-4160-ba72-5214bf5c82f3@redhat.com';
export const SIMONA_REPLY = 'Z5tI-cOSyzdLjoe_@phenom.ffwll.local';
export const BROST_PATCH = '20240911030337.870160-2-matthew.brost@intel.com';
export const POPPLE_BROST_REPLY = '87mskehjtc.fsf@nvdebian.thelocal';
