// A tiny JSON writer and flat reader for benchmark results passed between JVMs and written to disk.
package io.rxiothub.benchmarks.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes maps, lists, numbers, strings and booleans as JSON; the result lines are small and trusted. */
public final class Json {

  private Json() {}

  /** Returns {@code value} as JSON text. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object o : (List<?>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, o);
      }
      out.append(']');
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      out.append(Double.isFinite(d) ? String.format(java.util.Locale.ROOT, "%.3f", d) : "null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  /** Parses JSON text written by {@link #write}: objects become ordered maps, numbers doubles or longs. */
  public static Object parse(String text) {
    int[] pos = {0};
    Object v = value(text, pos);
    return v;
  }

  private static Object value(String s, int[] p) {
    skip(s, p);
    char c = s.charAt(p[0]);
    if (c == '{') {
      Map<String, Object> map = new LinkedHashMap<>();
      p[0]++;
      skip(s, p);
      if (s.charAt(p[0]) == '}') {
        p[0]++;
        return map;
      }
      while (true) {
        skip(s, p);
        String key = (String) value(s, p);
        skip(s, p);
        p[0]++; // ':'
        map.put(key, value(s, p));
        skip(s, p);
        char d = s.charAt(p[0]++);
        if (d == '}') {
          return map;
        }
      }
    }
    if (c == '[') {
      List<Object> list = new ArrayList<>();
      p[0]++;
      skip(s, p);
      if (s.charAt(p[0]) == ']') {
        p[0]++;
        return list;
      }
      while (true) {
        list.add(value(s, p));
        skip(s, p);
        char d = s.charAt(p[0]++);
        if (d == ']') {
          return list;
        }
      }
    }
    if (c == '"') {
      StringBuilder b = new StringBuilder();
      p[0]++;
      while (true) {
        char d = s.charAt(p[0]++);
        if (d == '"') {
          return b.toString();
        }
        if (d == '\\') {
          char e = s.charAt(p[0]++);
          if (e == 'u') {
            b.append((char) Integer.parseInt(s.substring(p[0], p[0] + 4), 16));
            p[0] += 4;
          } else {
            b.append(e);
          }
        } else {
          b.append(d);
        }
      }
    }
    int start = p[0];
    while (p[0] < s.length() && ",}] \n\r\t".indexOf(s.charAt(p[0])) < 0) {
      p[0]++;
    }
    String token = s.substring(start, p[0]);
    switch (token) {
      case "null":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        return token.contains(".") || token.contains("e") ? (Object) Double.parseDouble(token)
            : (Object) Long.parseLong(token);
    }
  }

  private static void skip(String s, int[] p) {
    while (p[0] < s.length() && Character.isWhitespace(s.charAt(p[0]))) {
      p[0]++;
    }
  }
}
