// placeholder: the fast lexer is being written (see tokens API below)
export {};
