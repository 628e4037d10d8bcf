// Takeover detection: counts the server's quick closes of fresh connections.
package io.rxiothub.transport.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A takeover looks like this on MQTT 3.1.1, which has no server DISCONNECT: the server closes the
 * connection (orderly), the client reconnects, which closes the other client's connection, the other
 * reconnects and the server closes this one again, soon, and so on. The first close alone cannot be
 * told from any other close by the server; see {@link #TAKEOVER_CLOSES}. Pure: the count of closes is kept by
 * {@link ReconnectPolicy}.
 */
final class Takeover {

  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

  /**
   * A first close by the server and two quick ones after reconnecting: one quick close alone can be a
   * coincidence (a server or middlebox closing twice), and stopping a device wrongly costs far more
   * than one more round of the takeover.
   */
  static final int TAKEOVER_CLOSES = 3;

  private Takeover() {
  }

  /**
   * Counts the end, at {@code nowMillis}, of the connection accepted at {@code connectedAtMillis} and returns the
   * server's closes in a row after it (a takeover once they reach {@link #TAKEOVER_CLOSES}), {@code closes} being
   * the count before it. Connections closed by the server count when each after the first ended within the
   * settings' takeover window of being accepted. {@code afterServerClose}: that connection followed one the server
   * closed; {@code resendOutstanding}: a message sent more than once still waits for its PUBACK. The count lives in
   * the caller (an idle client holds no object for it).
   */
  static int closesAfter(CoreSettings s, int closes, boolean afterServerClose, long connectedAtMillis,
      Throwable cause, boolean resendOutstanding, long nowMillis) {
    long windowMillis = s.takeoverWindowMillis;
    if (windowMillis <= 0 || !(cause instanceof MqttConnector.ClosedByHubException)) {
      return 0;
    }
    if (resendOutstanding) {
      // A message sent again after a close and still not acknowledged may be what the server closes
      // the connection for (a "poison" message, or a fault request resent until its expiry): such a
      // close says nothing about another client, so it is not counted (nor does it reset the count).
      LOG.debug("{}: hub close with a resent message outstanding, not counted as a takeover",
          s.identity);
      return closes;
    }
    if (afterServerClose && nowMillis - connectedAtMillis < windowMillis) {
      return Math.min(closes + 1, TAKEOVER_CLOSES);
    }
    return 1;
  }
}
