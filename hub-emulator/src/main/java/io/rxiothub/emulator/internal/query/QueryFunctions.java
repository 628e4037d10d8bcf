// The functions of the IoT Hub query language the emulator evaluates: type checks, strings and math.
package io.rxiothub.emulator.internal.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Each function takes evaluated arguments (null = undefined) and returns a value or null (undefined). */
final class QueryFunctions {

  /** Name → {min arity, max arity}. STARTSWITH/ENDSWITH are accepted as spellings of STARTS_WITH/ENDS_WITH. */
  private static final Map<String, int[]> ARITY = Map.ofEntries(
      Map.entry("IS_DEFINED", new int[] {1, 1}), Map.entry("IS_NULL", new int[] {1, 1}),
      Map.entry("IS_BOOL", new int[] {1, 1}), Map.entry("IS_NUMBER", new int[] {1, 1}),
      Map.entry("IS_STRING", new int[] {1, 1}), Map.entry("IS_OBJECT", new int[] {1, 1}),
      Map.entry("IS_ARRAY", new int[] {1, 1}), Map.entry("IS_PRIMITIVE", new int[] {1, 1}),
      Map.entry("STARTS_WITH", new int[] {2, 2}), Map.entry("STARTSWITH", new int[] {2, 2}),
      Map.entry("ENDS_WITH", new int[] {2, 2}), Map.entry("ENDSWITH", new int[] {2, 2}),
      Map.entry("CONTAINS", new int[] {2, 2}), Map.entry("INDEX_OF", new int[] {2, 2}),
      Map.entry("LOWER", new int[] {1, 1}), Map.entry("UPPER", new int[] {1, 1}),
      Map.entry("LENGTH", new int[] {1, 1}), Map.entry("CONCAT", new int[] {2, 16}),
      Map.entry("SUBSTRING", new int[] {2, 3}), Map.entry("LTRIM", new int[] {1, 1}),
      Map.entry("RTRIM", new int[] {1, 1}), Map.entry("TRIM", new int[] {1, 1}),
      Map.entry("ABS", new int[] {1, 1}), Map.entry("CEILING", new int[] {1, 1}),
      Map.entry("FLOOR", new int[] {1, 1}), Map.entry("SQUARE", new int[] {1, 1}),
      Map.entry("SQRT", new int[] {1, 1}), Map.entry("SIGN", new int[] {1, 1}));

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private QueryFunctions() {}

  static void checkKnown(String name, int position) {
    if (!ARITY.containsKey(name)) {
      throw new IllegalArgumentException("query: unknown function " + name + " at position " + position
          + "; the emulator knows " + String.join(", ", new java.util.TreeSet<>(ARITY.keySet())) + " and COUNT()");
    }
  }

  static void checkArity(String name, int count, int position) {
    int[] arity = ARITY.get(name);
    if (count < arity[0] || count > arity[1]) {
      throw new IllegalArgumentException("query: " + name + " at position " + position + " takes "
          + (arity[0] == arity[1] ? String.valueOf(arity[0]) : arity[0] + " to " + arity[1]) + " argument(s), got "
          + count);
    }
  }

  static @Nullable JsonNode apply(String name, List<@Nullable JsonNode> args) {
    JsonNode a = args.get(0);
    switch (name) {
      case "IS_DEFINED":
        return bool(a != null);
      case "IS_NULL":
        return bool(a != null && a.isNull());
      case "IS_BOOL":
        return bool(a != null && a.isBoolean());
      case "IS_NUMBER":
        return bool(a != null && a.isNumber());
      case "IS_STRING":
        return bool(a != null && a.isTextual());
      case "IS_OBJECT":
        return bool(a != null && a.isObject());
      case "IS_ARRAY":
        return bool(a != null && a.isArray());
      case "IS_PRIMITIVE":
        return bool(a != null && (a.isValueNode()));
      default:
        break;
    }
    if (name.equals("CONCAT")) {
      StringBuilder out = new StringBuilder();
      for (JsonNode arg : args) {
        if (arg == null || !arg.isTextual()) {
          return null;
        }
        out.append(arg.textValue());
      }
      return NODES.textNode(out.toString());
    }
    if (a != null && a.isNumber()) {
      return math(name, a.doubleValue(), a.isIntegralNumber());
    }
    if (a == null || !a.isTextual()) {
      return null;
    }
    String s = a.textValue();
    JsonNode b = args.size() > 1 ? args.get(1) : null;
    switch (name) {
      case "LOWER":
        return NODES.textNode(s.toLowerCase(Locale.ROOT));
      case "UPPER":
        return NODES.textNode(s.toUpperCase(Locale.ROOT));
      case "LENGTH":
        return NODES.numberNode((long) s.length());
      case "LTRIM":
        return NODES.textNode(s.replaceAll("^\\s+", ""));
      case "RTRIM":
        return NODES.textNode(s.replaceAll("\\s+$", ""));
      case "TRIM":
        return NODES.textNode(s.trim());
      case "SUBSTRING":
        return substring(s, b, args.size() > 2 ? args.get(2) : null);
      default:
        break;
    }
    if (b == null || !b.isTextual()) {
      return null;
    }
    String t = b.textValue();
    switch (name) {
      case "STARTS_WITH":
      case "STARTSWITH":
        return bool(s.startsWith(t));
      case "ENDS_WITH":
      case "ENDSWITH":
        return bool(s.endsWith(t));
      case "CONTAINS":
        return bool(s.contains(t));
      case "INDEX_OF":
        return NODES.numberNode((long) s.indexOf(t));
      default:
        return null;
    }
  }

  private static @Nullable JsonNode substring(String s, @Nullable JsonNode start, @Nullable JsonNode length) {
    if (start == null || !start.isIntegralNumber() || (length != null && !length.isIntegralNumber())) {
      return null;
    }
    int from = (int) Math.max(0, Math.min(s.length(), start.longValue()));
    int to = length == null ? s.length() : (int) Math.max(from, Math.min(s.length(), from + length.longValue()));
    return NODES.textNode(s.substring(from, to));
  }

  private static @Nullable JsonNode math(String name, double x, boolean integral) {
    switch (name) {
      case "ABS":
        return number(Math.abs(x), integral);
      case "CEILING":
        return number(Math.ceil(x), true);
      case "FLOOR":
        return number(Math.floor(x), true);
      case "SQUARE":
        return number(x * x, integral);
      case "SQRT":
        return x < 0 ? null : NODES.numberNode(Math.sqrt(x));
      case "SIGN":
        return NODES.numberNode((long) Math.signum(x));
      default:
        return null;
    }
  }

  static JsonNode number(double value, boolean integral) {
    if (integral && Math.abs(value) < 9.0e15 && value == Math.rint(value)) {
      return NODES.numberNode((long) value);
    }
    return NODES.numberNode(value);
  }

  private static JsonNode bool(boolean value) {
    return NODES.booleanNode(value);
  }
}
