// The connection options GatewayClient.Builder and WatsonDeviceClient.Builder share (declared once here).
package io.rxiothub.watson.client;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.internal.CoreSettings;
import io.rxiothub.watson.WatsonIds;
import io.rxiothub.watson.client.internal.ClientOptions;
import javax.net.ssl.TrustManagerFactory;

/**
 * The options of a Watson IoT client builder: who the client is (organisation, device type and id, token), where
 * it connects and how it reconnects, queues and calls back. A gateway ({@code g:}) and a device ({@code d:}) take
 * the same options. Setters validate at once and throw {@link IllegalArgumentException} naming the option and the
 * rule.
 *
 * @param <B> the concrete builder
 */
abstract class ConnectionOptions<B extends ConnectionOptions<B>> {

  /** What this builder was told; {@code build()} makes the client core from it. */
  final ClientOptions o = new ClientOptions();

  ConnectionOptions() {}

  abstract B self();

  /** Sets the organisation id (required). @throws IllegalArgumentException if it breaks the rule */
  public B orgId(String orgId) {
    o.orgId(orgId);
    return self();
  }

  /**
   * Sets the device type of the client (the gateway's own, or the device's; required).
   *
   * @throws IllegalArgumentException if it breaks the rule
   */
  public B typeId(String typeId) {
    o.typeId = WatsonIds.requireId("typeId", typeId);
    return self();
  }

  /**
   * Sets the device id of the client (the gateway's own, or the device's; required).
   *
   * @throws IllegalArgumentException if it breaks the rule
   */
  public B deviceId(String deviceId) {
    o.deviceId = WatsonIds.requireId("deviceId", deviceId);
    return self();
  }

  /** Sets the authentication token (required; never logged). @throws IllegalArgumentException if null or empty */
  public B token(String token) {
    o.token = ClientOptions.require("token", token);
    return self();
  }

  /** Sets the domain (default {@code internetofthings.ibmcloud.com}); the host is {@code {org}.messaging.{domain}}. */
  public B domain(String domain) {
    o.domain = ClientOptions.require("domain", domain);
    return self();
  }

  /** Sets the host outright (instead of {@code {org}.messaging.{domain}}). */
  public B host(String host) {
    o.host = ClientOptions.require("host", host);
    return self();
  }

  /** Sets the port (default 8883, over WebSocket 443). @throws IllegalArgumentException unless 1 to 65535 */
  public B port(int port) {
    o.port(port);
    return self();
  }

  /** MQTT over a secure WebSocket, {@code wss://{host}:{port}/mqtt}, when true (default false: MQTT over TLS). */
  public B webSocket(boolean webSocket) {
    o.webSocket = webSocket;
    return self();
  }

  /** Sets the trust for the platform's certificate (default: the JVM's). */
  public B trustManagerFactory(TrustManagerFactory trustManagerFactory) {
    o.trustManagerFactory = ClientOptions.requireNonNull("trustManagerFactory", trustManagerFactory);
    return self();
  }

  /** Sets the keep-alive in seconds (default 60). */
  public B keepAliveSeconds(int seconds) {
    o.keepAliveSeconds = seconds;
    return self();
  }

  /**
   * Sets clean session (default false: the platform keeps the client's session while it is offline; for a gateway,
   * the gateway's session, not its devices').
   */
  public B cleanSession(boolean cleanSession) {
    o.cleanSession = cleanSession;
    return self();
  }

  /** Sets the reconnect backoff: first and largest delay in milliseconds (defaults 1 s and 60 s). */
  public B reconnectDelays(long initialMillis, long maxMillis) {
    o.reconnectInitialDelayMillis = initialMillis;
    o.reconnectMaxDelayMillis = maxMillis;
    return self();
  }

  /** Sets after how long without a connection the client gives up (default -1; any negative value: never). */
  public B reconnectGiveUpMillis(long millis) {
    o.reconnectGiveUpMillis = millis;
    return self();
  }

  /** Sets the offline queue's capacity (default 10,000) and what a full queue does (default: fail the new send). */
  public B offlineQueue(int capacity, QueuePolicy policy) {
    o.overflowPolicy = ClientOptions.requireNonNull("policy", policy);
    o.offlineQueueCapacity = capacity;
    return self();
  }

  /** Sets the scheduler user code runs on (default: rxiothub's shared callback threads). */
  public B callbackScheduler(Scheduler scheduler) {
    o.callbackScheduler = ClientOptions.requireNonNull("scheduler", scheduler);
    return self();
  }

  /**
   * Sets the scheduler of timers (default: rxiothub's shared timer). It must not run tasks on the calling
   * thread ({@code Schedulers.trampoline()} does): the client arms its timers in the middle of its own state
   * changes.
   *
   * @throws IllegalArgumentException if it runs a task due now on the calling thread
   */
  public B timeScheduler(Scheduler scheduler) {
    o.timeScheduler = CoreSettings.checkTimeScheduler("timeScheduler",
        ClientOptions.requireNonNull("scheduler", scheduler));
    return self();
  }

  /** Sets how long a device-management request waits for the platform's response (default 30 s). */
  public B dmTimeoutMillis(long millis) {
    o.dmTimeoutMillis(millis);
    return self();
  }
}
