// The WHERE condition of an Edge route (docs/protocol.md §17.4): the subset of IoT Hub's query language the emulator
// evaluates, parsed once into a tree and tested against a message's properties. Pure.
package io.rxiothub.emulator.edge.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed condition. Grammar: {@code or := and (OR and)*}, {@code and := not (AND not)*},
 * {@code not := NOT not | primary}, {@code primary := ( or ) | IS_DEFINED( property ) | operand op operand},
 * {@code op := = | != | <> | < | <= | > | >=}, an operand is a property (an application property by name, a system
 * property as {@code $contentType}, {@code $contentEncoding}, {@code $messageId}, {@code $correlationId},
 * {@code $userId}, {@code $connectionDeviceId}, {@code $connectionModuleId}, {@code $outputName}), a
 * {@code 'string'}, a number, {@code true} or {@code false}. A comparison with an undefined property is undefined, and
 * an undefined condition does not match (as IoT Hub's routing query language says).
 */
public final class RouteCondition {

  /** System property names of the condition language and their wire keys (protocol.md §5). */
  static final Map<String, String> SYSTEM = new LinkedHashMap<>();

  static {
    SYSTEM.put("$contenttype", "$.ct");
    SYSTEM.put("$contentencoding", "$.ce");
    SYSTEM.put("$messageid", "$.mid");
    SYSTEM.put("$correlationid", "$.cid");
    SYSTEM.put("$userid", "$.uid");
    SYSTEM.put("$connectiondeviceid", "$.cdid");
    SYSTEM.put("$connectionmoduleid", "$.cmid");
    SYSTEM.put("$outputname", "$.on");
  }

  /** A node of the tree: true, false, or null for undefined. */
  private interface Node {
    @Nullable Boolean eval(Map<String, ? extends @Nullable String> system,
        Map<String, ? extends @Nullable String> application);
  }

  private final Node root;

  private RouteCondition(Node root) {
    this.root = root;
  }

  /**
   * Parses a condition.
   *
   * @throws IllegalArgumentException naming the token and what was expected
   */
  public static RouteCondition parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("condition is empty");
    }
    Parser p = new Parser(tokens(text));
    Node root = p.or();
    if (p.at < p.tokens.size()) {
      throw new IllegalArgumentException("condition has '" + p.tokens.get(p.at) + "' where it should end");
    }
    return new RouteCondition(root);
  }

  /** Whether a message with these properties matches (an undefined result does not). */
  public boolean test(Map<String, ? extends @Nullable String> system,
      Map<String, ? extends @Nullable String> application) {
    return Boolean.TRUE.equals(root.eval(system, application));
  }

  // ---------------------------------------------------------------- tokens

  private static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'') {
        int end = i + 1;
        StringBuilder s = new StringBuilder("'");
        while (true) {
          if (end >= text.length()) {
            throw new IllegalArgumentException("condition has a string without its closing quote");
          }
          if (text.charAt(end) == '\'') {
            if (end + 1 < text.length() && text.charAt(end + 1) == '\'') {
              s.append('\'');
              end += 2;
              continue;
            }
            break;
          }
          s.append(text.charAt(end++));
        }
        out.add(s.toString());
        i = end + 1;
      } else if (c == '(' || c == ')' || c == '=') {
        out.add(String.valueOf(c));
        i++;
      } else if (c == '!' || c == '<' || c == '>') {
        String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
        if (two.equals("!=") || two.equals("<>") || two.equals("<=") || two.equals(">=")) {
          out.add(two);
          i += 2;
        } else if (c == '!') {
          throw new IllegalArgumentException("condition has '!' without '='");
        } else {
          out.add(String.valueOf(c));
          i++;
        }
      } else {
        int end = i;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))
            && "()=!<>'".indexOf(text.charAt(end)) < 0) {
          end++;
        }
        out.add(text.substring(i, end));
        i = end;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- parser

  private static final class Parser {
    final List<String> tokens;
    int at;

    Parser(List<String> tokens) {
      this.tokens = tokens;
    }

    @Nullable String peek() {
      return at < tokens.size() ? tokens.get(at) : null;
    }

    boolean keyword(String word) {
      String t = peek();
      if (t != null && t.equalsIgnoreCase(word)) {
        at++;
        return true;
      }
      return false;
    }

    String next(String expected) {
      String t = peek();
      if (t == null) {
        throw new IllegalArgumentException("condition ends where " + expected + " was expected");
      }
      at++;
      return t;
    }

    Node or() {
      Node left = and();
      while (keyword("OR")) {
        Node l = left;
        Node r = and();
        left = (s, a) -> {
          Boolean x = l.eval(s, a);
          Boolean y = r.eval(s, a);
          return Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y) ? Boolean.TRUE
              : x == null || y == null ? null : Boolean.FALSE;
        };
      }
      return left;
    }

    Node and() {
      Node left = not();
      while (keyword("AND")) {
        Node l = left;
        Node r = not();
        left = (s, a) -> {
          Boolean x = l.eval(s, a);
          Boolean y = r.eval(s, a);
          return Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y) ? Boolean.FALSE
              : x == null || y == null ? null : Boolean.TRUE;
        };
      }
      return left;
    }

    Node not() {
      if (keyword("NOT")) {
        Node inner = not();
        return (s, a) -> {
          Boolean x = inner.eval(s, a);
          return x == null ? null : !x;
        };
      }
      return primary();
    }

    Node primary() {
      if (keyword("(")) {
        Node inner = or();
        if (!keyword(")")) {
          throw new IllegalArgumentException("condition misses ')' before '" + peek() + "'");
        }
        return inner;
      }
      if (keyword("IS_DEFINED")) {
        if (!keyword("(")) {
          throw new IllegalArgumentException("condition needs '(' after IS_DEFINED");
        }
        Operand property = operand(next("a property"));
        if (property.key == null || !keyword(")")) {
          throw new IllegalArgumentException("condition needs IS_DEFINED(property)");
        }
        return (s, a) -> property.value(s, a) != null;
      }
      Operand left = operand(next("a property or a value"));
      String op = next("a comparison operator");
      if (!List.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(op)) {
        throw new IllegalArgumentException("condition has '" + op + "' where one of = != <> < <= > >= was "
            + "expected (functions other than IS_DEFINED and arithmetic are not supported by the emulator)");
      }
      Operand right = operand(next("a property or a value after " + op));
      return (s, a) -> compare(left.value(s, a), op, right.value(s, a));
    }

    Operand operand(String token) {
      if (token.startsWith("'")) {
        return new Operand(null, token.substring(1));
      }
      if (token.equalsIgnoreCase("true") || token.equalsIgnoreCase("false")) {
        return new Operand(null, token.toLowerCase(Locale.ROOT));
      }
      if (isNumber(token)) {
        return new Operand(null, token);
      }
      if (token.startsWith("$")) {
        String wire = SYSTEM.get(token.toLowerCase(Locale.ROOT));
        if (wire == null) {
          throw new IllegalArgumentException("condition names the system property '" + token + "'; the emulator "
              + "knows $contentType, $contentEncoding, $messageId, $correlationId, $userId, $connectionDeviceId, "
              + "$connectionModuleId and $outputName (no $body queries)");
        }
        return new Operand(wire, null);
      }
      if (!token.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
        throw new IllegalArgumentException("condition has '" + token + "' where a property or a value was expected");
      }
      return new Operand("a:" + token, null);
    }
  }

  /** A literal ({@code key == null}) or a property: a wire system key, or {@code a:name} for an application one. */
  private static final class Operand {
    final @Nullable String key;
    final @Nullable String literal;

    Operand(@Nullable String key, @Nullable String literal) {
      this.key = key;
      this.literal = literal;
    }

    @Nullable String value(Map<String, ? extends @Nullable String> system,
        Map<String, ? extends @Nullable String> application) {
      if (key == null) {
        return literal;
      }
      return key.startsWith("a:") ? application.get(key.substring(2)) : system.get(key);
    }
  }

  static boolean isNumber(String s) {
    return s.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
  }

  private static @Nullable Boolean compare(@Nullable String x, String op, @Nullable String y) {
    if (x == null || y == null) {
      return null;
    }
    int c;
    if (isNumber(x) && isNumber(y)) {
      c = Double.compare(Double.parseDouble(x), Double.parseDouble(y));
    } else {
      c = x.compareTo(y);
    }
    switch (op) {
      case "=":
        return c == 0;
      case "!=":
      case "<>":
        return c != 0;
      case "<":
        return c < 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      default:
        return c >= 0;
    }
  }
}
