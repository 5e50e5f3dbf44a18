import { describe, expect, it } from 'vitest';
import {
  contactInput,
  languageFallbacks,
  oneLine,
  producedPhrase,
  renderTemplate,
  templateInput,
  templateProblems,
  type NoticeFacts,
} from './notice-template.ts';

const facts: NoticeFacts = {
  act_by: '2026-01-17',
  agency: 'Federal Bureau of Investigation (US)',
  process_type: 'Search warrant',
  received_date: '2026-01-10',
  produced: 'nothing yet',
  account: 'AC123',
  provider: 'Example Communications, Inc.',
};

describe('notice templates', () => {
  it('fills every known placeholder, with or without spaces inside the braces', () => {
    expect(
      renderTemplate('{{agency}} served a {{ process_type }} on {{received_date}} for {{account}}', facts),
    ).toBe('Federal Bureau of Investigation (US) served a Search warrant on 2026-01-10 for AC123');
  });

  it('never expands a placeholder that a fact value brings in', () => {
    const sneaky = { ...facts, agency: '{{account}} {{notes}}' };
    expect(renderTemplate('From {{agency}}', sneaky)).toBe('From {{account}} {{notes}}');
  });

  it('refuses unknown placeholders such as the free-text notes, and stray braces', () => {
    expect(templateProblems('Hello {{account}}')).toEqual([]);
    expect(templateProblems('Our notes: {{notes}}')[0]).toMatch(/unknown placeholder \{\{notes\}\}/);
    expect(templateProblems('{{legal_authority}} and {{emergency_basis}}')).toHaveLength(2);
    expect(templateProblems('Hello {{account')).toEqual(['unbalanced "{{" or "}}"']);
    const parsed = templateInput.safeParse({ subject: 'About {{case_number}}', body: 'x {{notes}}' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[0])).toEqual(['subject', 'body']);
  });

  it('keeps a subject on one line whatever the facts contain', () => {
    expect(oneLine('Court\r\nBcc: evil@example.com')).toBe('Court Bcc: evil@example.com');
    expect(templateInput.safeParse({ subject: 'a\nb', body: 'x' }).success).toBe(false);
  });

  it('says what was produced in plain words, per account', () => {
    expect(producedPhrase('non_content_produced', 'produced', ['basic_subscriber'])).toMatch(
      /basic subscriber/,
    );
    expect(producedPhrase('content_produced', 'produced', ['content'])).toMatch(/content of communications/);
    expect(producedPhrase('content_produced', 'no_data', ['content'])).toMatch(/no data for this account/);
    expect(producedPhrase(null, null, [])).toBe('nothing yet');
  });

  it('falls back from a regional language to its base and then English', () => {
    expect(languageFallbacks('pt-BR')).toEqual(['pt-BR', 'pt', 'en']);
    expect(languageFallbacks('en')).toEqual(['en']);
  });

  it('accepts a contact with an email and a BCP 47 language, defaulting to English', () => {
    expect(contactInput.parse({ email: 'ana@example.com' })).toEqual({
      email: 'ana@example.com',
      language: 'en',
    });
    expect(contactInput.safeParse({ email: 'not-an-email' }).success).toBe(false);
    expect(contactInput.safeParse({ email: 'a@example.com', language: 'English' }).success).toBe(false);
  });
});
