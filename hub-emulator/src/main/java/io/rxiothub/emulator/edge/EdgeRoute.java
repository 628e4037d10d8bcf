// One IoT Edge route, "FROM <source> [WHERE <condition>] INTO <sink>" (docs/protocol.md §17.4): parse and match. Pure.
package io.rxiothub.emulator.edge;

import io.rxiothub.emulator.edge.internal.RouteCondition;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An edgeHub route as a deployment manifest writes it (https://learn.microsoft.com/azure/iot-edge/module-composition):
 * <pre>
 * FROM /messages/modules/filter/outputs/alerts WHERE temperature &gt; 30 INTO BrokeredEndpoint("/modules/b/inputs/in1")
 * FROM /messages/* INTO $upstream
 * </pre>
 * Sources: {@code /*}, {@code /messages/*}, {@code /messages/modules/*}, {@code /messages/modules/{m}/*},
 * {@code /messages/modules/{m}/outputs/*}, {@code /messages/modules/{m}/outputs/{o}}. Sinks: {@code $upstream} (the
 * hub's telemetry) and {@code BrokeredEndpoint("/modules/{m}/inputs/{i}")}. Keywords are case-insensitive. The
 * condition language is the subset the emulator evaluates (protocol.md §17.4): application properties by name,
 * system properties as {@code $contentType} …, string, number and boolean literals, {@code = != <> < <= > >=},
 * {@code AND OR NOT}, parentheses and {@code IS_DEFINED(…)}; anything else is refused when parsed.
 */
public final class EdgeRoute {

  private static final Pattern ROUTE = Pattern.compile(
      "(?is)^\\s*FROM\\s+(\\S+)\\s+(?:WHERE\\s+(.+?)\\s+)?INTO\\s+(.+?)\\s*$");
  private static final Pattern BROKERED = Pattern.compile(
      "(?i)^BrokeredEndpoint\\s*\\(\\s*\"/modules/([^/\"]+)/inputs/([^/\"]+)\"\\s*\\)$");
  private static final String UPSTREAM = "$upstream";

  private final String text;
  private final @Nullable String sourceModule;
  private final @Nullable String sourceOutput;
  private final boolean modulesOnly;
  private final @Nullable RouteCondition condition;
  private final @Nullable String sinkModule;
  private final @Nullable String sinkInput;

  private EdgeRoute(String text, @Nullable String sourceModule, @Nullable String sourceOutput, boolean modulesOnly,
      @Nullable RouteCondition condition, @Nullable String sinkModule, @Nullable String sinkInput) {
    this.text = text;
    this.sourceModule = sourceModule;
    this.sourceOutput = sourceOutput;
    this.modulesOnly = modulesOnly;
    this.condition = condition;
    this.sinkModule = sinkModule;
    this.sinkInput = sinkInput;
  }

  /**
   * Parses a route.
   *
   * @throws IllegalArgumentException quoting the route and saying which part breaks which rule
   */
  public static EdgeRoute parse(String route) {
    if (route == null) {
      throw new IllegalArgumentException("route must not be null");
    }
    Matcher m = ROUTE.matcher(route);
    if (!m.matches()) {
      throw bad(route, "must read FROM <source> [WHERE <condition>] INTO <sink>");
    }
    String source = m.group(1);
    String where = m.group(2);
    String sink = m.group(3);
    String module = null;
    String output = null;
    boolean modulesOnly = false;
    String[] parts = source.split("/", -1);
    if (source.equals("/*") || source.equalsIgnoreCase("/messages/*")) {
      // every message
    } else if (parts.length == 4 && parts[0].isEmpty() && parts[1].equalsIgnoreCase("messages")
        && parts[2].equalsIgnoreCase("modules") && parts[3].equals("*")) {
      modulesOnly = true;
    } else if (parts.length == 5 && parts[0].isEmpty() && parts[1].equalsIgnoreCase("messages")
        && parts[2].equalsIgnoreCase("modules") && parts[4].equals("*")) {
      module = id(route, "source module", parts[3]);
    } else if (parts.length == 6 && parts[0].isEmpty() && parts[1].equalsIgnoreCase("messages")
        && parts[2].equalsIgnoreCase("modules") && parts[4].equalsIgnoreCase("outputs")) {
      module = id(route, "source module", parts[3]);
      output = parts[5].equals("*") ? "*" : id(route, "output", parts[5]);
    } else {
      throw bad(route, "source '" + source + "' is not one of /*, /messages/*, /messages/modules/*, "
          + "/messages/modules/{module}/*, /messages/modules/{module}/outputs/* or "
          + "/messages/modules/{module}/outputs/{output} (twin change notifications are not routed by the emulator)");
    }
    RouteCondition condition = null;
    if (where != null) {
      try {
        condition = RouteCondition.parse(where);
      } catch (IllegalArgumentException e) {
        throw bad(route, "WHERE " + e.getMessage());
      }
    }
    String sinkModule = null;
    String sinkInput = null;
    if (!sink.equals(UPSTREAM)) {
      Matcher b = BROKERED.matcher(sink);
      if (!b.matches()) {
        throw bad(route, "sink '" + sink + "' is neither $upstream nor BrokeredEndpoint(\"/modules/{module}/inputs/"
            + "{input}\")");
      }
      sinkModule = id(route, "target module", b.group(1));
      sinkInput = id(route, "input", b.group(2));
    }
    return new EdgeRoute(route.trim(), module, output, modulesOnly, condition, sinkModule, sinkInput);
  }

  private static String id(String route, String what, String id) {
    if (id.isEmpty() || id.length() > 128 || id.equals("*") || id.indexOf('+') >= 0 || id.indexOf('#') >= 0
        || id.indexOf('"') >= 0) {
      throw bad(route, what + " '" + id + "' must be 1 to 128 characters without * + # or \"");
    }
    return id;
  }

  private static IllegalArgumentException bad(String route, String rule) {
    String shown = route.length() > 300 ? route.substring(0, 300) + "…" : route;
    return new IllegalArgumentException("route '" + shown + "': " + rule);
  }

  /** Returns the route as written (trimmed). */
  public String text() {
    return text;
  }

  /** Returns whether the sink is {@code $upstream} (the hub's telemetry). */
  public boolean isUpstream() {
    return sinkModule == null;
  }

  /** Returns the module whose input the route delivers to, or null for {@code $upstream}. */
  public @Nullable String sinkModule() {
    return sinkModule;
  }

  /** Returns the input the route delivers to, or null for {@code $upstream}. */
  public @Nullable String sinkInput() {
    return sinkInput;
  }

  /**
   * Returns whether a message matches the source and the condition: one sent by module {@code moduleId} (null for
   * the edge device itself or a leaf device) to output {@code outputName} (null for none), with its system
   * properties by wire name ({@code $.ct} …) and its application properties.
   */
  public boolean matches(@Nullable String moduleId, @Nullable String outputName,
      Map<String, ? extends @Nullable String> systemProperties,
      Map<String, ? extends @Nullable String> applicationProperties) {
    if (systemProperties == null) {
      throw new IllegalArgumentException("systemProperties must not be null");
    }
    if (applicationProperties == null) {
      throw new IllegalArgumentException("applicationProperties must not be null");
    }
    if (modulesOnly && moduleId == null) {
      return false;
    }
    if (sourceModule != null && !sourceModule.equals(moduleId)) {
      return false;
    }
    if (sourceOutput != null && (outputName == null || !(sourceOutput.equals("*") || sourceOutput.equals(outputName)))) {
      return false;
    }
    return condition == null || condition.test(systemProperties, applicationProperties);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EdgeRoute && ((EdgeRoute) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
