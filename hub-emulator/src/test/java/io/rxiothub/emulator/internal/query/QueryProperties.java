// Random twins and random well-formed WHERE conditions: the parser and evaluator agree with a reference evaluation
// written independently here; GROUP BY counts agree with a direct count; random text never crashes the parser.
package io.rxiothub.emulator.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

class QueryProperties {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] PATHS = {"tags.a", "tags.b", "properties.reported.x", "deviceId"};

  /** A condition as text and its reference meaning: TRUE, FALSE, or null (undefined). */
  record Cond(String text, Function<JsonNode, @Nullable Boolean> meaning) {}

  // ------------------------------------------------------------------ twins

  @Provide
  Arbitrary<List<JsonNode>> twins() {
    Arbitrary<JsonNode> value = Arbitraries.oneOf(
        Arbitraries.integers().between(-3, 3).map(i -> (JsonNode) NODES.numberNode(i)),
        Arbitraries.of("a", "b", "c").map(s -> (JsonNode) NODES.textNode(s)),
        Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
        Arbitraries.just((JsonNode) NODES.nullNode()));
    Arbitrary<@Nullable JsonNode> maybe = value.injectNull(0.25);
    Arbitrary<JsonNode> twin = Combinators.combine(maybe, maybe, maybe).as((a, b, x) -> {
      ObjectNode node = NODES.objectNode();
      ObjectNode tags = node.putObject("tags");
      if (a != null) {
        tags.set("a", a);
      }
      if (b != null) {
        tags.set("b", b);
      }
      ObjectNode reported = node.putObject("properties").putObject("reported");
      if (x != null) {
        reported.set("x", x);
      }
      return node;
    });
    return twin.list().ofMaxSize(12).map(list -> {
      List<JsonNode> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        ObjectNode copy = ((ObjectNode) list.get(i)).deepCopy();
        ObjectNode ordered = NODES.objectNode().put("deviceId", "d" + i);
        ordered.setAll(copy);
        out.add(ordered);
      }
      return out;
    });
  }

  // ------------------------------------------------------------------ conditions and their reference meaning

  private static @Nullable JsonNode lookup(JsonNode twin, String path) {
    JsonNode node = twin;
    for (String segment : path.split("\\.")) {
      node = node == null ? null : node.get(segment);
    }
    return node;
  }

  private static @Nullable Boolean compare(@Nullable JsonNode v, String op, JsonNode literal) {
    if (v == null) {
      return null;
    }
    if (v.isNumber() && literal.isNumber()) {
      int c = Double.compare(v.doubleValue(), literal.doubleValue());
      return holds(op, c);
    }
    if (v.isTextual() && literal.isTextual()) {
      return holds(op, Integer.signum(v.textValue().compareTo(literal.textValue())));
    }
    if (v.getNodeType() == literal.getNodeType() && (op.equals("=") || op.equals("!="))) {
      return v.equals(literal) == op.equals("=");
    }
    return null;
  }

  private static boolean holds(String op, int c) {
    switch (op) {
      case "=": return c == 0;
      case "!=": return c != 0;
      case "<": return c < 0;
      case "<=": return c <= 0;
      case ">": return c > 0;
      default: return c >= 0;
    }
  }

  private static String literalText(JsonNode literal) {
    return literal.isTextual() ? "'" + literal.textValue() + "'" : literal.toString();
  }

  private Arbitrary<JsonNode> literals() {
    return Arbitraries.oneOf(Arbitraries.integers().between(-3, 3).map(i -> (JsonNode) NODES.numberNode(i)),
        Arbitraries.of("a", "b", "c", "d1").map(s -> (JsonNode) NODES.textNode(s)),
        Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)));
  }

  private Arbitrary<Cond> atom() {
    Arbitrary<String> path = Arbitraries.of(PATHS);
    Arbitrary<Cond> comparison = Combinators.combine(path, Arbitraries.of("=", "!=", "<", "<=", ">", ">="),
        literals()).as((p, op, lit) -> new Cond(p + " " + op + " " + literalText(lit),
            t -> compare(lookup(t, p), op, lit)));
    Arbitrary<Cond> defined = path.map(p -> new Cond("IS_DEFINED(" + p + ")", t -> lookup(t, p) != null));
    Arbitrary<Cond> in = Combinators.combine(path, literals().list().ofMinSize(1).ofMaxSize(3),
        Arbitraries.of(false, true)).as((p, lits, negated) -> {
          StringBuilder text = new StringBuilder(p).append(negated ? " NIN (" : " IN (");
          for (int i = 0; i < lits.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(literalText(lits.get(i)));
          }
          return new Cond(text.append(')').toString(), t -> {
            JsonNode v = lookup(t, p);
            if (v == null) {
              return null;
            }
            boolean found = false;
            for (JsonNode lit : lits) {
              found |= Boolean.TRUE.equals(compare(v, "=", lit));
            }
            return found != negated;
          });
        });
    return Arbitraries.oneOf(comparison, defined, in);
  }

  private Arbitrary<Cond> condition(int depth) {
    if (depth == 0) {
      return atom();
    }
    Arbitrary<Cond> sub = Arbitraries.lazy(() -> condition(depth - 1));
    Arbitrary<Cond> and = Combinators.combine(sub, sub).as((l, r) -> new Cond("(" + l.text() + ") AND ("
        + r.text() + ")", t -> and(l.meaning().apply(t), r.meaning().apply(t))));
    Arbitrary<Cond> or = Combinators.combine(sub, sub).as((l, r) -> new Cond("(" + l.text() + ") OR ("
        + r.text() + ")", t -> {
          Boolean a = l.meaning().apply(t);
          Boolean b = r.meaning().apply(t);
          Boolean notA = a == null ? null : !a;
          Boolean notB = b == null ? null : !b;
          Boolean both = and(notA, notB);
          return both == null ? null : !both;
        }));
    Arbitrary<Cond> not = sub.map(c -> new Cond("NOT (" + c.text() + ")", t -> {
      Boolean v = c.meaning().apply(t);
      return v == null ? null : !v;
    }));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, atom()), net.jqwik.api.Tuple.of(2, and),
        net.jqwik.api.Tuple.of(2, or), net.jqwik.api.Tuple.of(1, not));
  }

  private static @Nullable Boolean and(@Nullable Boolean a, @Nullable Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a == null || b == null ? null : true;
  }

  @Provide
  Arbitrary<Cond> conditions() {
    return condition(3);
  }

  @Property(tries = 300)
  void whereKeepsExactlyTheTwinsTheReferenceKeeps(@ForAll("twins") List<JsonNode> twins,
      @ForAll("conditions") Cond condition) {
    List<String> expected = new ArrayList<>();
    for (JsonNode twin : twins) {
      if (Boolean.TRUE.equals(condition.meaning().apply(twin))) {
        expected.add(twin.get("deviceId").asText());
      }
    }
    List<String> actual = new ArrayList<>();
    for (JsonNode row : QueryEvaluator.run(QueryParser.parse("SELECT * FROM devices WHERE " + condition.text()),
        twins)) {
      actual.add(row.get("deviceId").asText());
    }
    assertThat(actual).as(condition.text()).isEqualTo(expected);
  }

  @Property(tries = 200)
  void groupByCountsWhatADirectCountCounts(@ForAll("twins") List<JsonNode> twins,
      @ForAll("paths") String path) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (JsonNode twin : twins) {
      JsonNode v = lookup(twin, path);
      expected.merge(v == null ? "<undefined>" : v.toString(), 1, Integer::sum);
    }
    Map<String, Integer> actual = new LinkedHashMap<>();
    for (JsonNode row : QueryEvaluator.run(QueryParser.parse("SELECT " + path + " AS k, COUNT() AS n FROM devices"
        + " GROUP BY " + path), twins)) {
      actual.put(row.has("k") ? row.get("k").toString() : "<undefined>", row.get("n").asInt());
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of(PATHS);
  }

  @Property(tries = 2000)
  void randomTextIsParsedOrRefusedWithIllegalArgument(@ForAll("text") String text) {
    try {
      QueryParser.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("query");
    }
  }

  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> tokens = Arbitraries.of("SELECT", "*", "FROM", "devices", ".", "modules", "WHERE", "tags",
        "a", "=", "'x'", "(", ")", ",", "AND", "OR", "NOT", "IN", "NIN", "IS_DEFINED", "COUNT", "GROUP", "BY", "AS",
        "TOP", "3", "-", "<=", "'", "\"", "[", "]", "$version", "1e", "STARTS_WITH", "9999999999999999999")
        .list().ofMaxSize(20).map(list -> String.join(" ", list));
    return Arbitraries.oneOf(tokens, Arbitraries.strings().ofMaxLength(60),
        tokens.map(t -> "SELECT * FROM devices WHERE " + t));
  }
}
