// JUnit 5 extension: an isolated hub emulator on ephemeral ports per test class or per test, closed afterwards.
package io.rxiothub.emulator;

import java.time.Clock;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.jspecify.annotations.Nullable;

/**
 * Starts a {@link HubEmulator} on ephemeral ports (MQTT/TLS and MQTT/WSS, loopback only) and closes it after use.
 * In a {@code static} field it lives for the whole class; in an instance field, for each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HubEmulatorExtension HUB = new HubEmulatorExtension();
 *
 * @Test
 * void sends(HubEmulator hub) {            // or HUB.hub()
 *   DeviceIdentity dev = HUB.createDevice("dev1");
 *   ...
 * }
 * }</pre>
 */
public final class HubEmulatorExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final Consumer<HubEmulator.Builder> configure;
  private @Nullable HubEmulator hub;
  private boolean perClass;

  /** An emulator with host {@code localhost} on ephemeral ports. */
  public HubEmulatorExtension() {
    this(b -> { });
  }

  /**
   * An emulator configured by {@code configure} after the defaults (ephemeral ports, {@code localhost}); it may set
   * host name, clock, certificate names and so on.
   */
  public HubEmulatorExtension(Consumer<HubEmulator.Builder> configure) {
    if (configure == null) {
      throw new IllegalArgumentException("configure must not be null");
    }
    this.configure = configure;
  }

  /** A builder-style variant: an emulator with the given clock. */
  public static HubEmulatorExtension withClock(Clock clock) {
    return new HubEmulatorExtension(b -> b.clock(clock));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    hub = newHub();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeHub();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      hub = newHub();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      closeHub();
    }
  }

  private HubEmulator newHub() {
    HubEmulator.Builder builder = HubEmulator.builder().mqttPort(0).webSocketPort(0);
    configure.accept(builder);
    return builder.build().start();
  }

  private void closeHub() {
    HubEmulator current = hub;
    hub = null;
    if (current != null) {
      current.close();
    }
  }

  /**
   * The running emulator.
   *
   * @throws IllegalStateException outside a test's lifetime
   */
  public HubEmulator hub() {
    HubEmulator current = hub;
    if (current == null) {
      throw new IllegalStateException("the hub emulator runs only while a test runs (register the extension with"
          + " @RegisterExtension)");
    }
    return current;
  }

  /** Creates a device with generated keys in the running emulator. */
  public DeviceIdentity createDevice(String deviceId) {
    return hub().registry().createDevice(deviceId);
  }

  /** Creates a module with generated keys in the running emulator. */
  public DeviceIdentity createModule(String deviceId, String moduleId) {
    return hub().registry().createModule(deviceId, moduleId);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == HubEmulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return hub();
  }
}
