// The DPS endpoint's rules (protocol.md §15.4): CONNECT checks, request authentication against the enrollments,
// allocation to the hub, operations, throttling. Time passed in; the hub behind an interface; no sockets.
package io.rxiothub.emulator.dps.internal;

import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.provisioning.DpsError;
import io.rxiothub.provisioning.DpsResponseTopic;
import io.rxiothub.provisioning.DpsTopics;
import io.rxiothub.provisioning.OperationStatus;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.provisioning.RegistrationRequest;
import io.rxiothub.provisioning.RegistrationStatus;
import io.rxiothub.sas.PercentEncoding;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thread-safe: every method holds this object's monitor. Reasons and bodies name no key or token. */
public final class DpsService {

  private static final Logger LOG = LoggerFactory.getLogger(DpsService.class);
  private static final int MAX_OPERATIONS = 100_000;

  /** What the service needs of the hub it allocates to. */
  public interface Hub {
    /** The hub's host name ({@code assignedHub}). */
    String hostName();

    /** Whether the device exists in the hub's registry. */
    boolean deviceExists(String deviceId);

    /** Creates the device with its keys, then applies the initial twin (either may be null). */
    void createDevice(String deviceId, String primaryKey, String secondaryKey, @Nullable String tags,
        @Nullable String desired);

    /**
     * Creates an X.509 device: self-signed with {@code thumbprint}, or CA-signed (thumbprint null) with
     * {@code authority} registered with the hub; then applies the initial twin.
     */
    void createX509Device(String deviceId, @Nullable String thumbprint, @Nullable X509Certificate authority,
        @Nullable String tags, @Nullable String desired);
  }

  /** A response to publish: topic and body; or {@code close} for a request the endpoint does not serve. */
  public record Response(String topic, byte[] body, boolean close) {
    static Response closing() {
      return new Response("", new byte[0], true);
    }
  }

  /** The outcome of a CONNECT: 0 = accepted, else the CONNACK return code, with the reason. */
  public record ConnectResult(int returnCode, String reason, @Nullable String idScope) {}

  private final Hub hub;
  private final Map<String, Enrollment> individual = new LinkedHashMap<>();
  private final Map<String, Enrollment> groups = new LinkedHashMap<>();
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final Map<String, Registration> registrations = new LinkedHashMap<>();
  private String idScope;
  private int retryAfterSeconds = 1;
  private int throttleCount;
  private int throttleRetryAfter;

  private record Operation(String registrationId, OperationStatus status) {}

  /** A service for {@code idScope} allocating to {@code hub}. */
  public DpsService(Hub hub, String idScope) {
    this.hub = hub;
    this.idScope = idScope;
  }

  /** The ID scope. */
  public synchronized String idScope() {
    return idScope;
  }

  /** Changes the ID scope. */
  public synchronized void idScope(String scope) {
    this.idScope = scope;
  }

  /** The {@code retry-after} of 202 answers, in seconds. */
  public synchronized void retryAfterSeconds(int seconds) {
    this.retryAfterSeconds = seconds;
  }

  /** The next {@code count} requests get 429 with {@code retry-after={retryAfter}}. */
  public synchronized void throttle(int count, int retryAfter) {
    this.throttleCount = count;
    this.throttleRetryAfter = retryAfter;
  }

  /** Adds or replaces an enrollment. */
  public synchronized void put(Enrollment enrollment) {
    (enrollment.kind() == Enrollment.Kind.INDIVIDUAL ? individual : groups).put(enrollment.id(), enrollment);
  }

  /** The enrollment of that kind and id, or null. */
  public synchronized @Nullable Enrollment get(Enrollment.Kind kind, String id) {
    return (kind == Enrollment.Kind.INDIVIDUAL ? individual : groups).get(id);
  }

  /** Removes an enrollment; whether it existed. */
  public synchronized boolean remove(Enrollment.Kind kind, String id) {
    return (kind == Enrollment.Kind.INDIVIDUAL ? individual : groups).remove(id) != null;
  }

  /** All enrollments, individual first. */
  public synchronized List<Enrollment> enrollments() {
    List<Enrollment> all = new ArrayList<>(individual.values());
    all.addAll(groups.values());
    return all;
  }

  /** The last registration state of each registration id, in order of first registration. */
  public synchronized List<Registration> registrations() {
    return new ArrayList<>(registrations.values());
  }

