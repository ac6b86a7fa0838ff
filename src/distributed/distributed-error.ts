import { NcollapseError } from '../errors.js';

/** A collective, a store or a process group failed: a dead peer, a time-out, a bad address. */
export class DistributedError extends NcollapseError {}
