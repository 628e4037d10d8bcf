// What HubEmulator.Builder collects: each value checked as it is set, the hub's settings once built.
package io.rxiothub.emulator.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The builder's values with their defaults: host {@code localhost} bound to 127.0.0.1, ports 8883 and 443, no plain
 * port, in memory, system UTC clock, 1,000 telemetry messages per identity, generated TLS material. A bad value throws
 * IllegalArgumentException naming the builder's option; not thread-safe.
 */
public final class SettingsDraft {

  private String hostName = "localhost";
  private String bindAddress = "127.0.0.1";
  private int mqttPort = 8883;
  private int webSocketPort = 443;
  private int plainTcpPort = -1;
  private @Nullable Path dataDir;
  private Clock clock = Clock.systemUTC();
  private int telemetryRetention = 1000;
  private final List<String> additionalNames = new ArrayList<>();
  private @Nullable Path tlsMaterialFile;

  public void hostName(String hostName) {
    if (hostName == null || hostName.isEmpty() || hostName.contains("/") || hostName.contains(";")) {
      throw new IllegalArgumentException("hostName must be a non-empty host name without '/' or ';'");
    }
    this.hostName = hostName;
  }

  /** Adds the names in lower case; a null or empty one throws after those before it were added. */
  public void certificateNames(String... names) {
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("certificateNames must not contain null or empty names");
      }
      additionalNames.add(name.toLowerCase(Locale.ROOT));
    }
  }

  public void bindAddress(String bindAddress) {
    if (bindAddress == null || bindAddress.isEmpty()) {
      throw new IllegalArgumentException("bindAddress must not be empty");
    }
    this.bindAddress = bindAddress;
  }

  public void mqttPort(int port) {
    this.mqttPort = checkPort("mqttPort", port, false);
  }

  public void webSocketPort(int port) {
    this.webSocketPort = checkPort("webSocketPort", port, true);
  }

  public void plainTcpPort(int port) {
    this.plainTcpPort = checkPort("plainTcpPort", port, true);
  }

  public void dataDir(@Nullable Path dataDir) {
    this.dataDir = dataDir;
  }

  public void clock(Clock clock) {
    if (clock == null) {
      throw new IllegalArgumentException("clock must not be null");
    }
    this.clock = clock;
  }

  public void telemetryRetention(int messages) {
    if (messages < 1) {
      throw new IllegalArgumentException("telemetryRetention must be at least 1, got " + messages);
    }
    this.telemetryRetention = messages;
  }

  public void tlsMaterial(Path pemFile) {
    if (pemFile == null) {
      throw new IllegalArgumentException("pemFile must not be null");
    }
    this.tlsMaterialFile = pemFile;
  }

  /** The settings. @throws IllegalStateException if the host name holds an MQTT wildcard */
  public HubSettings settings() {
    if (hostName.indexOf('+') >= 0 || hostName.indexOf('#') >= 0) {
      throw new IllegalStateException("hostName must not contain '+' or '#'");
    }
    return new HubSettings(hostName, additionalNames, bindAddress, mqttPort, webSocketPort, plainTcpPort, dataDir,
        clock, telemetryRetention, tlsMaterialFile);
  }

  private static int checkPort(String field, int port, boolean allowOff) {
    if (port < (allowOff ? -1 : 0) || port > 65535) {
      throw new IllegalArgumentException(field + " must be in 0..65535" + (allowOff ? " or -1 (off)" : "")
          + ", got " + port);
    }
    return port;
  }
}
