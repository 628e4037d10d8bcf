// The DPS service API's enrollment routes on the hub's HTTPS face (protocol.md §15.6): create or update, get,
// delete, attestation mechanism and query of individual enrollments and enrollment groups, over hub.dps().
package io.rxiothub.emulator.dps.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.SharedAccessPolicies.Permission;
import io.rxiothub.emulator.service.internal.HubError;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Installs the enrollment routes; records live in the DPS endpoint, their times and echoed fields here. */
public final class EnrollmentRoutes {

  private static final Set<Permission> READ = EnumSet.of(Permission.REGISTRY_READ, Permission.REGISTRY_WRITE);
  private static final Set<Permission> WRITE = EnumSet.of(Permission.REGISTRY_WRITE);
  private static final int DEFAULT_PAGE = 100;

  private final Supplier<DpsEndpoint> dps;
  private final String hubHost;
  private final ServiceAuth auth;
  private final Clock clock;
  /** What the endpoint's Enrollment does not hold, by kind and id; absent for enrollments made on the Java API. */
  private final Map<String, Meta> meta = new ConcurrentHashMap<>();

  private record Meta(Enrollment enrollment, Instant created, Instant updated, @Nullable X509Certificate device,
      com.fasterxml.jackson.databind.node.ObjectNode echoed) {}

  private EnrollmentRoutes(Supplier<DpsEndpoint> dps, String hubHost, ServiceAuth auth, Clock clock) {
    this.dps = dps;
    this.hubHost = hubHost;
    this.auth = auth;
    this.clock = clock;
  }

  /** Adds the routes of both kinds to {@code routes}, authorized by the hub's shared access policies. */
  public static void install(HttpRoutes routes, Supplier<DpsEndpoint> dps, String hubHost, ServiceAuth auth,
      Clock clock) {
    EnrollmentRoutes face = new EnrollmentRoutes(dps, hubHost, auth, clock);
    for (Enrollment.Kind kind : Enrollment.Kind.values()) {
      String base = kind == Enrollment.Kind.INDIVIDUAL ? "/enrollments" : "/enrollmentGroups";
      face.route(routes, "POST", base + "/query", READ, call -> face.query(kind, call));
      face.route(routes, "PUT", base + "/{id}", WRITE, call -> face.put(kind, call));
      face.route(routes, "GET", base + "/{id}", READ, call -> face.get(kind, call));
      face.route(routes, "DELETE", base + "/{id}", WRITE, call -> face.delete(kind, call));
      face.route(routes, "POST", base + "/{id}/attestationmechanism", READ, call -> face.attestation(kind, call));
    }
  }

  private void route(HttpRoutes routes, String method, String template, Set<Permission> permissions,
      Function<HttpCall, HttpAnswer> handler) {
    routes.add(method, template, call -> Single.fromCallable(() -> {
      auth.check(call.header("Authorization"), permissions);
      return handler.apply(call);
    }).onErrorReturn(EnrollmentRoutes::errorAnswer));
  }

  private HttpAnswer put(Enrollment.Kind kind, HttpCall call) {
    String id = call.path("id");
    EnrollmentJson.Parsed parsed = EnrollmentJson.parse(kind, id, call.body(), hubHost);
    String ifMatch = call.header("If-Match");
    synchronized (this) {
      Enrollment current = dps.get().enrollment(kind, id).orElse(null);
      String expected = ifMatch != null && !ifMatch.equals("*") ? ifMatch : parsed.etag();
      if (expected != null && !expected.equals("*") && (current == null || !expected.equals(etag(current)))) {
        throw new DpsError(412, 412002, "the etag " + expected + " does not match the " + noun(kind) + " '" + id
            + "'" + (current == null ? " (there is none)" : "") + ": get it again and retry");
      }
      Instant now = clock.instant();
      Meta before = current == null ? null : meta(kind, current);
      Instant created = before == null ? now : before.created();
      dps.get().addEnrollment(parsed.enrollment());
      Meta stored = new Meta(parsed.enrollment(), created, now, parsed.deviceCertificate(), parsed.echoed());
      meta.put(key(kind, id), stored);
      return answer(200, record(stored));
    }
  }

  private HttpAnswer get(Enrollment.Kind kind, HttpCall call) {
    return answer(200, record(meta(kind, existing(kind, call.path("id")))));
  }

  private HttpAnswer attestation(Enrollment.Kind kind, HttpCall call) {
    Meta m = meta(kind, existing(kind, call.path("id")));
    return answer(200, EnrollmentJson.attestation(m.enrollment(), m.device()));
  }

