// The public client of a module identity: the device features plus IoT Edge inputs, outputs and environment.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.device.internal.ClientFactory;
import io.rxiothub.device.internal.ClientParts;
import io.rxiothub.device.internal.EdgeEnvironment;
import io.rxiothub.device.internal.ModuleInputs;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The reactive IoT Hub client of a module identity ({@code DeviceId} + {@code ModuleId}). It
 * behaves as {@link DeviceClient} (same threads, same guarantees) with client id
 * {@code deviceId/moduleId}, user name {@code {host}/{deviceId}/{moduleId}/?…} and module topics
 * ({@code devices/{deviceId}/modules/{moduleId}/messages/events/…}). As an IoT Edge module it also sends to outputs
 * ({@link #sendToOutput}), receives on inputs ({@link #inputs()}) and can be built from the IoT Edge environment
 * ({@link Builder#edgeEnvironment()}); protocol.md §17.4-17.5.
 */
public final class ModuleClient extends BaseClient {

  private final String moduleIdentity;
  private volatile @Nullable ModuleInputs inputs;

  private ModuleClient(ClientParts parts) {
    super(parts);
    this.moduleIdentity = String.valueOf(parts.moduleId);
  }

  /** Returns a builder; a module connection string, or the IoT Edge environment, is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends {@code message} to output {@code outputName} ({@code $.on}): the edgeHub routes it by its routes
   * ({@code FROM /messages/modules/{m}/outputs/{outputName} …}). Same as {@code send} with the message's
   * {@code outputName} set: cold, completes on PUBACK, at least once across reconnects.
   *
   * @throws IllegalArgumentException if an argument is null, or {@code outputName} is empty or breaks the
   *     property rules of {@code Message.Builder.outputName}
   */
  @CheckReturnValue
  public Completable sendToOutput(String outputName, Message message) {
    if (outputName == null || outputName.isEmpty()) {
      throw new IllegalArgumentException("outputName must not be null or empty");
    }
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    return send(message.toBuilder().outputName(outputName).build());
  }

  /**
   * Returns the messages of every input of this module: hot, {@code devices/{d}/modules/{m}/inputs/#} subscribed on
   * the edgeHub when the first subscriber arrives (and after every reconnect). As {@code cloudMessages()}: each
   * message is acknowledged (PUBACK) only after {@code onNext} returned for every subscriber of the inputs, on the
   * callback scheduler; backpressure holds messages unacknowledged. A message on an input that neither a subscriber
   * of {@code inputs()} nor one of {@code inputs(thatName)} takes is acknowledged, logged at WARN and dropped; a
   * malformed input topic is logged as {@link IotHubProtocolException} and skipped.
   */
  @CheckReturnValue
  public Flowable<InputMessage> inputs() {
    return moduleInputs().all();
  }

  /**
   * Returns the messages of input {@code inputName} (a view of {@link #inputs()}, same acknowledgement rules).
   *
   * @throws IllegalArgumentException if {@code inputName} is null, empty, or holds {@code /}, {@code +} or {@code #}
   */
  @CheckReturnValue
  public Flowable<InputMessage> inputs(String inputName) {
    if (inputName == null || inputName.isEmpty()) {
      throw new IllegalArgumentException("inputName must not be null or empty");
    }
    if (inputName.indexOf('/') >= 0 || inputName.indexOf('+') >= 0 || inputName.indexOf('#') >= 0) {
      throw new IllegalArgumentException("inputName '" + inputName + "' must not hold '/', '+' or '#': it is one "
          + "topic level of devices/{d}/modules/{m}/inputs/{input}");
    }
    return moduleInputs().input(inputName);
  }

  private ModuleInputs moduleInputs() {
    ModuleInputs in = inputs;
    if (in == null) {
      synchronized (this) {
        in = inputs;
        if (in == null) {
          in = new ModuleInputs(core(), deviceId(), moduleIdentity);
          inputs = in;
        }
      }
    }
    return in;
  }

  /** Builds a {@link ModuleClient}; see {@link ClientBuilder} for the options. */
  public static final class Builder extends ClientBuilder<Builder> {

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets identity, credentials and trust from this process's IoT Edge environment ({@code System.getenv()}); see
     * {@link #edgeEnvironment(Map)}.
     */
    public Builder edgeEnvironment() {
      return edgeEnvironment(System.getenv());
    }

    /**
     * Sets identity, credentials and trust from the IoT Edge variables in {@code environment}, as the IoT Edge
     * runtime gives them to a module (protocol.md §17.5): {@code IOTEDGE_IOTHUBHOSTNAME}, {@code IOTEDGE_DEVICEID},
     * {@code IOTEDGE_MODULEID}, {@code IOTEDGE_MODULEGENERATIONID}, {@code IOTEDGE_WORKLOADURI},
     * {@code IOTEDGE_AUTHSCHEME} ({@code sasToken}), optional {@code IOTEDGE_GATEWAYHOSTNAME} (the edgeHub, which the
     * client dials; without it the hub) and {@code IOTEDGE_APIVERSION} (default {@code 2018-06-28}).
     *
     * <p>Asks the workload API for its trust bundle now (blocking, at most 10 s to connect and 10 s to read) and
     * trusts exactly those certificates. Every SAS token (at each connection attempt and renewal, lifetime 1 h,
     * renewed at {@code sasTokenRenewalMargin}) is signed by the workload API with the module's key, which the
     * module never holds; a workload API that fails or does not answer fails that connection attempt with
     * {@link IotHubConnectionException} naming the workload URI and the status (never a token). A {@code connect()}
     * hears that at once; while the client reconnects on its own (after a lost connection or at a renewal) the
     * workload API is asked again with the reconnect backoff until the give-up time ({@code reconnectGiveUpMillis}),
     * not only the 5 times of a {@link SasTokenSource}, and sends wait in the offline queue meanwhile.
     *
     * <p>The workload URI must be {@code http://} or {@code https://} (JVM trust for https). A {@code unix://} URI,
     * the IoT Edge default, is refused: Java 8 and Android have no Unix domain sockets; configure the IoT Edge
     * runtime's workload listener on HTTP ({@code connect.workload_uri} / {@code listen.workload_uri}) for this
     * module. Set the edgeHub's MQTT port with {@code port(…)} if it is not 8883.
     *
     * @throws IllegalArgumentException if {@code environment} is null, a variable is missing or malformed (the
     *     message names it), the auth scheme is not {@code sasToken} or the workload URI is {@code unix://}
     * @throws IllegalStateException if the workload API does not answer, refuses or sends no certificate
     */
    public Builder edgeEnvironment(Map<String, String> environment) {
      if (environment == null) {
        throw new IllegalArgumentException("environment must not be null");
      }
      EdgeEnvironment edge = EdgeEnvironment.parse(environment);
      connectionString(edge.connectionString());
      trustedCertificates(edge.trustBundle());
      sasTokenSource(edge.tokenSource());
      return self();
    }

    /**
     * Returns the client, not yet connected.
     *
     * @throws IllegalStateException if the connection string is missing or has no ModuleId, or
     *     options conflict (x509 without a certificate, a proxy without MQTT_WS)
     */
    public ModuleClient build() {
      return new ModuleClient(ClientFactory.create(settings(), true, null));
    }
  }
}
