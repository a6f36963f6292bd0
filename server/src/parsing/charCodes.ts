/**
 * Character codes the scanners of parsing/ compare with (`text.charCodeAt(i) === CH_LPAREN`, `isChar(t,
 * CH_SEMICOLON)`):
 * named once here instead of raw numbers in every scanner. UTF-16 code units, as JavaScript strings hold them.
 */
export const CH_TAB = 9;
export const CH_LF = 10;
export const CH_VT = 11;
export const CH_FF = 12;
export const CH_CR = 13;
export const CH_SPACE = 32;
export const CH_DQUOTE = 34;
export const CH_HASH = 35;
export const CH_DOLLAR = 36;
export const CH_QUOTE = 39;
export const CH_LPAREN = 40;
export const CH_RPAREN = 41;
export const CH_STAR = 42;
export const CH_PLUS = 43;
export const CH_COMMA = 44;
export const CH_MINUS = 45;
export const CH_DOT = 46;
export const CH_SLASH = 47;
export const CH_0 = 48;
export const CH_9 = 57;
export const CH_COLON = 58;
export const CH_SEMICOLON = 59;
export const CH_LT = 60;
export const CH_EQUALS = 61;
export const CH_UPPER_A = 65;
export const CH_UPPER_Z = 90;
export const CH_LBRACKET = 91;
export const CH_BACKSLASH = 92;
export const CH_RBRACKET = 93;
export const CH_CARET = 94;
export const CH_UNDERSCORE = 95;
export const CH_LOWER_A = 97;
export const CH_LOWER_E = 101;
export const CH_LOWER_P = 112;
export const CH_LOWER_Z = 122;
export const CH_LBRACE = 123;
export const CH_RBRACE = 125;
/** Codes below this are ASCII: the only characters of identifiers, punctuation and numbers. */
export const ASCII_LIMIT = 128;
/** Or-ing this bit into an ASCII letter gives its lower case (`c | ASCII_LOWER_CASE_BIT`). */
export const ASCII_LOWER_CASE_BIT = 32;
