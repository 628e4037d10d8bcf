// A tiny strict JSON syntax checker and string quoter, so the methods module needs no JSON library.
package io.rxiothub.methods.internal;

/**
 * RFC 8259 syntax check (any value at top level, insignificant whitespace allowed, nesting at most
 * {@link #MAX_DEPTH}) and JSON string quoting. Not part of the public API.
 */
public final class Json {

  /** Deeper nesting is rejected rather than risking a stack overflow. */
  public static final int MAX_DEPTH = 512;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Returns whether {@code text} is exactly one well-formed JSON value. */
  public static boolean isValid(String text) {
    Json json = new Json(text);
    try {
      json.skipWhitespace();
      json.value(0);
      json.skipWhitespace();
      return json.pos == text.length();
    } catch (Invalid e) {
      return false;
    }
  }

  /** Returns {@code text} as a JSON string literal, quotes included. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || Character.isSurrogate(c) && !isPairedSurrogate(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }

  private static boolean isPairedSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }

  private void value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new Invalid();
    }
    char c = peek();
    if (c == '{') {
      pos++;
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return;
      }
      while (true) {
        skipWhitespace();
        string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        value(depth + 1);
        skipWhitespace();
        char next = next();
        if (next == '}') {
          return;
        }
        if (next != ',') {
          throw new Invalid();
        }
      }
    } else if (c == '[') {
      pos++;
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return;
      }
      while (true) {
        skipWhitespace();
        value(depth + 1);
        skipWhitespace();
        char next = next();
        if (next == ']') {
          return;
        }
        if (next != ',') {
          throw new Invalid();
        }
      }
    } else if (c == '"') {
      string();
    } else if (c == 't') {
      literal("true");
    } else if (c == 'f') {
      literal("false");
    } else if (c == 'n') {
      literal("null");
    } else {
      number();
    }
  }

  private void string() {
    expect('"');
    while (true) {
      char c = next();
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw new Invalid();
      }
      if (c == '\\') {
        char e = next();
        if (e == 'u') {
          for (int i = 0; i < 4; i++) {
            if (Character.digit(next(), 16) < 0) {
              throw new Invalid();
            }
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          throw new Invalid();
        }
      }
    }
  }

  private void number() {
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      digits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      digits();
    }
  }

  private void digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == start) {
      throw new Invalid();
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw new Invalid();
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (next() != c) {
      throw new Invalid();
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw new Invalid();
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** Signals a syntax error; carries no stack trace since it is control flow. */
  private static final class Invalid extends RuntimeException {
    Invalid() {
      super(null, null, false, false);
    }
  }
}
