// A hand-written recursive-descent parser for the IoT Hub query language (docs/service-api.md §10).
package io.rxiothub.emulator.internal.query;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rxiothub.emulator.internal.query.Query.Expr;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses query text into a {@link Query}. Grammar (keywords case-insensitive):
 *
 * <pre>
 * query      := SELECT [TOP int] ('*' | projection (',' projection)*) FROM collection [WHERE or] [GROUP BY path (',' path)*]
 * projection := (COUNT '(' ')' | or) [AS ident]
 * collection := devices | devices.modules | devices.jobs
 * or         := and (OR and)*          and := not (AND not)*          not := NOT not | comparison
 * comparison := sum [('=' | '!=' | '&lt;&gt;' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=') sum | [NOT] (IN | NIN) list]
 * list       := '[' or (',' or)* ']' | '(' or (',' or)* ')'      (the reference writes [ ]; ( ) is accepted too)
 * sum        := product (('+' | '-') product)*      product := unary (('*' | '/' | '%') unary)*
 * unary      := '-' unary | primary
 * primary    := literal | ident '(' [or (',' or)*] ')' | path | '(' or ')'
 * path       := ident ('.' ident | '[' string ']')*
 * </pre>
 *
 * Every error is an IllegalArgumentException naming the position (1-based) and what was expected.
 */
public final class QueryParser {

  /** The longest query text accepted (IoT Hub's limit is 8 KB). */
  public static final int MAX_LENGTH = 8192;
  private static final int MAX_DEPTH = 64;
  private static final Set<String> KEYWORDS = Set.of("SELECT", "TOP", "FROM", "WHERE", "GROUP", "BY", "AS", "AND",
      "OR", "NOT", "IN", "NIN");

  private final List<Token> tokens;
  private int next;
  private int depth;

  private QueryParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /**
   * Parses a query.
   *
   * @throws IllegalArgumentException naming the position and the rule broken
   */
  public static Query parse(@Nullable String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("query is empty: write SELECT … FROM devices [WHERE …]");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("query is " + text.length() + " characters, over the " + MAX_LENGTH
          + " limit");
    }
    QueryParser parser = new QueryParser(QueryLexer.tokens(text));
    Query query = parser.query();
    if (parser.peek().kind() != Token.Kind.END) {
      throw parser.error("the end of the query");
    }
    return query;
  }

  private Query query() {
    expectKeyword("SELECT");
    Integer top = null;
    if (acceptKeyword("TOP")) {
      Token n = take();
      if (n.kind() != Token.Kind.NUMBER || !n.text().matches("\\d{1,9}")) {
        throw error(n, "a whole number after TOP");
      }
      top = Integer.parseInt(n.text());
    }
    List<Query.Projection> projections = new ArrayList<>();
    if (!acceptSymbol("*")) {
      do {
        projections.add(projection());
      } while (acceptSymbol(","));
    }
    expectKeyword("FROM");
    Query.Collection from = collection();
    Expr where = acceptKeyword("WHERE") ? or() : null;
    List<Expr.Path> groupBy = new ArrayList<>();
    if (acceptKeyword("GROUP")) {
      expectKeyword("BY");
      do {
        Token at = peek();
        Expr expr = primary();
        if (!(expr instanceof Expr.Path path)) {
          throw error(at, "an attribute path in GROUP BY");
        }
        groupBy.add(path);
      } while (acceptSymbol(","));
    }
    return new Query(top, projections, from, where, groupBy);
  }

  private Query.Projection projection() {
    Expr expr;
    if (peek().isWord("COUNT") && tokens.get(next + 1).isSymbol("(")) {
      next += 2;
      expectSymbol(")");
      expr = new Expr.Count();
    } else {
      expr = or();
    }
    String alias = null;
    if (acceptKeyword("AS")) {
      Token name = take();
      if (name.kind() != Token.Kind.IDENT || isKeyword(name)) {
        throw error(name, "an alias name after AS");
      }
      alias = name.text();
    }
    return new Query.Projection(expr, alias);
  }

  private Query.Collection collection() {
    Token first = take();
    if (!first.isWord("devices")) {
      throw error(first, "devices, devices.modules or devices.jobs after FROM");
    }
    if (acceptSymbol(".")) {
      Token second = take();
      if (second.isWord("modules")) {
        return Query.Collection.MODULES;
      }
      if (second.isWord("jobs")) {
        return Query.Collection.JOBS;
      }
      throw error(second, "modules or jobs after devices.");
    }
    return Query.Collection.DEVICES;
  }

  private Expr or() {
    enter();
    Expr left = and();
    while (acceptKeyword("OR")) {
      left = new Expr.Binary("OR", left, and());
    }
    depth--;
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (acceptKeyword("AND")) {
      left = new Expr.Binary("AND", left, not());
    }
    return left;
  }

  private Expr not() {
    if (acceptKeyword("NOT")) {
      enter();
      Expr operand = not();
      depth--;
      return new Expr.Unary("NOT", operand);
    }
    return comparison();
  }

  private Expr comparison() {
    Expr left = sum();
    Token op = peek();
    if (op.kind() == Token.Kind.SYMBOL && Set.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(op.text())) {
      next++;
      return new Expr.Binary(op.text().equals("<>") ? "!=" : op.text(), left, sum());
    }
    boolean negated = false;
    if (peek().isWord("NOT") && (tokens.get(next + 1).isWord("IN"))) {
      next++;
      negated = true;
    }
    if (acceptKeyword("IN") || (!negated && acceptKeyword("NIN") && (negated = true))) {
      String close = acceptSymbol("[") ? "]" : null;
      if (close == null) {
        expectSymbol("(");
        close = ")";
      }
      List<Expr> candidates = new ArrayList<>();
      do {
        candidates.add(or());
      } while (acceptSymbol(","));
      expectSymbol(close);
      return new Expr.In(left, candidates, negated);
    }
    if (negated) {
      throw error("IN after NOT");
    }
    return left;
  }

  private Expr sum() {
    Expr left = product();
    while (peek().isSymbol("+") || peek().isSymbol("-")) {
      String op = take().text();
      left = new Expr.Binary(op, left, product());
    }
    return left;
  }

  private Expr product() {
    Expr left = unary();
    while (peek().isSymbol("*") || peek().isSymbol("/") || peek().isSymbol("%")) {
      String op = take().text();
      left = new Expr.Binary(op, left, unary());
    }
    return left;
  }

  private Expr unary() {
    if (acceptSymbol("-")) {
      enter();
      Expr operand = unary();
      depth--;
      return new Expr.Unary("-", operand);
    }
    return primary();
  }

  private Expr primary() {
    Token token = take();
    switch (token.kind()) {
      case STRING:
        return new Expr.Literal(JsonNodeFactory.instance.textNode(token.text()));
      case NUMBER:
        return new Expr.Literal(number(token));
      case SYMBOL:
        if (token.text().equals("(")) {
          Expr inner = or();
          expectSymbol(")");
          return inner;
        }
        throw error(token, "a value, an attribute path, a function or '('");
      case IDENT:
        break;
      default:
        throw error(token, "a value, an attribute path, a function or '('");
    }
    String word = token.text().toLowerCase(Locale.ROOT);
    if (word.equals("true") || word.equals("false")) {
      return new Expr.Literal(JsonNodeFactory.instance.booleanNode(word.equals("true")));
    }
    if (word.equals("null")) {
      return new Expr.Literal(JsonNodeFactory.instance.nullNode());
    }
    if (isKeyword(token)) {
      throw error(token, "a value, an attribute path, a function or '('");
    }
    if (peek().isSymbol("(")) {
      next++;
      String name = token.text().toUpperCase(Locale.ROOT);
      if (name.equals("COUNT")) {
        throw error(token, "COUNT() only as a SELECT projection");
      }
      QueryFunctions.checkKnown(name, token.position());
      List<Expr> args = new ArrayList<>();
      if (!acceptSymbol(")")) {
        do {
          args.add(or());
        } while (acceptSymbol(","));
        expectSymbol(")");
      }
      QueryFunctions.checkArity(name, args.size(), token.position());
      return new Expr.Call(name, args);
    }
    List<String> segments = new ArrayList<>();
    segments.add(token.text());
    while (true) {
      if (peek().isSymbol(".") && tokens.get(next + 1).kind() == Token.Kind.IDENT) {
        next++;
        segments.add(take().text());
      } else if (peek().isSymbol("[") && tokens.get(next + 1).kind() == Token.Kind.STRING) {
        next++;
        segments.add(take().text());
        expectSymbol("]");
      } else if (peek().isSymbol(".")) {
        throw error(tokens.get(next + 1), "an attribute name after '.'");
      } else {
        break;
      }
    }
    return new Expr.Path(segments);
  }

  private static com.fasterxml.jackson.databind.JsonNode number(Token token) {
    BigDecimal value = new BigDecimal(token.text());
    try {
      return JsonNodeFactory.instance.numberNode(value.longValueExact());
    } catch (ArithmeticException e) {
      return JsonNodeFactory.instance.numberNode(value.doubleValue());
    }
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("a query nested at most " + MAX_DEPTH + " levels deep");
    }
  }

  private static boolean isKeyword(Token token) {
    return token.kind() == Token.Kind.IDENT && KEYWORDS.contains(token.text().toUpperCase(Locale.ROOT));
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token token = tokens.get(next);
    if (token.kind() != Token.Kind.END) {
      next++;
    }
    return token;
  }

  private boolean acceptKeyword(String keyword) {
    if (peek().isWord(keyword)) {
      next++;
      return true;
    }
    return false;
  }

  private void expectKeyword(String keyword) {
    if (!acceptKeyword(keyword)) {
      throw error(keyword);
    }
  }

  private boolean acceptSymbol(String symbol) {
    if (peek().isSymbol(symbol)) {
      next++;
      return true;
    }
    return false;
  }

  private void expectSymbol(String symbol) {
    if (!acceptSymbol(symbol)) {
      throw error("'" + symbol + "'");
    }
  }

  private IllegalArgumentException error(String expected) {
    return error(peek(), expected);
  }

  private static IllegalArgumentException error(Token found, String expected) {
    String what = found.kind() == Token.Kind.END ? "the end of the query" : "'" + found.text() + "'";
    return new IllegalArgumentException("query: expected " + expected + " at position " + found.position()
        + " but found " + what);
  }
}
