/**
 * The names steps give to what a fault acts on (the ledger's `subject`), so that a later step heals just that one
 * ("the engine of replica r1 resumes", "the link to replica r2 recovers") and the checker can tell whose log was cut.
 */
export const engineOf = (replica: string): string => `the engine of ${replica}`;
export const linkOf = (replica: string): string => `the link to ${replica}`;
export const logOf = (role: string): string => `the log of the ${role}`;
export const POOL_MANAGER_LINK = 'the link to the pool manager';
export const componentOf = (role: string): string => `the ${role}`;
export const POOL = 'the pool';

/** The replica whose engine `subject` names (the inverse of engineOf), if it names one. */
export const replicaOfEngine = (subject: string | undefined): string | undefined => /^the engine of (\S+)$/.exec(subject ?? '')?.[1];
