import { describe, expect, it } from 'vitest';
import { checkResponse, disclosesData } from './response.ts';

describe('checkResponse', () => {
  it('needs content among the categories for content_produced', () => {
    expect(checkResponse('content_produced', ['basic_subscriber'])).toMatch(/content/);
    expect(checkResponse('content_produced', ['content', 'non_content'])).toBeNull();
  });
  it('needs categories without content for non_content_produced', () => {
    expect(checkResponse('non_content_produced', [])).not.toBeNull();
    expect(checkResponse('non_content_produced', ['content'])).not.toBeNull();
    expect(checkResponse('non_content_produced', ['basic_subscriber'])).toBeNull();
  });
  it('refuses categories for an outcome that produces nothing', () => {
    expect(checkResponse('rejected', ['basic_subscriber'])).toMatch(/produces nothing/);
    expect(checkResponse('no_data', [])).toBeNull();
  });
  it('counts only produced outcomes as disclosure', () => {
    expect(disclosesData('content_produced')).toBe(true);
    expect(disclosesData('preserved')).toBe(false);
  });
});
