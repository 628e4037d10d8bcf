// The public client of a device identity.
package io.rxiothub.device;

import io.rxiothub.device.internal.ClientFactory;
import io.rxiothub.device.internal.ClientParts;

/**
 * The reactive IoT Hub client of a device identity, over MQTT 3.1.1 and TLS (optionally over
 * WebSocket).
 *
 * <pre>{@code
 * DeviceClient client = DeviceClient.builder()
 *     .connectionString("HostName=…;DeviceId=dev1;SharedAccessKey=…")
 *     .build();
 * client.connect().blockingAwait();
 * client.send(Message.builder().payload(bytes).property("kind", "t").build()).blockingAwait();
 * client.cloudMessages().subscribe(m -> handle(m));
 * client.close();
 * }</pre>
 *
 * <p><b>Threads.</b> A client owns no thread. All clients of a JVM share, created lazily:
 * at most {@code availableProcessors} {@code rxiothub-io-N} Netty event-loop threads (ended when no
 * connection is open), one {@code rxiothub-timer} thread and at most
 * {@code max(2, availableProcessors)} {@code rxiothub-callback-N} threads (both ended when the last
 * client is closed). A client built with its own {@code callbackScheduler} and
 * {@code timeScheduler} uses those instead of the last two. The HiveMQ client used underneath loads
 * RxJava 2, whose class initialisation starts one {@code RxSchedulerPurge} thread per JVM (disable
 * it with {@code -Drx2.purge-enabled=false}).
 *
 * <p><b>Connection.</b> CONNECT follows protocol.md §3: client id {@code deviceId}, user name
 * {@code {host}/{deviceId}/?api-version=2021-04-12&DeviceClientType=rxiothub%2F{version}}, password
 * a SAS token made from the key (renewed at 85 % of its lifetime by a clean reconnect), or the fixed
 * token of the connection string, or none with X.509. Clean session off, keep-alive 230 s,
 * hostname verification always on.
 */
public final class DeviceClient extends BaseClient {

  private DeviceClient(ClientParts parts) {
    super(parts);
  }

  /** Returns a builder; a connection string is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DeviceClient}; see {@link ClientBuilder} for the options. */
  public static final class Builder extends ClientBuilder<Builder> {

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Returns the client, not yet connected.
     *
     * @throws IllegalStateException if the connection string is missing or names a module, or
     *     options conflict (x509 without a certificate, a proxy without MQTT_WS)
     */
    public DeviceClient build() {
      return new DeviceClient(ClientFactory.create(settings(), false, null));
    }
  }
}
