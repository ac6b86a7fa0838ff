import { NcollapseError } from '../errors.js';

/** The native engine cannot run as asked: the addon is not built or mismatches libtorch, or the device is missing or unknown. */
export class EngineSetupError extends NcollapseError {}
