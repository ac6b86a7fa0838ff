import { lookup } from 'node:dns/promises';

import { UsageError } from '../errors.js';

/** How long a name lookup may take before the address counts as unresolvable. */
const LOOKUP_TIMEOUT_MS = 15_000;

/**
 * Resolves rank 0's address before any rank waits on it: an address that does not resolve (a typo
 * in MASTER_ADDR or --master-addr) fails in seconds with its name, instead of every rank waiting
 * out the store's whole time-out (600 s by default).
 */
export async function checkMasterAddress(address: string, source: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LOOKUP_TIMEOUT_MS / 1000} s`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    await Promise.race([lookup(address), timeout]);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${source}=${address}: this host name cannot be resolved (${reason}); expected the address of the machine that runs rank 0`);
  } finally {
    clearTimeout(timer);
  }
}
