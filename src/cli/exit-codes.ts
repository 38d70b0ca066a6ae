/** Exit codes of the CLI contract (DESIGN.md). */
export const EXIT_OK = 0;
/** The program was refused (verifier, kernel) or failed at run time. */
export const EXIT_FAIL = 1;
/** Bad input or usage. */
export const EXIT_USAGE = 2;
