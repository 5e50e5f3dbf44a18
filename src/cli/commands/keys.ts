import type { Command } from 'commander';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

/** `candor keys rotate`: a new master key, every sealed secret re-sealed under it (docs/web.md). */
export function register(p: Command): void {
  const keys =
    p.commands.find((c) => c.name() === 'keys') ??
    p.command('keys').description('the master key that seals secrets at rest');
  keys
    .command('rotate')
    .description(
      'with the key file: make a new master key, re-seal every secret under it, forget the old key; with CANDOR_SECRET_KEY: re-seal under it (set the old key in CANDOR_SECRET_KEY_PREVIOUS first)',
    )
    .action(async () => {
      const r = await withContext(({ services, actor, config }) =>
        services.keys.rotate(actor, { newKey: !config.secretKey }),
      );
      const counts = Object.entries(r.resealed)
        .map(([k, n]) => `${n} ${k.replaceAll('_', ' ')}`)
        .join(', ');
      out(`master key ${r.keyId}: re-sealed ${counts}${r.retired ? '; the previous key is forgotten' : ''}`);
    });
}
