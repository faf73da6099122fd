/** One mutant of the reference stack: one promised behaviour broken by one textual change. */
export interface Mutant {
  id: string;
  /** The requirement the change violates. */
  requirement: string;
  /** What the change breaks, in the contract's words. */
  breaks: string;
  file: string;
  find: string;
  replace: string;
}
