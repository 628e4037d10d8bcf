// Evaluates a parsed IoT Hub query over JSON twin documents: filter, group, project, TOP.
package io.rxiothub.emulator.internal.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.internal.query.Query.Expr;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Pure evaluation. Values are JSON nodes; an attribute a document lacks is <em>undefined</em> (Java null), and a
 * comparison with undefined, or between different JSON types, is undefined too: WHERE keeps a document only when its
 * condition is {@code true}. AND, OR and NOT follow three-valued logic. The first segment of a path matches a
 * top-level field case-insensitively when no field has its exact name ({@code DeviceID}); a leading
 * {@code devices.}, {@code devices.modules.} or {@code devices.jobs.} is the collection's name and is skipped.
 */
public final class QueryEvaluator {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private QueryEvaluator() {}

  /**
   * The result rows of {@code query} over {@code documents} (in their order).
   *
   * @throws IllegalArgumentException when the query mixes COUNT() with attributes without GROUP BY
   */
  public static List<JsonNode> run(Query query, List<? extends JsonNode> documents) {
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode document : documents) {
      if (query.where() == null || isTrue(eval(query.where(), document))) {
        kept.add(document);
      }
    }
    List<JsonNode> rows = new ArrayList<>();
    if (!query.groupBy().isEmpty()) {
      Map<List<String>, List<JsonNode>> groups = new LinkedHashMap<>();
      for (JsonNode document : kept) {
        List<String> key = new ArrayList<>();
        for (Expr.Path path : query.groupBy()) {
          JsonNode value = eval(path, document);
          key.add(value == null ? "\u0000undefined" : value.toString());
        }
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(document);
      }
      for (List<JsonNode> group : groups.values()) {
        rows.add(project(query, group.get(0), group.size()));
      }
    } else if (query.aggregates()) {
      for (Query.Projection projection : query.projections()) {
        if (!(projection.expr() instanceof Expr.Count)) {
          throw new IllegalArgumentException("query: SELECT mixes COUNT() with '" + projection.key()
              + "': add GROUP BY, or select COUNT() alone");
        }
      }
      rows.add(project(query, NODES.objectNode(), kept.size()));
    } else if (query.selectsAll()) {
      rows.addAll(kept);
    } else {
      for (JsonNode document : kept) {
        rows.add(project(query, document, 1));
      }
    }
    if (query.top() != null && rows.size() > query.top()) {
      return new ArrayList<>(rows.subList(0, query.top()));
    }
    return rows;
  }

  /** Whether {@code document} satisfies {@code condition} (true, not false or undefined). */
  public static boolean matches(Expr condition, JsonNode document) {
    return isTrue(eval(condition, document));
  }

  private static JsonNode project(Query query, JsonNode document, int count) {
    ObjectNode row = NODES.objectNode();
    for (Query.Projection projection : query.projections()) {
      JsonNode value = projection.expr() instanceof Expr.Count ? NODES.numberNode(count)
          : eval(projection.expr(), document);
      if (value != null) {
        row.set(projection.key(), value);
      }
    }
    return row;
  }

  private static boolean isTrue(@Nullable JsonNode value) {
    return value != null && value.isBoolean() && value.booleanValue();
  }

  /** The value of {@code expr} on {@code document}, null when undefined. */
  public static @Nullable JsonNode eval(Expr expr, JsonNode document) {
    if (expr instanceof Expr.Literal literal) {
      return literal.value();
    }
    if (expr instanceof Expr.Path path) {
      return resolve(path.segments(), document);
    }
    if (expr instanceof Expr.Call call) {
      List<@Nullable JsonNode> args = new ArrayList<>();
      for (Expr arg : call.args()) {
        args.add(eval(arg, document));
      }
      return QueryFunctions.apply(call.name(), args);
    }
    if (expr instanceof Expr.Unary unary) {
      JsonNode operand = eval(unary.operand(), document);
      if (unary.op().equals("NOT")) {
        return operand != null && operand.isBoolean() ? NODES.booleanNode(!operand.booleanValue()) : null;
      }
      return operand != null && operand.isNumber()
          ? QueryFunctions.number(-operand.doubleValue(), operand.isIntegralNumber()) : null;
    }
    if (expr instanceof Expr.In in) {
      JsonNode value = eval(in.value(), document);
      if (value == null) {
        return null;
      }
      boolean found = false;
      for (Expr candidate : in.candidates()) {
        Integer order = compare(value, eval(candidate, document));
        if (order != null && order == 0) {
          found = true;
          break;
        }
      }
      return NODES.booleanNode(found != in.negated());
    }
    if (expr instanceof Expr.Binary binary) {
      return binary(binary, document);
    }
    return null;
  }

  private static @Nullable JsonNode binary(Expr.Binary binary, JsonNode document) {
    String op = binary.op();
    JsonNode left = eval(binary.left(), document);
    if (op.equals("AND") || op.equals("OR")) {
      JsonNode right = eval(binary.right(), document);
      Boolean l = left != null && left.isBoolean() ? left.booleanValue() : null;
      Boolean r = right != null && right.isBoolean() ? right.booleanValue() : null;
      boolean and = op.equals("AND");
      if (Boolean.valueOf(!and).equals(l) || Boolean.valueOf(!and).equals(r)) {
        return NODES.booleanNode(!and);
      }
      return l == null || r == null ? null : NODES.booleanNode(and);
    }
    JsonNode right = eval(binary.right(), document);
    if (left == null || right == null) {
      return null;
    }
    switch (op) {
      case "=":
      case "!=": {
        Integer order = compare(left, right);
        return order == null ? null : NODES.booleanNode((order == 0) == op.equals("="));
      }
      case "<":
      case "<=":
      case ">":
      case ">=": {
        if (!(left.isNumber() && right.isNumber()) && !(left.isTextual() && right.isTextual())) {
          return null;
        }
        int order = compare(left, right);
        return NODES.booleanNode(switch (op) {
          case "<" -> order < 0;
          case "<=" -> order <= 0;
          case ">" -> order > 0;
          default -> order >= 0;
        });
      }
      default:
        return arithmetic(op, left, right);
    }
  }

  private static @Nullable JsonNode arithmetic(String op, JsonNode left, JsonNode right) {
    if (!left.isNumber() || !right.isNumber()) {
      return null;
    }
    double a = left.doubleValue();
    double b = right.doubleValue();
    boolean integral = left.isIntegralNumber() && right.isIntegralNumber();
    switch (op) {
      case "+":
        return QueryFunctions.number(a + b, integral);
      case "-":
        return QueryFunctions.number(a - b, integral);
      case "*":
        return QueryFunctions.number(a * b, integral);
      case "/":
        return b == 0 ? null : QueryFunctions.number(a / b, false);
      case "%":
        return b == 0 ? null : QueryFunctions.number(a % b, integral);
      default:
        return null;
    }
  }

  /** The order of two values of the same JSON type (numbers numerically), 0 for equal, null when not comparable. */
  private static @Nullable Integer compare(JsonNode a, @Nullable JsonNode b) {
    if (b == null) {
      return null;
    }
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0 && a.doubleValue() == b.doubleValue() ? 0
          : Double.compare(a.doubleValue(), b.doubleValue());
    }
    if (a.isTextual() && b.isTextual()) {
      return Integer.signum(a.textValue().compareTo(b.textValue()));
    }
    if (a.getNodeType() != b.getNodeType()) {
      return null;
    }
    return a.equals(b) ? 0 : 1;
  }

  private static @Nullable JsonNode resolve(List<String> segments, JsonNode document) {
    int start = 0;
    if (segments.size() > 1 && segments.get(0).equalsIgnoreCase("devices")) {
      start = 1;
      if (segments.size() > 2 && (segments.get(1).equalsIgnoreCase("modules")
          || segments.get(1).equalsIgnoreCase("jobs"))) {
        start = 2;
      }
    }
    JsonNode node = document;
    for (int i = start; i < segments.size(); i++) {
      if (node == null || !node.isObject()) {
        return null;
      }
      JsonNode child = node.get(segments.get(i));
      if (child == null && i == start) {
        child = ignoringCase(node, segments.get(i));
      }
      node = child;
    }
    return node;
  }

  private static @Nullable JsonNode ignoringCase(JsonNode node, String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
        return field.getValue();
      }
    }
    return null;
  }
}
