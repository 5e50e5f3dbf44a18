import type { DataSought, Outcome } from './vocabulary.ts';

/**
 * The outcome of a response must agree with what was produced, so reports that count "content produced"
 * and the per-category production never disagree.
 */
export function checkResponse(outcome: Outcome, produced: readonly DataSought[]): string | null {
  if (outcome === 'content_produced' && !produced.includes('content')) {
    return 'content_produced needs content among the produced categories';
  }
  if (outcome === 'non_content_produced' && (produced.length === 0 || produced.includes('content'))) {
    return 'non_content_produced needs produced categories without content';
  }
  if (outcome !== 'content_produced' && outcome !== 'non_content_produced' && produced.length > 0) {
    return `${outcome} produces nothing; leave the produced categories empty`;
  }
  return null;
}

/** Outcomes that disclose data to the requester (the emergency gate and the tier check apply to them). */
export function disclosesData(outcome: Outcome): boolean {
  return outcome === 'content_produced' || outcome === 'non_content_produced';
}