  /** Decides a CONNECT: MQTT 3.1.1, a client id, a user name {@code {idScope}/registrations/{clientId}/…}. */
  public synchronized ConnectResult connect(int protocolLevel, String clientId, @Nullable String userName) {
    if (protocolLevel != 4) {
      return new ConnectResult(1, "protocol level " + protocolLevel + " is not MQTT 3.1.1 (level 4)", null);
    }
    if (clientId.isEmpty()) {
      return new ConnectResult(2, "the client id must be the registration id", null);
    }
    String marker = "/registrations/" + clientId + "/";
    int at = userName == null ? -1 : userName.indexOf(marker);
    if (userName == null || at <= 0 || userName.substring(0, at).indexOf('/') >= 0) {
      return new ConnectResult(5, "user name must be {idScope}/registrations/" + clientId
          + "/api-version=…&ClientVersion=…", null);
    }
    return new ConnectResult(0, "accepted", userName.substring(0, at));
  }

  /**
   * Answers one PUBLISH of a connection that CONNECTed for {@code scope} and {@code registrationId} with
   * {@code password} (null for none) and the TLS client certificate {@code chain} (leaf first; empty for none), at
   * {@code now}.
   */
  public synchronized Response request(String scope, String registrationId, byte @Nullable [] password,
      List<X509Certificate> chain, String topic, byte[] body, Instant now) {
    boolean register = topic.startsWith(DpsTopics.REGISTER_PREFIX);
    boolean status = topic.startsWith(DpsTopics.STATUS_PREFIX);
    if (!register && !status) {
      LOG.warn("DPS emulator: {} published to '{}', which DPS does not serve: closing", registrationId, topic);
      return Response.closing();
    }
    Map<String, String> query = query(topic.substring(topic.indexOf('?') + 1));
    String rid = query.get("$rid");
    if (rid == null || rid.isEmpty()) {
      LOG.warn("DPS emulator: {} sent a request without $rid: closing", registrationId);
      return Response.closing();
    }
    if (throttleCount > 0) {
      throttleCount--;
      return error(429, rid, throttleRetryAfter, 429001, "Throttled by the emulator's fault injection");
    }
    Auth auth = authenticate(scope, registrationId, password, chain, now);
    Enrollment enrollment = auth.enrollment();
    if (enrollment == null) {
      LOG.info("DPS emulator: registration {} unauthorized: {}", registrationId, auth.denied());
      return error(401, rid, -1, 401002, "Unauthorized");
    }
    if (status) {
      Operation operation = operations.get(query.getOrDefault("operationId", ""));
      if (operation == null || !operation.registrationId().equals(registrationId)) {
        return error(404, rid, -1, 404001, "Operation not found");
      }
      return new Response(DpsResponseTopic.of(200, rid, -1).format(), utf8(operation.status().toJson()), false);
    }
    RegistrationRequest request;
    try {
      request = RegistrationRequest.parse(body);
    } catch (IllegalArgumentException e) {
      return error(400, rid, -1, 400004, "Bad request: " + e.getMessage());
    }
    if (!request.registrationId().equals(registrationId)) {
      return error(400, rid, -1, 400004, "Bad request: registrationId must be the client id");
    }
    String operationId = "4." + Long.toHexString(now.toEpochMilli()) + "." + UUID.randomUUID();
    Registration result = allocate(registrationId, enrollment, unwrapped(request.payload()), now);
    if (operations.size() >= MAX_OPERATIONS) {
      operations.remove(operations.keySet().iterator().next());
    }
    operations.put(operationId, new Operation(registrationId, OperationStatus.of(operationId, result.status(),
        result)));
    registrations.remove(registrationId);
    registrations.put(registrationId, result);
    return new Response(DpsResponseTopic.of(202, rid, retryAfterSeconds).format(),
        utf8(OperationStatus.of(operationId, RegistrationStatus.ASSIGNING, null).toJson()), false);
  }

  private record Auth(@Nullable Enrollment enrollment, String denied) {
    static Auth deny(String reason) {
      return new Auth(null, reason);
    }
  }

