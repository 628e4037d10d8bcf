// Splits IoT Hub query text into tokens.
package io.rxiothub.emulator.internal.query;

import java.util.ArrayList;
import java.util.List;

/** Identifiers may hold letters, digits, '_' and '$' (twin metadata such as $version); strings use ' or ". */
final class QueryLexer {

  private QueryLexer() {}

  static List<Token> tokens(String text) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_' || c == '$') {
        while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
            || text.charAt(i) == '$')) {
          i++;
        }
        out.add(new Token(Token.Kind.IDENT, text.substring(start, i), start + 1));
      } else if (Character.isDigit(c)) {
        i = number(text, i);
        out.add(new Token(Token.Kind.NUMBER, text.substring(start, i), start + 1));
      } else if (c == '\'' || c == '"') {
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("query: the string opened at position " + (start + 1)
                + " is not closed (add " + c + ")");
          }
          char d = text.charAt(i);
          if (d == c && i + 1 < n && text.charAt(i + 1) == c) {
            value.append(c);
            i += 2;
          } else if (d == c) {
            i++;
            break;
          } else if (d == '\\' && i + 1 < n) {
            value.append(text.charAt(i + 1));
            i += 2;
          } else {
            value.append(d);
            i++;
          }
        }
        out.add(new Token(Token.Kind.STRING, value.toString(), start + 1));
      } else {
        String two = i + 1 < n ? text.substring(i, i + 2) : "";
        if (two.equals("!=") || two.equals("<>") || two.equals("<=") || two.equals(">=")) {
          out.add(new Token(Token.Kind.SYMBOL, two, start + 1));
          i += 2;
        } else if ("()*,.[]=<>+-/%".indexOf(c) >= 0) {
          out.add(new Token(Token.Kind.SYMBOL, String.valueOf(c), start + 1));
          i++;
        } else {
          throw new IllegalArgumentException("query: unexpected character '" + c + "' at position " + (start + 1));
        }
      }
    }
    out.add(new Token(Token.Kind.END, "", n + 1));
    // Two END tokens: the parser looks one past the current token.
    out.add(new Token(Token.Kind.END, "", n + 1));
    return out;
  }

  private static int number(String text, int start) {
    int i = start;
    int n = text.length();
    while (i < n && Character.isDigit(text.charAt(i))) {
      i++;
    }
    if (i < n && text.charAt(i) == '.' && i + 1 < n && Character.isDigit(text.charAt(i + 1))) {
      i++;
      while (i < n && Character.isDigit(text.charAt(i))) {
        i++;
      }
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (text.charAt(j) == '+' || text.charAt(j) == '-')) {
        j++;
      }
      if (j < n && Character.isDigit(text.charAt(j))) {
        i = j;
        while (i < n && Character.isDigit(text.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }
}
