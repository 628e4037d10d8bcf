// The options shared by DeviceClient.Builder and ModuleClient.Builder, and the assembly of a client.
package io.rxiothub.device;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.device.internal.ClientSettings;
import io.rxiothub.transport.internal.CoreSettings;
import org.jspecify.annotations.Nullable;

/**
 * Options of a client, with their defaults; the identity, TLS and token options are inherited. Setters validate at once and throw
 * {@link IllegalArgumentException} naming the option and the rule; {@code build()} throws
 * {@link IllegalStateException} for missing or conflicting options.
 *
 * @param <B> the concrete builder
 */
public abstract class ClientBuilder<B extends ClientBuilder<B>> extends CredentialOptions<B> {

  /** The api-version the client sends by default (protocol.md §3). */
  public static final String DEFAULT_API_VERSION = "2021-04-12";
  /** The keep-alive the client uses by default, in seconds. */
  public static final int DEFAULT_KEEP_ALIVE_SECONDS = 230;
  /** The longest useful keep-alive: the hub closes idle connections after 1.5 × keep-alive, ≤ 1767 s. */
  public static final int MAX_KEEP_ALIVE_SECONDS = 1177;
  ClientBuilder() {}

  /** Sets the transport (default {@link Transport#MQTT}). */
  public B transport(Transport transport) {
    if (transport == null) {
      throw new IllegalArgumentException("transport must not be null");
    }
    settings.transport(transport);
    return self();
  }

