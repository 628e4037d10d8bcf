// Takeover detection: counts the server's quick closes of fresh connections.
package io.rxiothub.transport.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A takeover looks like this on MQTT 3.1.1, which has no server DISCONNECT: the server closes the
 * connection (orderly), the client reconnects, which closes the other client's connection, the other
 * reconnects and the server closes this one again, soon, and so on. The first close alone cannot be
 * told from any other close by the server; see {@link #TAKEOVER_CLOSES}. Guarded by the machine's lock.
 */
final class Takeover {

  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

  /**
   * A first close by the server and two quick ones after reconnecting: one quick close alone can be a
   * coincidence (a server or middlebox closing twice), and stopping a device wrongly costs far more
   * than one more round of the takeover.
   */
  static final int TAKEOVER_CLOSES = 3;

  /** The takeover window and the identity are read from here (a client keeps no copy of them). */
  private final CoreSettings s;
  /**
   * Connections closed by the server in a row, each after the first within the takeover window of
   * being accepted; a takeover when it reaches {@link #TAKEOVER_CLOSES}.
   */
  private int serverCloses;

  Takeover(CoreSettings settings) {
    this.s = settings;
  }

  /** Forgets the count: the user connected again, or an attempt failed (the server was unavailable). */
  void reset() {
    serverCloses = 0;
  }

  /** Whether the last connection was closed by the server (the next one counts its close). */
  boolean afterServerClose() {
    return serverCloses > 0;
  }

  /** Returns the closes counted so far. */
  int closes() {
    return serverCloses;
  }

  /**
   * Counts the end, at {@code nowMillis}, of the connection accepted at {@code connectedAtMillis} and
   * returns whether it makes a takeover. {@code afterServerClose}: that connection followed one the
   * server closed; {@code resendOutstanding}: a message sent more than once still waits for its PUBACK.
   */
  boolean isTakeover(boolean afterServerClose, long connectedAtMillis, Throwable cause,
      boolean resendOutstanding, long nowMillis) {
    long windowMillis = s.takeoverWindowMillis;
    if (windowMillis <= 0 || !(cause instanceof MqttConnector.ClosedByHubException)) {
      serverCloses = 0;
    } else if (resendOutstanding) {
      // A message sent again after a close and still not acknowledged may be what the server closes
      // the connection for (a "poison" message, or a fault request resent until its expiry): such a
      // close says nothing about another client, so it is not counted (nor does it reset the count).
      LOG.debug("{}: hub close with a resent message outstanding, not counted as a takeover",
          s.identity);
    } else if (afterServerClose && nowMillis - connectedAtMillis < windowMillis) {
      serverCloses++;
    } else {
      serverCloses = 1;
    }
    return serverCloses >= TAKEOVER_CLOSES;
  }
}