  private HttpAnswer delete(Enrollment.Kind kind, HttpCall call) {
    String id = call.path("id");
    synchronized (this) {
      Enrollment current = existing(kind, id);
      String ifMatch = call.header("If-Match");
      if (ifMatch != null && !ifMatch.equals("*") && !ifMatch.equals(etag(current))) {
        throw new DpsError(412, 412002, "the etag " + ifMatch + " does not match the " + noun(kind) + " '" + id
            + "': get it again and retry");
      }
      dps.get().removeEnrollment(kind, id);
      meta.remove(key(kind, id));
    }
    return HttpAnswer.builder().status(204).build();
  }

  private HttpAnswer query(Enrollment.Kind kind, HttpCall call) {
    JsonNode body;
    try {
      body = EnrollmentJson.JSON.readTree(call.body());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the body is not JSON: send {\"query\":\"SELECT * FROM enrollments\"}");
    }
    String query = body == null ? null : body.path("query").asText(null);
    String from = kind == Enrollment.Kind.INDIVIDUAL ? "enrollments" : "enrollmentGroups";
    if (query == null || !query.trim().replaceAll("\\s+", " ").equalsIgnoreCase("SELECT * FROM " + from)) {
      throw new IllegalArgumentException("query must be 'SELECT * FROM " + from + "' (the emulator filters"
          + " nothing), got " + (query == null ? "none" : "'" + query + "'"));
    }
    int page = intHeader(call, "x-ms-max-item-count", DEFAULT_PAGE);
    int offset = intHeader(call, "x-ms-continuation", 0);
    List<Enrollment> all = dps.get().enrollments().stream().filter(e -> e.kind() == kind).toList();
    ArrayNode items = EnrollmentJson.JSON.createArrayNode();
    for (int i = offset; i < Math.min(all.size(), offset + page); i++) {
      items.add(record(meta(kind, all.get(i))));
    }
    HttpAnswer.Builder answer = HttpAnswer.json(200, items.toString()).toBuilder()
        .header("x-ms-item-type", kind == Enrollment.Kind.INDIVIDUAL ? "enrollment" : "enrollmentGroup");
    if (offset + page < all.size()) {
      answer.header("x-ms-continuation", String.valueOf(offset + page));
    }
    return answer.build();
  }

  private static int intHeader(HttpCall call, String name, int fallback) {
    String value = call.header(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0 && (n > 0 || !name.equals("x-ms-max-item-count"))) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException("header " + name + " must be a " + (name.equals("x-ms-max-item-count")
        ? "positive" : "non-negative") + " integer, got '" + value + "'");
  }

  private Enrollment existing(Enrollment.Kind kind, String id) {
    return dps.get().enrollment(kind, id).orElseThrow(() -> new DpsError(404, 404201, "there is no " + noun(kind)
        + " '" + id + "'"));
  }

  /** The side record of {@code enrollment}, made now if it was added on the Java API or changed there. */
  private Meta meta(Enrollment.Kind kind, Enrollment enrollment) {
    String key = key(kind, enrollment.id());
    Meta known = meta.get(key);
    if (known != null && known.enrollment().equals(enrollment)) {
      return known;
    }
    Instant now = clock.instant();
    Meta made = new Meta(enrollment, known == null ? now : known.created(), now, null,
        known == null ? EnrollmentJson.JSON.createObjectNode() : known.echoed());
    meta.put(key, made);
    return made;
  }

  private JsonNode record(Meta m) {
    return EnrollmentJson.write(m.enrollment(), m.device(), m.echoed(), etag(m.enrollment()), m.created(),
        m.updated());
  }

  private static String etag(Enrollment enrollment) {
    return "\"" + Integer.toHexString(enrollment.hashCode()) + "\"";
  }

  private static String key(Enrollment.Kind kind, String id) {
    return kind + "/" + id;
  }

  private static String noun(Enrollment.Kind kind) {
    return kind == Enrollment.Kind.INDIVIDUAL ? "individual enrollment" : "enrollment group";
  }

  private static HttpAnswer answer(int status, JsonNode body) {
    return HttpAnswer.json(status, body.toString());
  }

  /** A DPS service error: answered with DPS's error body. */
  static final class DpsError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int code;

    DpsError(int status, int code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  private static HttpAnswer errorAnswer(Throwable e) throws Throwable {
    int status;
    int code;
    if (e instanceof DpsError dps) {
      status = dps.status;
      code = dps.code;
    } else if (e instanceof HubError) {
      status = 401;
      code = 401002;
    } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      status = 400;
      code = 400004;
    } else {
      throw e;
    }
    com.fasterxml.jackson.databind.node.ObjectNode body = EnrollmentJson.JSON.createObjectNode();
    body.put("errorCode", code);
    body.put("trackingId", Long.toHexString(System.nanoTime()));
    body.put("message", String.valueOf(e.getMessage()));
    body.put("timestampUtc", Instant.now().toString());
    return HttpAnswer.json(status, body.toString());
  }
}
