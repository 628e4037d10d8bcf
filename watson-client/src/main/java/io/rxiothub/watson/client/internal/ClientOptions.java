// The connection options GatewayClient and WatsonDeviceClient share, and the transport core they make.
package io.rxiothub.watson.client.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.internal.Backoff;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.CoreSettings;
import io.rxiothub.transport.internal.MqttConnector;
import io.rxiothub.transport.internal.SharedThreads;
import io.rxiothub.transport.internal.hivemq.HiveMqConnector;
import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.WatsonIds;
import java.security.SecureRandom;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** Mutable options of a builder; {@link #core(ClientId)} makes the client's transport. Not thread-safe. */
public final class ClientOptions {

  private static final SecureRandom JITTER = new SecureRandom();

  public @Nullable String orgId;
  public @Nullable String typeId;
  public @Nullable String deviceId;
  public @Nullable String token;
  public String domain = "internetofthings.ibmcloud.com";
  public @Nullable String host;
  public int port = -1;
  public boolean webSocket;
  public @Nullable TrustManagerFactory trustManagerFactory;
  public int keepAliveSeconds = 60;
  public boolean cleanSession = false;
  public long reconnectInitialDelayMillis = 1_000;
  public long reconnectMaxDelayMillis = 60_000;
  public long reconnectGiveUpMillis = -1;
  public int offlineQueueCapacity = 10_000;
  public QueuePolicy overflowPolicy = QueuePolicy.FAIL;
  public long connectTimeoutMillis = 30_000;
  public long disconnectTimeoutMillis = 10_000;
  public @Nullable Scheduler callbackScheduler;
  public @Nullable Scheduler timeScheduler;
  public long dmTimeoutMillis = 30_000;

  /** Sets the organisation id. @throws IllegalArgumentException if it breaks the rule */
  public void orgId(String orgId) {
    this.orgId = WatsonIds.requireOrgId(orgId);
  }

  /** Sets the port. @throws IllegalArgumentException unless 1 to 65535 */
  public void port(int port) {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
    }
    this.port = port;
  }

  /** Sets the DM time-out. @throws IllegalArgumentException unless positive */
  public void dmTimeoutMillis(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("dmTimeoutMillis must be greater than 0, was " + millis);
    }
    this.dmTimeoutMillis = millis;
  }

  /** Sets a required non-empty text option. @throws IllegalArgumentException naming {@code name} */
  public static String require(String name, @Nullable String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be null or empty");
    }
    return value;
  }

  /** Sets a required option. @throws IllegalArgumentException naming {@code name} */
  public static <T> T requireNonNull(String name, @Nullable T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  /** Returns the client id of kind {@code gateway} or device. @throws IllegalStateException if ids are missing */
  public ClientId clientId(boolean gateway) {
    if (orgId == null || typeId == null || deviceId == null) {
      throw new IllegalStateException("orgId, typeId and deviceId are required");
    }
    if (token == null) {
      throw new IllegalStateException("token is required");
    }
    return gateway ? ClientId.gateway(orgId, typeId, deviceId) : ClientId.device(orgId, typeId, deviceId);
  }

  /** Makes the transport core of {@code id}; it releases its share of the shared threads when closed. */
  public ClientCore core(ClientId id) {
    SharedThreads.Lease lease = SharedThreads.acquire();
    try {
      CoreSettings settings = CoreSettings.builder()
          .identity(id.toString())
          .credentials(new TokenCredentials(id.toString(), requireNonNull("token", token)))
          .failures(WatsonFailures.INSTANCE)
          .keepAliveSeconds(keepAliveSeconds)
          .cleanSession(cleanSession)
          .backoff(new Backoff(reconnectInitialDelayMillis, reconnectMaxDelayMillis, JITTER))
          // negative: never (the transport gives up once failing for >= giveUpMillis, so -1 stopped at once)
          .giveUpMillis(reconnectGiveUpMillis < 0 ? Long.MAX_VALUE : reconnectGiveUpMillis)
          .offlineQueue(offlineQueueCapacity, overflowPolicy)
          .callbackScheduler(callbackScheduler != null ? callbackScheduler : lease.callbackScheduler())
          .timeScheduler(timeScheduler != null ? timeScheduler : lease.timeScheduler())
          .drainTimeoutMillis(disconnectTimeoutMillis)
          .maxHeldInbound(1024)
          .build();
      MqttConnector mqtt = new HiveMqConnector(new HiveMqConnector.Endpoint(
          host != null ? host : orgId + ".messaging." + domain,
          port > 0 ? port : webSocket ? 443 : 8883, webSocket ? "/mqtt" : null, trustManagerFactory, null, null,
          0, null, null, connectTimeoutMillis, WatsonFailures.INSTANCE));
      return new ClientCore(settings, mqtt, lease::release);
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
  }
}
