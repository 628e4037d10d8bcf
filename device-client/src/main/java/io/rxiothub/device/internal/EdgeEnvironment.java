// The IoT Edge environment of a module (protocol.md §17.5): the IOTEDGE_* variables, checked, and what a client
// makes of them: a connection string naming the identity and gateway, the workload's trust bundle, its tokens.
package io.rxiothub.device.internal;

import io.rxiothub.device.SasTokenSource;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.IotHubIds;
import io.rxiothub.sas.PercentEncoding;
import io.rxiothub.sas.SasToken;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The checked variables; parse with {@link #parse}. */
public final class EdgeEnvironment {

  /** The workload api-version used when IOTEDGE_APIVERSION is not set (the official SDKs'). */
  public static final String DEFAULT_API_VERSION = "2018-06-28";
  /** The lifetime of the tokens the workload API signs. */
  static final long TOKEN_SECONDS = 3600;
  /** A key that signs the connection string's placeholder token (never sent: every token comes from the source). */
  private static final String PLACEHOLDER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

  private final String hubHost;
  private final @Nullable String gatewayHost;
  private final String deviceId;
  private final String moduleId;
  private final String generationId;
  private final WorkloadClient workload;

  private EdgeEnvironment(String hubHost, @Nullable String gatewayHost, String deviceId, String moduleId,
      String generationId, WorkloadClient workload) {
    this.hubHost = hubHost;
    this.gatewayHost = gatewayHost;
    this.deviceId = deviceId;
    this.moduleId = moduleId;
    this.generationId = generationId;
    this.workload = workload;
  }

  /**
   * Checks the variables.
   *
   * @throws IllegalArgumentException naming the variable that is missing or malformed
   */
  public static EdgeEnvironment parse(Map<String, String> env) {
    String scheme = required(env, "IOTEDGE_AUTHSCHEME");
    if (!scheme.equals("sasToken")) {
      throw new IllegalArgumentException("IOTEDGE_AUTHSCHEME is '" + scheme + "' but only 'sasToken' is supported "
          + "(the module's tokens signed by the workload API)");
    }
    String hub = required(env, "IOTEDGE_IOTHUBHOSTNAME");
    String device = id(env, "IOTEDGE_DEVICEID", false);
    String module = id(env, "IOTEDGE_MODULEID", true);
    String generation = required(env, "IOTEDGE_MODULEGENERATIONID");
    String gateway = env.get("IOTEDGE_GATEWAYHOSTNAME");
    if (gateway != null && gateway.trim().isEmpty()) {
      gateway = null;
    }
    String api = env.get("IOTEDGE_APIVERSION");
    if (api == null || api.trim().isEmpty()) {
      api = DEFAULT_API_VERSION;
    }
    String uri = required(env, "IOTEDGE_WORKLOADURI");
    URI workload;
    try {
      workload = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("IOTEDGE_WORKLOADURI '" + uri + "' is not a URI: " + e.getReason());
    }
    String s = workload.getScheme();
    if ("unix".equalsIgnoreCase(s)) {
      throw new IllegalArgumentException("IOTEDGE_WORKLOADURI '" + uri + "' is a Unix domain socket, which Java 8 "
          + "and Android cannot open: configure the IoT Edge runtime's workload API on http:// for this module");
    }
    if (!"http".equalsIgnoreCase(s) && !"https".equalsIgnoreCase(s)) {
      throw new IllegalArgumentException("IOTEDGE_WORKLOADURI '" + uri + "' must start with http:// or https://");
    }
    if (workload.getHost() == null) {
      throw new IllegalArgumentException("IOTEDGE_WORKLOADURI '" + uri + "' has no host");
    }
    return new EdgeEnvironment(hub, gateway, device, module, generation, new WorkloadClient(uri, api));
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.trim().isEmpty()) {
      throw new IllegalArgumentException(name + " is not set: a module started by the IoT Edge runtime has it; "
          + "outside IoT Edge build the client from a module connection string");
    }
    return value.trim();
  }

  private static String id(Map<String, String> env, String name, boolean module) {
    String value = required(env, name);
    try {
      if (module) {
        IotHubIds.checkModuleId(value);
      } else {
        IotHubIds.checkDeviceId(value);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    if (!IotHubIds.isMqttSafe(value)) {
      throw new IllegalArgumentException(name + " '" + value + "' contains '+' or '#', which MQTT topics cannot carry");
    }
    return value;
  }

  /** The identity's resource URI {@code {hub}/devices/{d}/modules/{m}} (not encoded). */
  String resourceUri() {
    return hubHost + "/devices/" + deviceId + "/modules/" + moduleId;
  }

  /** A connection string naming the identity and the gateway, with a placeholder token that is never sent. */
  public ConnectionString connectionString() {
    return ConnectionString.builder().hostName(hubHost).deviceId(deviceId).moduleId(moduleId)
        .gatewayHostName(gatewayHost)
        .sharedAccessSignature(SasToken.generate(resourceUri(), PLACEHOLDER_KEY, 0, null)).build();
  }

  /**
   * Returns the workload API's trust bundle.
   *
   * @throws IllegalStateException if it cannot be had (the message says why)
   */
  public X509Certificate[] trustBundle() {
    return workload.trustBundle();
  }

  /** The token source: each token signed by the workload API for {@link #TOKEN_SECONDS}. */
  public SasTokenSource tokenSource() {
    return new WorkloadTokenSource(workload, moduleId, generationId);
  }

  /**
   * Tokens signed by the workload API. The runtime's own service may fail or be slow for a while (restarting, its
   * HSM busy): {@link Credentials} retries such failures, and refusals of the tokens it signs, for as long as the
   * client's give-up time while it reconnects on its own, instead of the few times of a user's token source.
   */
  static final class WorkloadTokenSource implements SasTokenSource {
    private final WorkloadClient workload;
    private final String moduleId;
    private final String generationId;

    WorkloadTokenSource(WorkloadClient workload, String moduleId, String generationId) {
      this.workload = workload;
      this.moduleId = moduleId;
      this.generationId = generationId;
    }

    @Override
    public String token(String resourceUri, long nowEpochSeconds) {
      long se = nowEpochSeconds + TOKEN_SECONDS;
      String sr = PercentEncoding.encode(resourceUri);
      String digest = workload.sign(moduleId, generationId, sr + "\n" + se);
      return "SharedAccessSignature sr=" + sr + "&sig=" + PercentEncoding.encode(digest) + "&se=" + se;
    }

    @Override
    public String toString() {
      return "tokens signed by the " + workload;
    }
  }

  @Override
  public String toString() {
    return "EdgeEnvironment{" + deviceId + "/" + moduleId + ", hub=" + hubHost + ", gateway=" + gatewayHost + ", "
        + workload + '}';
  }
}
