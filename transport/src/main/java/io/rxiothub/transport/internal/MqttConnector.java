// The seam between the connection state machine and the MQTT library: one connection per attempt.
package io.rxiothub.transport.internal;

import org.jspecify.annotations.Nullable;

/**
 * Opens MQTT connections. Each call is one attempt with its own credentials; the state machine in
 * {@link ClientCore} owns retries, queues and subscriptions, so an implementation only moves bytes.
 */
public interface MqttConnector {

  /**
   * Starts a connection attempt. Exactly one of {@code callback.connected} and
   * {@code callback.failed} is called later (on any thread), unless the returned cancellation runs
   * first. After {@code connected}, {@code listener} receives the inbound PUBLISHes and, once, the
   * closing of the connection.
   */
  Cancellation connect(ConnectRequest request, Listener listener, ConnectCallback callback);

  /** Aborts an attempt or a connection. */
  interface Cancellation {
    /** Aborts; idempotent. */
    void cancel();
  }

  /** The outcome of one attempt. */
  interface ConnectCallback {
    /** The hub accepted the CONNECT. */
    void connected(MqttConnection connection);

    /** The attempt failed; {@code error} is made by the dialect's {@code Failures}. */
    void failed(Throwable error);
  }

  /** Receives what happens on an established connection. */
  interface Listener {
    /** An application message arrived; it stays unacknowledged until {@code acknowledge()}. */
    void onPublish(InboundPublish publish);

    /** The connection closed, by either side; {@code cause} says why. Called at most once. */
    void onClosed(Throwable cause);
  }

  /** Completion of an asynchronous operation. */
  interface Callback {
    /** Called once, with {@code null} on success. */
    void done(@Nullable Throwable error);
  }

  /** One established connection. */
  interface MqttConnection {
    /**
     * Publishes with QoS 1 (QoS 0 if {@code atMostOnce}); {@code done} runs on PUBACK (or write).
     * {@code more}: the caller publishes again on this connection at once, so the connection may hold
     * this publish back until a publish without {@code more} and send them together (one write,
     * fewer TLS records); it must not hold it any longer than that.
     */
    void publish(String topic, byte[] payload, boolean atMostOnce, boolean more, Callback done);

    /** Subscribes to {@code filter} with QoS 1; {@code done} gets an error if the hub refused it. */
    void subscribe(String filter, Callback done);

    /** Sends DISCONNECT and closes; {@code done} runs when closed. Pending publishes are abandoned. */
    void disconnect(Runnable done);

    /** Closes at once without DISCONNECT. */
    void abort();
  }

  /** An inbound PUBLISH. */
  interface InboundPublish {
    /** Returns the topic name. */
    String topic();

    /** Returns the payload. */
    byte[] payload();

    /** Sends the PUBACK (a no-op for QoS 0 or once the connection is gone). */
    void acknowledge();
  }

  /**
   * The cause given to {@link Listener#onClosed} when the hub closed an established connection in an
   * orderly way: the TCP connection ended without an I/O error or a keep-alive timeout (MQTT 3.1.1
   * has no DISCONNECT from the server). The hub does this to the older connection when another
   * client connects with the same identity, and for a few other reasons (maintenance, faults).
   */
  final class ClosedByHubException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the cause; {@code detail} is the MQTT library's own error. */
    public ClosedByHubException(String message, @Nullable Throwable detail) {
      super(message, detail);
    }
  }

  /** The CONNECT of one attempt. */
  final class ConnectRequest {
    final String clientId;
    final String username;
    final byte @Nullable [] password;
    final int keepAliveSeconds;
    final boolean cleanSession;
    final @Nullable Will will;

    /** Creates the request, without a Will. */
    public ConnectRequest(String clientId, String username, byte @Nullable [] password,
        int keepAliveSeconds, boolean cleanSession) {
      this(clientId, username, password, keepAliveSeconds, cleanSession, null);
    }

    /** Creates the request with {@code will}, or none if null. */
    public ConnectRequest(String clientId, String username, byte @Nullable [] password,
        int keepAliveSeconds, boolean cleanSession, @Nullable Will will) {
      this.clientId = clientId;
      this.username = username;
      this.password = password;
      this.keepAliveSeconds = keepAliveSeconds;
      this.cleanSession = cleanSession;
      this.will = will;
    }

    /** Returns the Will of the CONNECT, or null for none. */
    public @Nullable Will will() {
      return will;
    }

    /** Returns the MQTT client identifier. */
    public String clientId() {
      return clientId;
    }

    /** Returns the user name. */
    public String username() {
      return username;
    }

    /** Returns the password (a SAS token; a secret), or null for X.509. */
    public byte @Nullable [] password() {
      return password;
    }

    /** Returns the keep-alive in seconds. */
    public int keepAliveSeconds() {
      return keepAliveSeconds;
    }

    /** Returns the clean-session flag. */
    public boolean cleanSession() {
      return cleanSession;
    }

    @Override
    public String toString() {
      return "ConnectRequest{clientId=" + clientId + ", username=" + username
          + ", password=" + (password == null ? "none" : "<redacted>") + ", keepAlive="
          + keepAliveSeconds + ", cleanSession=" + cleanSession + ", will=" + will + '}';
    }
  }

  /** The Will of a CONNECT: published by the server when the connection ends without DISCONNECT. */
  final class Will {
    final String topic;
    final byte[] payload;
    final boolean atMostOnce;

    /** Creates the Will; {@code payload} is kept, not copied (callers hand over their own copy). */
    public Will(String topic, byte[] payload, boolean atMostOnce) {
      this.topic = topic;
      this.payload = payload;
      this.atMostOnce = atMostOnce;
    }

    /** Returns the topic name. */
    public String topic() {
      return topic;
    }

    /** Returns the payload (not a copy). */
    public byte[] payload() {
      return payload;
    }

    /** Returns true for QoS 0, false for QoS 1. */
    public boolean atMostOnce() {
      return atMostOnce;
    }

    @Override
    public String toString() {
      return "Will{topic=" + topic + ", " + payload.length + " bytes, qos=" + (atMostOnce ? 0 : 1) + '}';
    }
  }
}