  /**
   * Overrides the port (default: the transport's, 8883 or 443).
   *
   * @throws IllegalArgumentException unless 1 ≤ port ≤ 65535
   */
  public B port(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port);
    }
    settings.port(port);
    return self();
  }

  /**
   * Sets the MQTT keep-alive (default 230 s).
   *
   * @throws IllegalArgumentException unless 1 ≤ seconds ≤ 1177 (the hub's useful maximum)
   */
  public B keepAliveSeconds(int seconds) {
    if (seconds < 1 || seconds > MAX_KEEP_ALIVE_SECONDS) {
      throw new IllegalArgumentException("keepAliveSeconds must be in 1.." + MAX_KEEP_ALIVE_SECONDS
          + " (the hub closes idle connections after 1.5 x keep-alive, at most 1767 s), got "
          + seconds);
    }
    settings.keepAliveSeconds(seconds);
    return self();
  }

  /**
   * Sets the MQTT clean-session flag (default false: the hub keeps cloud-to-device messages and
   * subscriptions while the device is away).
   */
  public B cleanSession(boolean cleanSession) {
    settings.cleanSession(cleanSession);
    return self();
  }

  /**
   * Sets the api-version of the user name (default {@value #DEFAULT_API_VERSION}).
   *
   * @throws IllegalArgumentException if empty
   */
  public B apiVersion(String apiVersion) {
    if (apiVersion == null || apiVersion.isEmpty()) {
      throw new IllegalArgumentException("apiVersion must not be empty");
    }
    settings.apiVersion(apiVersion);
    return self();
  }

  /** Appends product information to {@code DeviceClientType} ({@code rxiothub/{version} {info}}). */
  public B productInfo(@Nullable String productInfo) {
    settings.productInfo(productInfo);
    return self();
  }

  /** Sets the IoT Plug and Play model id ({@code model-id} in the user name), e.g. {@code dtmi:…;1}. */
  public B modelId(@Nullable String modelId) {
    settings.modelId(modelId);
    return self();
  }

  /**
   * Sets the scheduler on which every signal reaches user code (default: the shared
   * {@code rxiothub-callback-N} pool). It must not run tasks on the calling thread.
   */
  public B callbackScheduler(Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException("callbackScheduler must not be null");
    }
    settings.callbackScheduler(scheduler);
    return self();
  }

  /**
   * Sets the scheduler of timers and of the clock used for tokens (default: the shared
   * {@code rxiothub-timer} thread); tests pass a {@code TestScheduler}. It must not run tasks on the
   * calling thread ({@code Schedulers.trampoline()} does): the client arms its timers in the middle of
   * its own state changes.
   *
   * @throws IllegalArgumentException if it runs a task due now on the calling thread (checked with one
   *     no-op task, disposed at once)
   */
  public B timeScheduler(Scheduler scheduler) {
    // checks null too ("timeScheduler must not be null")
    settings.timeScheduler(CoreSettings.checkTimeScheduler("timeScheduler", scheduler));
    return self();
  }

  /**
   * Sets the reconnection backoff: attempt n waits a random time in
   * {@code [0, min(max, initial * 2^n)]} (full jitter); defaults 100 ms and 10 s.
   *
   * @throws IllegalArgumentException unless 0 ≤ initial ≤ max
   */
  public B reconnectBackoff(long initialDelayMillis, long maxDelayMillis) {
    if (initialDelayMillis < 0 || maxDelayMillis < initialDelayMillis) {
      throw new IllegalArgumentException("reconnectBackoff needs 0 <= initial <= max, got "
          + initialDelayMillis + " and " + maxDelayMillis);
    }
    settings.reconnectInitialDelayMillis(initialDelayMillis);
    settings.reconnectMaxDelayMillis(maxDelayMillis);
    return self();
  }

  /**
   * Sets how long the client keeps trying after failed attempts before it gives up and reports
   * {@link ConnectionState.Reason#RETRY_EXPIRED} (default 240 s; {@code Long.MAX_VALUE}: never).
   *
   * @throws IllegalArgumentException if negative
   */
  public B reconnectGiveUpMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("reconnectGiveUpMillis must not be negative");
    }
    settings.reconnectGiveUpMillis(millis);
    return self();
  }

  /**
   * Sets the capacity of the queue that holds sends while the client reconnects, or while the
   * in-flight window is full (default 1000), and what happens when it is full (default
   * {@link OverflowPolicy#FAIL}).
   *
   * @throws IllegalArgumentException if the capacity is below 1 or the policy null
   */
  public B offlineQueue(int capacity, OverflowPolicy policy) {
    if (capacity < 1) {
      throw new IllegalArgumentException("offline queue capacity must be >= 1, got " + capacity);
    }
    if (policy == null) {
      throw new IllegalArgumentException("policy must not be null");
    }
    settings.offlineQueueCapacity(capacity);
    settings.overflowPolicy(policy);
    return self();
  }

  /**
   * Sets the time limit of the TCP, TLS, WebSocket and MQTT CONNECT steps (default 30 s).
   *
   * @throws IllegalArgumentException unless ≥ 1
   */
  public B connectTimeoutMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("connectTimeoutMillis must be >= 1, got " + millis);
    }
    settings.connectTimeoutMillis(millis);
    return self();
  }

  /**
   * Sets how long {@code disconnect()} and token renewal wait for outstanding PUBACKs before they
   * close the connection (default 10 s).
   *
   * @throws IllegalArgumentException if negative
   */
  public B disconnectTimeoutMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("disconnectTimeoutMillis must not be negative");
    }
    settings.disconnectTimeoutMillis(millis);
    return self();
  }

  /**
   * Sets how long a twin request ({@code get()}, {@code updateReported}) waits for the hub's answer
   * before it fails with {@link IotHubTimeoutException} (default 30 s, measured on the
   * {@code timeScheduler} from the start of the attempt, so time spent waiting for a connection or
   * a SUBACK counts; each retry waits anew).
   *
   * @throws IllegalArgumentException unless ≥ 1
   */
  public B twinRequestTimeoutMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("twinRequestTimeoutMillis must be >= 1, got " + millis);
    }
    settings.twinRequestTimeoutMillis(millis);
    return self();
  }

  /**
   * Sets how twin requests answered 429 (throttled) or 5xx are retried: at most {@code maxRetries}
   * times, retry n after a random delay in {@code [c/2, c]} with
   * {@code c = min(maxDelay, initialDelay * 2^n)}, on the {@code timeScheduler}. Defaults: 4 retries,
   * 200 ms, 5 s. {@code maxRetries} 0 turns retrying off.
   *
   * @throws IllegalArgumentException unless maxRetries ≥ 0 and 0 ≤ initial ≤ max
   */
  public B twinRetry(int maxRetries, long initialDelayMillis, long maxDelayMillis) {
    if (maxRetries < 0 || initialDelayMillis < 0 || maxDelayMillis < initialDelayMillis) {
      throw new IllegalArgumentException("twinRetry needs maxRetries >= 0 and 0 <= initial <= max, "
          + "got " + maxRetries + ", " + initialDelayMillis + " and " + maxDelayMillis);
    }
    settings.twinMaxRetries(maxRetries);
    settings.twinRetryInitialDelayMillis(initialDelayMillis);
    settings.twinRetryMaxDelayMillis(maxDelayMillis);
    return self();
  }

  /**
   * Sends direct-method replies with QoS 0 instead of QoS 1 (default false): a little faster, but
   * a reply lost on the way leaves the caller waiting for the hub's 504.
   */
  public B methodRepliesAtMostOnce(boolean atMostOnce) {
    settings.methodRepliesAtMostOnce(atMostOnce);
    return self();
  }

  /**
   * Sets how the client reacts when another client connects with the same identity (IoT Hub then
   * closes the older connection; MQTT 3.1.1 gives no reason). If the hub closes the connection, the
   * client reconnects; if the hub closes the new connections twice in a row, each within
   * {@code millis} of accepting it, the client concludes that another client took the identity over,
   * stops and reports {@link ConnectionState.Reason#TAKEN_OVER} instead of taking turns with it in a
   * reconnect loop. A close with an I/O error or a keep-alive timeout resets the count.
   * Default 10 s; 0 turns the detection off: the client then always reconnects.
   *
   * @throws IllegalArgumentException if negative
   */
  public B takeoverWindowMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("takeoverWindowMillis must not be negative, got " + millis);
    }
    settings.takeoverWindowMillis(millis);
    return self();
  }

  /**
   * Sets the MQTT Will (default none): a telemetry message the hub sends on the client's behalf,
   * with application property {@code iothub-MessageType=Will}, when the connection ends without
   * {@code disconnect()} (network loss, crash, keep-alive timeout). Encoded as {@code send} encodes
   * it; QoS 0 if {@link Message#atMostOnce()}; part of every CONNECT; null removes it.
   *
   * @throws IllegalArgumentException if it sets {@code expiryEpochMillis} (the hub sends a Will
   *     after the client is gone, so nothing could expire it); {@code build()} throws
   *     {@link IllegalStateException} if it exceeds the hub's 256 KiB message size
   */
  public B will(@Nullable Message will) {
    if (will != null && will.expiryEpochMillis() != null) {
      throw new IllegalArgumentException("will must not set expiryEpochMillis: the hub sends the Will "
          + "when the client is gone, so nothing expires it; build the Will without it");
    }
    settings.will(will);
    return self();
  }

  /**
   * Sets the port of the hub's HTTPS endpoints, which file upload uses (default 443, IoT Hub's; the
   * emulator serves them on its WebSocket port). The host is the connection string's {@code HostName}.
   *
   * @throws IllegalArgumentException unless in 1..65535
   */
  public B httpsPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("httpsPort must be in 1..65535, got " + port);
    }
    settings.httpsPort(port);
    return self();
  }

  /**
   * Sets the block size of {@code files().upload(…)} (default 4 MiB): a file larger than one block
   * goes to storage as blocks of this size (Put Block, then Put Block List), a smaller one in one
   * Put Blob. An upload holds at most two blocks in memory (two are sent at once). Storage allows at most 50,000 blocks per blob, so
   * the largest file is 50,000 blocks.
   *
   * @throws IllegalArgumentException unless in 64 KiB..100 MiB
   */
  public B fileUploadBlockSize(int bytes) {
    if (bytes < 64 * 1024 || bytes > 100 * 1024 * 1024) {
      throw new IllegalArgumentException("fileUploadBlockSize must be in 65536..104857600 bytes, got " + bytes);
    }
    settings.fileUploadBlockSize(bytes);
    return self();
  }

  /**
   * Sets the scheduler on which file uploads run their HTTPS exchanges (default: RxJava's
   * {@code Schedulers.io()}). An upload blocks one of its threads from the SAS URI request to the
   * notification, so it must be a scheduler for blocking work: {@code Schedulers.io()}, or
   * {@code Schedulers.from(executor)} to bound how many uploads run at once (later ones wait for a
   * thread) or to name and account for the threads; never {@code Schedulers.computation()} or
   * {@code single()}. Signals still reach the subscriber on the {@code callbackScheduler}.
   */
  public B fileUploadScheduler(Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException("fileUploadScheduler must not be null");
    }
    settings.fileUploadScheduler(scheduler);
    return self();
  }

  /** Returns what this builder was told, for {@code ClientFactory}. */
  final ClientSettings settings() {
    return settings.build();
  }
}
