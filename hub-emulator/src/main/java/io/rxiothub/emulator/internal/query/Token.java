// A token of the IoT Hub query language.
package io.rxiothub.emulator.internal.query;

import java.util.Locale;

/** Kind, text (strings unquoted) and 1-based position. */
record Token(Kind kind, String text, int position) {

  enum Kind { IDENT, STRING, NUMBER, SYMBOL, END }

  boolean isWord(String word) {
    return kind == Kind.IDENT && text.toUpperCase(Locale.ROOT).equals(word.toUpperCase(Locale.ROOT));
  }

  boolean isSymbol(String symbol) {
    return kind == Kind.SYMBOL && text.equals(symbol);
  }
}
