// Malformed and unusual mail, as real archives hold a little of it: no Message-ID, a broken Date, raw 8-bit
// bytes in headers, encoded words, base64 and quoted-printable patches, a patch as a MIME attachment, CRLF line
// ends, "From " lines in bodies, a duplicated Message-ID, a References loop, a header without a colon, a NUL
// byte, a huge References header, an empty body. Returns { ms, text } in the archive's byte convention (latin1
// strings carry raw bytes).
import { renderFileDiff } from './realDiffs.mjs';
import { renderMessage, replyId } from './messages.mjs';

const KINDS = [
  'no-message-id',
  'bad-date',
  'raw-8bit-from',
  'encoded-subject',
  'base64-patch',
  'qp-patch',
  'attachment',
  'crlf',
  'from-line',
  'duplicate-id',
  'reference-loop',
  'no-colon',
  'nul-byte',
  'huge-references',
  'empty-body',
];

function qpEncode(text) {
  return text
    .split('\n')
    .map((line) => {
      let encoded = line
        .replace(/[=\x80-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
        .replace(/[ \t]$/, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
      const out = [];
      while (encoded.length > 75) {
        let cut = 75;
        const eq = encoded.lastIndexOf('=', cut);
        if (eq > cut - 3) cut = eq;
        out.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      out.push(encoded);
      return out.join('\n');
    })
    .join('\n');
}

export function* malformedMessages(random, { people, mail, fileDiffs, count }) {
  const DAY = 86_400_000;
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const from = random.pick(people);
    const ms = Date.UTC(2021, 0, 4) + random.int(2000) * DAY;
    const fileDiff = random.pick(fileDiffs);
    const hunks = fileDiff.hunks.slice(0, 2);
    const diff = renderFileDiff(fileDiff, hunks).text;
    const fn = hunks[0].fn ?? 'mm';
    const base = {
      from,
      ms,
      id: replyId(random, from, ms),
      subject: `[PATCH] ${fileDiff.path.replace(/\.[ch]$/, '')}: tweak ${fn}()`,
      body: `Small cleanup of ${fn}().\n\nSigned-off-by: ${from.name} <${from.email}>\n---\n${diff}\n-- \n2.45.2\n`,
    };
    let text;
    switch (kind) {
      case 'no-message-id':
        text = renderMessage(random, { ...base, id: undefined });
        break;
      case 'bad-date':
        text = renderMessage(random, { ...base, date: 'Tuesday, sometime in the afternoon' });
        break;
      case 'raw-8bit-from':
        text = renderMessage(random, { ...base, fromName: `J\xf6rg ${from.name.split(' ')[1]}` });
        break;
      case 'encoded-subject':
        text = renderMessage(random, {
          ...base,
          subject: `=?UTF-8?B?${Buffer.from(`${base.subject} \u2013 r\u00e9vision`, 'utf8').toString('base64')}?=`,
        });
        break;
      case 'base64-patch':
        text = renderMessage(random, {
          ...base,
          contentHeaders: ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64'],
          body: Buffer.from(base.body, 'latin1')
            .toString('base64')
            .replace(/(.{76})/g, '$1\n'),
        });
        break;
      case 'qp-patch':
        text = renderMessage(random, {
          ...base,
          contentHeaders: ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable'],
          body: qpEncode(base.body),
        });
        break;
      case 'attachment': {
        const boundary = `------------${random.hex(24)}`;
        text = renderMessage(random, {
          ...base,
          contentHeaders: [`Content-Type: multipart/mixed; boundary="${boundary}"`],
          body: `This is a multi-part message in MIME format.\n--${boundary}\nContent-Type: text/plain; charset=UTF-8\n\nPatch attached, my mailer mangles inline patches.\n\n--${boundary}\nContent-Type: text/x-patch; charset=UTF-8; name="0001-${fn}.patch"\nContent-Disposition: attachment; filename="0001-${fn}.patch"\nContent-Transfer-Encoding: 8bit\n\n${base.body}\n--${boundary}--\n`,
        });
        break;
      }
      case 'crlf':
        text = renderMessage(random, base).replace(/\n/g, '\r\n');
        break;
      case 'from-line':
        text = renderMessage(random, {
          ...base,
          body: `From the changelog of v2:\n>From a reader's point of view nothing changes.\n\n${base.body}`,
        });
        break;
      case 'duplicate-id': {
        const earlier = mail[random.int(mail.length)];
        text = renderMessage(random, { ...base, id: earlier.id ?? base.id, subject: `Re: ${base.subject}` });
        break;
      }
      case 'reference-loop': {
        const a = base.id;
        const b = replyId(random, from, ms + 1000);
        yield {
          ms,
          text: renderMessage(random, {
            ...base,
            references: [b],
            inReplyTo: b,
            subject: `Re: ${base.subject}`,
            body: `${fn}() loops.\n`,
          }),
        };
        text = renderMessage(random, {
          ...base,
          id: b,
          ms: ms + 1000,
          references: [a],
          inReplyTo: a,
          subject: `Re: ${base.subject}`,
          body: `> ${fn}() loops.\n\nNo, it does not.\n`,
        });
        i++;
        break;
      }
      case 'no-colon':
        text = renderMessage(random, {
          ...base,
          extraHeaders: ['This header line has no colon at all', `X-Odd: ${'x'.repeat(2000)}`],
        });
        break;
      case 'nul-byte':
        text = renderMessage(random, { ...base, body: `${base.body.slice(0, 40)}\x00\x00${base.body.slice(40)}` });
        break;
      case 'huge-references':
        text = renderMessage(random, {
          ...base,
          subject: `Re: ${base.subject}`,
          references: Array.from({ length: 400 }, () => replyId(random, random.pick(people), ms)),
          inReplyTo: undefined,
        });
        break;
      default:
        text = renderMessage(random, { ...base, body: '' });
    }
    yield { ms, text };
  }
}
