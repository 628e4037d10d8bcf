// Two things the HiveMQ client 1.3 API lacks, reached through its internal client configuration.
package io.rxiothub.transport.internal.hivemq;

import com.hivemq.client.internal.mqtt.MqttClientConfig;
import com.hivemq.client.internal.mqtt.MqttClientConnectionConfig;
import com.hivemq.client.internal.mqtt.mqtt3.Mqtt3ClientConfigView;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.lang.reflect.Field;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches the internal configuration of a HiveMQ client (1.3.x, the version the parent pom pins)
 * for two things its API has no option for: a TLS context shared by many clients (the client
 * otherwise builds one per connection, with its own session caches: about 2 KB of heap per idle
 * client), and {@code TCP_NODELAY} (Netty turns it on by default on the JVM, not on Android). Every
 * method degrades to "not done" and says so once in the log if another HiveMQ version hides these
 * details differently; nothing here is needed for correctness.
 */
final class HiveMqInternals {

  private static final Logger LOG = LoggerFactory.getLogger(HiveMqInternals.class);

  private static final @Nullable Field CONFIG = configField();
  private static volatile boolean warned;

  private HiveMqInternals() {}

  private static @Nullable Field configField() {
    try {
      Field field = Mqtt3ClientConfigView.class.getDeclaredField("delegate");
      if (!MqttClientConfig.class.isAssignableFrom(field.getType())) {
        return null;
      }
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("HiveMQ client internals not reachable: {}", e.toString());
      return null;
    }
  }

  /** Returns the internal configuration of {@code client}, or null if it cannot be reached. */
  static @Nullable MqttClientConfig config(Mqtt3Client client) {
    Field field = CONFIG;
    if (field != null) {
      try {
        Object view = client.getConfig();
        if (view instanceof Mqtt3ClientConfigView) {
          return (MqttClientConfig) field.get(view);
        }
      } catch (IllegalAccessException | RuntimeException | LinkageError e) {
        LOG.debug("HiveMQ client configuration not reachable: {}", e.toString());
      }
    }
    warnOnce();
    return null;
  }

  /**
   * Makes {@code client} open its TLS connections with {@code context} instead of building its own
   * from the same factories; returns whether it could.
   */
  static boolean useSslContext(Mqtt3Client client, SslContext context) {
    MqttClientConfig config = config(client);
    if (config == null) {
      return false;
    }
    try {
      config.setCurrentSslContext(context);
      return true;
    } catch (LinkageError e) {
      warnOnce();
      return false;
    }
  }

  /** Returns the channel of the connection {@code client} has now, or null. */
  static @Nullable Channel channel(Mqtt3Client client) {
    MqttClientConfig config = config(client);
    if (config == null) {
      return null;
    }
    try {
      MqttClientConnectionConfig connection = config.getRawConnectionConfig();
      return connection == null ? null : connection.getChannel();
    } catch (LinkageError e) {
      warnOnce();
      return null;
    }
  }

  /**
   * Turns Nagle's algorithm off on {@code channel} (so a lone PUBACK or method reply is not held
   * back waiting for more data); returns whether the option is now on.
   */
  static boolean noDelay(Channel channel) {
    try {
      Boolean before = channel.config().getOption(ChannelOption.TCP_NODELAY);
      if (before == null) {
        // Not a TCP channel (an embedded or local one): nothing to turn off.
        return false;
      }
      if (!before) {
        channel.config().setOption(ChannelOption.TCP_NODELAY, true);
      }
      return Boolean.TRUE.equals(channel.config().getOption(ChannelOption.TCP_NODELAY));
    } catch (RuntimeException e) {
      LOG.debug("TCP_NODELAY not set: {}", e.toString());
      return false;
    }
  }

  private static void warnOnce() {
    if (!warned) {
      warned = true;
      LOG.info("This HiveMQ client version hides its configuration: each connection builds its own "
          + "TLS context and TCP_NODELAY stays at Netty's default (use the HiveMQ client version "
          + "rxiothub was built with to avoid this)");
    }
  }
}
