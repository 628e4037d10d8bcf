// The syntax tree of an IoT Hub query: SELECT [TOP n] projections FROM collection [WHERE condition] [GROUP BY paths].
package io.rxiothub.emulator.internal.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A parsed query. Immutable. */
public record Query(@Nullable Integer top, List<Projection> projections, Collection from, @Nullable Expr where,
    List<Expr.Path> groupBy) {

  /** Copies the lists. */
  public Query {
    projections = List.copyOf(projections);
    groupBy = List.copyOf(groupBy);
  }

  /** Whether the SELECT list is {@code *}. */
  public boolean selectsAll() {
    return projections.isEmpty();
  }

  /** Whether any projection is an aggregate ({@code COUNT()}). */
  public boolean aggregates() {
    for (Projection projection : projections) {
      if (projection.expr() instanceof Expr.Count) {
        return true;
      }
    }
    return false;
  }

  /** The document collection a query runs over. */
  public enum Collection {
    DEVICES("devices"),
    MODULES("devices.modules"),
    JOBS("devices.jobs");

    private final String text;

    Collection(String text) {
      this.text = text;
    }

    /** As written in FROM. */
    public String text() {
      return text;
    }
  }

  /** One element of the SELECT list; {@code alias} null when none was given. */
  public record Projection(Expr expr, @Nullable String alias) {
    /** The key of this projection in a result row: the alias, else the path's last segment, else the function's. */
    public String key() {
      if (alias != null) {
        return alias;
      }
      if (expr instanceof Expr.Path path) {
        return path.segments().get(path.segments().size() - 1);
      }
      if (expr instanceof Expr.Count) {
        return "$1";
      }
      return "$1";
    }
  }

  /** An expression. */
  public sealed interface Expr {
    /** A JSON literal: string, number, true, false or null. */
    record Literal(JsonNode value) implements Expr {}

    /** An attribute path, e.g. {@code properties.reported.temperature}. */
    record Path(List<String> segments) implements Expr {
      /** Copies the segments. */
      public Path {
        segments = List.copyOf(segments);
      }
    }

    /** A function call (not COUNT). */
    record Call(String name, List<Expr> args) implements Expr {
      /** Copies the arguments. */
      public Call {
        args = List.copyOf(args);
      }
    }

    /** {@code COUNT()}. */
    record Count() implements Expr {}

    /** {@code NOT x} or {@code -x}. */
    record Unary(String op, Expr operand) implements Expr {}

    /** A binary operator: AND, OR, comparisons and arithmetic. */
    record Binary(String op, Expr left, Expr right) implements Expr {}

    /** {@code x IN (a, b)} or {@code x NIN (a, b)}. */
    record In(Expr value, List<Expr> candidates, boolean negated) implements Expr {
      /** Copies the candidates. */
      public In {
        candidates = List.copyOf(candidates);
      }
    }
  }
}