  private Auth authenticate(String scope, String registrationId, byte @Nullable [] password,
      List<X509Certificate> chain, Instant now) {
    if (!scope.equals(idScope)) {
      return Auth.deny("ID scope '" + scope + "' is not this endpoint's");
    }
    if (password == null && !chain.isEmpty()) {
      X509Attestation.Match match = X509Attestation.match(chain, registrationId, individual, groups.values(), now);
      return new Auth(match.enrollment(), match.denied());
    }
    if (password == null) {
      return Auth.deny("no password and no client certificate: a SAS token (symmetric key) or an X.509 client"
          + " certificate is required");
    }
    SasToken token;
    try {
      token = SasToken.parse(withoutEmptyKeyName(new String(password, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      return Auth.deny("password is not a SAS token: " + e.getMessage());
    }
    String resource = DpsConnect.tokenResource(scope, registrationId);
    if (!token.covers(resource)) {
      return Auth.deny("SAS token does not cover '" + resource + "'");
    }
    if (token.isExpired(now.getEpochSecond())) {
      return Auth.deny("SAS token expired");
    }
    Enrollment enrollment = enrollmentFor(registrationId, token);
    return enrollment == null
        ? Auth.deny("no enrollment whose key signed the token (unknown registration, wrong key or wrong group key)")
        : new Auth(enrollment, "");
  }

  /**
   * The official Java provisioning client ends its token with an empty {@code &skn=} (protocol.md §15.1), which the
   * hub's token grammar refuses; DPS takes it, so the emulator drops that empty field before parsing.
   */
  static String withoutEmptyKeyName(String token) {
    if (token.endsWith("&skn=")) {
      return token.substring(0, token.length() - "&skn=".length());
    }
    return token.replace("&skn=&", "&");
  }

  private @Nullable Enrollment enrollmentFor(String registrationId, SasToken token) {
    Enrollment own = individual.get(registrationId);
    if (own != null) {
      String key = own.primaryKey();
      return key != null && signedBy(token, key, own.secondaryKey()) ? own : null;
    }
    for (Enrollment group : groups.values()) {
      String secondary = group.secondaryKey();
      String primary = group.primaryKey();
      if (primary != null && signedBy(token, DpsConnect.derivedKey(primary, registrationId),
          secondary == null ? null : DpsConnect.derivedKey(secondary, registrationId))) {
        return group;
      }
    }
    return null;
  }

  private static boolean signedBy(SasToken token, String primary, @Nullable String secondary) {
    try {
      return token.verify(primary) || (secondary != null && token.verify(secondary));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Registration allocate(String registrationId, Enrollment enrollment, @Nullable String payload,
      Instant now) {
    Registration previous = registrations.get(registrationId);
    String created = previous != null && previous.createdDateTimeUtc() != null ? previous.createdDateTimeUtc()
        : now.toString();
    Registration.Builder result = Registration.builder().registrationId(registrationId)
        .times(created, now.toString()).etag("\"" + Long.toHexString(now.toEpochMilli()) + "\"");
    if (!enrollment.enabled()) {
      return result.status(RegistrationStatus.DISABLED).error(401003, "the " + (enrollment.kind()
          == Enrollment.Kind.GROUP ? "enrollment group '" + enrollment.id() + "'" : "enrollment") + " of '"
          + registrationId + "' is disabled").build();
    }
    boolean existed = hub.deviceExists(registrationId);
    String enrolledKey = enrollment.primaryKey();
    if (!existed && enrolledKey == null) {
      List<X509Certificate> authorities = enrollment.caCertificates();
      hub.createX509Device(registrationId, enrollment.primaryThumbprint(),
          authorities.isEmpty() ? null : authorities.get(0), enrollment.initialTags(), enrollment.initialDesired());
    } else if (!existed && enrolledKey != null) {
      boolean group = enrollment.kind() == Enrollment.Kind.GROUP;
      String primary = group ? DpsConnect.derivedKey(enrolledKey, registrationId) : enrolledKey;
      String secondary = enrollment.secondaryKey();
      if (secondary != null && group) {
        secondary = DpsConnect.derivedKey(secondary, registrationId);
      }
      hub.createDevice(registrationId, primary, secondary == null ? primary : secondary,
          enrollment.initialTags(), enrollment.initialDesired());
    }
    return result.status(RegistrationStatus.ASSIGNED).assignment(hub.hostName(), registrationId)
        .substatus(existed ? "reprovisionedToInitialAssignment" : "initialAssignment").payload(payload).build();
  }

  /**
   * The official Java provisioning client sends its custom payload as a JSON string holding JSON text
   * ({@code "payload":"{\"modelId\":…}"}, protocol.md §15.2) and parses the returned payload as an object; as DPS
   * evidently does (Java's Plug and Play payload works), such a string is taken for the JSON it holds.
   */
  static @Nullable String unwrapped(@Nullable String payload) {
    if (payload == null || !payload.startsWith("\"")) {
      return payload;
    }
    try {
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      String inner = json.readValue(payload, String.class);
      com.fasterxml.jackson.databind.JsonNode node = json.readTree(inner);
      return node != null && node.isContainerNode() ? json.writeValueAsString(node) : payload;
    } catch (java.io.IOException | RuntimeException e) {
      return payload;
    }
  }

  private static Response error(int status, String rid, int retryAfter, int code, String message) {
    return new Response(DpsResponseTopic.of(status, rid, retryAfter).format(),
        utf8(DpsError.of(code, UUID.randomUUID().toString(), message).toJson()), false);
  }

  private static Map<String, String> query(String query) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      try {
        values.putIfAbsent(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : PercentEncoding.decode(
            pair.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        values.putIfAbsent(eq < 0 ? pair : pair.substring(0, eq), "");
      }
    }
    return values;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
