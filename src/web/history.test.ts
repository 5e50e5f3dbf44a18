import { describe, expect, it } from 'vitest';
import { actionLabel, actorLabel, changesOf, formatValue, History } from './history.tsx';
import { fieldLabel } from './labels.ts';

const event = (action: string, before: unknown, after: unknown) => ({
  seq: 1,
  at: '2026-02-01T10:00:00.000Z',
  actor: 'user:3 (ana@example.com)',
  action,
  before,
  after,
});

describe('the history of a request, in words', () => {
  it('tells a comment and a correspondence entry in words', () => {
    expect(actionLabel('comment.post')).toBe('Commented');
    expect(actionLabel('correspondence.record')).toBe('Logged correspondence with the agency');
    const entry = changesOf(
      event('correspondence.record', null, {
        correspondence_id: 4,
        direction: 'received',
        occurred_at: '2026-11-02T14:00:00.000Z',
        channel: 'in_person',
        counterpart: 'SA Jane Roe, FBI Boston',
        document_id: 9,
      }),
    ).map((c) => `${c.label}: ${c.value}`);
    expect(entry).toEqual([
      'Entry number: #4',
      'Direction: Received',
      'Sent or received: 2026-11-02 14:00 UTC',
      'Channel: In person',
      'Counterpart: SA Jane Roe, FBI Boston',
      'Document: #9',
    ]);
    expect(
      changesOf(event('comment.post', null, { comment_id: 7, comment: 'Called the AUSA.' })).map(
        (c) => `${c.label}: ${c.value}`,
      ),
    ).toEqual(['Comment number: #7', 'Comment: Called the AUSA.']);
  });

  it('names fields in words, and spells out any key it does not know', () => {
    expect(fieldLabel('notice_status')).toBe('Customer notice');
    expect(fieldLabel('external_ref')).toBe('External ref');
    expect(fieldLabel('called_back_at')).toBe('Called back');
    expect(fieldLabel('hold_id')).toBe('Hold');
    expect(fieldLabel('some_new_field')).toBe('Some new field');
  });

  it('formats instants with when(), code words with label(), and leaves typed text as typed', () => {
    expect(formatValue('responded_at', '2026-01-10T09:30:00.000Z')).toBe('2026-01-10 09:30 UTC');
    expect(formatValue('status', 'in_review')).toBe('In review');
    expect(formatValue('outcome', 'non_content_produced')).toBe('Non-content produced');
    expect(formatValue('authority', 'sca_2705b')).toBe('18 U.S.C. 2705(b) order');
    expect(formatValue('reason', 'asked by Sgt. Walk')).toBe('asked by Sgt. Walk');
    expect(formatValue('reason', 'duplicate')).toBe('duplicate');
    expect(formatValue('hold_id', 12)).toBe('#12');
    expect(formatValue('produced', [])).toBe('none');
    expect(formatValue('produced', ['basic_subscriber', 'content'])).toBe(
      'Basic subscriber information; Content',
    );
    expect(formatValue('targets', [{ identifier: 'AC1', result: 'produced' }])).toBe(
      'Identifier: AC1, Result: Produced',
    );
    expect(formatValue('note', null)).toBe('—');
  });

  it('shows each field after the event, with the value before when it changed', () => {
    const changes = changesOf(
      event(
        'request.transition',
        { status: 'received', outcome: null },
        { status: 'in_review', reason: 'papers arrived' },
      ),
    );
    expect(changes).toEqual([
      { key: 'status', label: 'Status', value: 'In review', was: 'Received' },
      { key: 'reason', label: 'Reason', value: 'papers arrived' },
    ]);
    expect(
      changesOf(event('notice.record', { notice_status: 'pending' }, { notice_status: 'pending' })),
    ).toEqual([{ key: 'notice_status', label: 'Customer notice', value: 'Pending' }]);
  });

  it('renders no raw key, escapes what was typed, and names actions and actors in words', () => {
    const html = History({
      events: [
        event('request.create', null, {
          external_ref: 'X-1',
          process_type: 'search_warrant',
          received_at: '2026-01-10T09:30:00Z',
          agency: { name: 'Police', kind: 'law_enforcement' },
          data_sought: ['content'],
          accounts: ['AC1'],
          emergency: false,
        }),
        event(
          'notice.record',
          { notice_status: 'pending' },
          {
            notice_status: 'not_possible',
            reason: '<script>alert(1)</script>',
          },
        ),
        event('something.new', null, { some_new_field: 'a_code_word' }),
      ],
    }).value;
    expect(html).not.toMatch(/notice_status|not_possible|external_ref|process_type|some_new_field/);
    expect(html).toContain(
      '<dt>Customer notice</dt><dd><span class="was">Pending</span> → Not possible</dd>',
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<summary>7 fields</summary>');
    expect(html).toContain('<dt>External ref</dt><dd>X-1</dd>');
    expect(html).toContain('<dt>Some new field</dt><dd>A code word</dd>');
    expect(html).toContain('Something new');
    expect(html).toContain('>ana@example.com</span>');
    expect(actionLabel('request.transition')).toBe('Changed the status');
    expect(actorLabel('cli:root as user:5 (bo@example.com)')).toBe('cli:root as bo@example.com');
  });
});
