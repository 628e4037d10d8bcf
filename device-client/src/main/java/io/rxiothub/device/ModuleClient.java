// The public client of a module identity.
package io.rxiothub.device;

import io.rxiothub.device.internal.ClientFactory;
import io.rxiothub.device.internal.ClientParts;

/**
 * The reactive IoT Hub client of a module identity ({@code DeviceId} + {@code ModuleId}). It
 * behaves as {@link DeviceClient} (same threads, same guarantees) with client id
 * {@code deviceId/moduleId}, user name {@code {host}/{deviceId}/{moduleId}/?…} and module topics
 * ({@code devices/{deviceId}/modules/{moduleId}/messages/events/…}).
 */
public final class ModuleClient extends BaseClient {

  private ModuleClient(ClientParts parts) {
    super(parts);
  }

  /** Returns a builder; a module connection string is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ModuleClient}; see {@link ClientBuilder} for the options. */
  public static final class Builder extends ClientBuilder<Builder> {

    private Builder() {}

    @Override
    Builder self() {
      return this;
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
