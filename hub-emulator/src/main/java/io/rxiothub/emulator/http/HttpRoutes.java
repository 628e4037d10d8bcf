// The emulator's HTTPS route table: faces add (method, path template, handler); calls are matched segment by
// segment, a literal segment before a variable.
package io.rxiothub.emulator.http;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.sas.PercentEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes of the emulator's HTTPS port (its WebSocket port; {@code /$iothub/websocket} stays MQTT over WebSocket).
 * Thread-safe: routes may be added while serving. Templates are paths whose segments are literals or
 * {@code {name}} variables, e.g. {@code /devices/{id}/modules/{moduleId}}; a variable matches one non-empty
 * segment, handed to the handler percent-decoded. Among templates matching a path, the one with a literal where
 * the others have a variable (leftmost first) wins. A path no template matches is answered 404; a path matched by
 * templates of other methods only, 405 with {@code Allow}.
 */
public final class HttpRoutes {

  private final List<Route> routes = new CopyOnWriteArrayList<>();

  private static final class Route {
    final String method;
    final String template;
    final String[] segments;
    final HttpHandler handler;

    Route(String method, String template, String[] segments, HttpHandler handler) {
      this.method = method;
      this.template = template;
      this.segments = segments;
      this.handler = handler;
    }

    boolean isVariable(int i) {
      return segments[i].startsWith("{");
    }
  }

  /**
   * Adds a route.
   *
   * @throws IllegalArgumentException if the template is not {@code /}-separated literals and {@code {name}}
   *     variables, or the same method and template shape is already routed
   */
  public synchronized HttpRoutes add(String method, String template, HttpHandler handler) {
    if (method == null || method.isEmpty()) {
      throw new IllegalArgumentException("method must not be null or empty");
    }
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("template must start with '/'");
    }
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null");
    }
    String[] segments = split(template);
    for (String segment : segments) {
      if (segment.isEmpty() || (segment.startsWith("{") != segment.endsWith("}")) || segment.equals("{}")) {
        throw new IllegalArgumentException("template '" + template + "' has a bad segment '" + segment
            + "': use literals and {name} variables separated by single '/'");
      }
    }
    String upper = method.toUpperCase(Locale.ROOT);
    String shape = shape(segments);
    for (Route route : routes) {
      if (route.method.equals(upper) && shape(route.segments).equals(shape)) {
        throw new IllegalArgumentException(upper + " " + template + " is already routed (as " + route.template
            + ")");
      }
    }
    routes.add(new Route(upper, template, segments, handler));
    return this;
  }

  /**
   * Answers a call: the matching route's handler with the path variables set, or 404/405. Cold. A handler that
   * throws or signals an error is answered 500.
   */
  @CheckReturnValue
  public Single<HttpAnswer> dispatch(HttpCall call) {
    if (call == null) {
      throw new IllegalArgumentException("call must not be null");
    }
    return Single.defer(() -> {
      String[] segments = split(call.path());
      Route best = null;
      TreeSet<String> allowed = new TreeSet<>();
      for (Route route : routes) {
        if (!matches(route, segments)) {
          continue;
        }
        if (!route.method.equals(call.method())) {
          allowed.add(route.method);
          continue;
        }
        if (best == null || moreSpecific(route, best)) {
          best = route;
        }
      }
      if (best == null) {
        if (!allowed.isEmpty()) {
          return Single.just(error(405, "MethodNotAllowed", call.method() + " is not served on " + call.path()
              + "; use " + String.join(", ", allowed)).toBuilder().header("Allow", String.join(", ", allowed))
              .build());
        }
        return Single.just(error(404, "NotFound", "no route for " + call.method() + " " + call.path()));
      }
      HttpCall.Builder bound = call.toBuilder();
      for (int i = 0; i < segments.length; i++) {
        if (best.isVariable(i)) {
          String name = best.segments[i].substring(1, best.segments[i].length() - 1);
          bound.pathVariable(name, PercentEncoding.decode(segments[i]));
        }
      }
      Route chosen = best;
      return chosen.handler.handle(bound.build());
    }).onErrorReturn(e -> e instanceof IllegalArgumentException
        ? error(400, "ArgumentInvalid", String.valueOf(e.getMessage()))
        : error(500, "ServerError", "the emulator failed on this request: " + e.getClass().getSimpleName()));
  }

  /** The error answer every face may use: IoT Hub's error body shape (docs/service-api.md §4). */
  public static HttpAnswer error(int status, String errorCode, String message) {
    return error(status, errorCode, status, message);
  }

  /** As {@link #error(int, String, String)} with a six-digit IoT Hub error number. */
  public static HttpAnswer error(int status, String errorCode, int errorNumber, String message) {
    String text = "ErrorCode:" + errorCode + ";" + message;
    String tracking = "Tracking ID:" + Long.toHexString(System.nanoTime()) + "-G:emulator-TimeStamp:"
        + Instant.now();
    String json = "{\"Message\":" + quote(text) + ",\"ExceptionMessage\":" + quote(tracking) + ",\"errorCode\":"
        + errorNumber + "}";
    return HttpAnswer.json(status, json);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static boolean matches(Route route, String[] segments) {
    if (route.segments.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (route.isVariable(i) ? segments[i].isEmpty() : !route.segments[i].equals(segments[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean moreSpecific(Route a, Route b) {
    for (int i = 0; i < a.segments.length; i++) {
      if (a.isVariable(i) != b.isVariable(i)) {
        return !a.isVariable(i);
      }
    }
    return false;
  }

  private static String shape(String[] segments) {
    List<String> parts = new ArrayList<>();
    for (String s : segments) {
      parts.add(s.startsWith("{") ? "{}" : s);
    }
    return String.join("/", parts);
  }

  private static String[] split(String path) {
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals("/")) {
      return new String[0];
    }
    return trimmed.substring(1).split("/", -1);
  }

  /** The routes, {@code METHOD template}, in insertion order (for logs and tests). */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Route route : routes) {
      out.add(route.method + " " + route.template);
    }
    return out;
  }

  @Override
  public String toString() {
    return "HttpRoutes" + describe();
  }
}
