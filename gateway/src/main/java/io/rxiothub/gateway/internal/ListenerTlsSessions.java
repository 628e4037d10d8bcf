// The session settings of the broker's TLS listener: no session tickets, a small session cache (heap per leaf).
package io.rxiothub.gateway.internal;

import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.security.ssl.SslContextStore;
import io.netty.handler.ssl.SslContext;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the session context of the downstream TLS listener so that it sends leaves no session tickets and keeps few
 * sessions. HiveMQ CE builds its server {@code SSLContext} with the JDK's defaults (sessions for 24 h, up to 20,480
 * kept), so after every TLS 1.3 handshake the JDK sends the leaf a {@code NewSessionTicket}, and JDK 17 keeps the
 * sent message in the connection's handshake hash for the connection's life: about 1.3 KB per connected leaf
 * (benchmarks/RESULTS.md §16.1). The JDK sends no ticket (TLS 1.3 or RFC 5077) while the server session timeout is
 * above the 7-day limit of a ticket's lifetime (RFC 8446 §4.6.1), so the timeout is set just above it. What leaves
 * lose: resuming a TLS 1.3 session with the gateway; a reconnecting leaf makes a full handshake (one ECDHE exchange
 * and one signature on the gateway), which on a LAN costs a few milliseconds of CPU, not a round trip that matters.
 * TLS 1.2 leaves still resume by session id from a cache of {@link #CACHE_SIZE}. HiveMQ CE 2025.5 has no setting for
 * either, so its {@code SslContext} is reached through its injector (a failure only logs: tickets stay on).
 */
final class ListenerTlsSessions {

  /** Above the JDK's and RFC 8446's 7-day ticket lifetime limit (604,800 s): the JDK then sends no ticket. */
  static final int TIMEOUT_SECONDS = 8 * 24 * 3600;
  /** Sessions (TLS 1.2 session ids) the listener keeps for resumption. */
  static final int CACHE_SIZE = 64;

  private static final Logger LOG = LoggerFactory.getLogger(ListenerTlsSessions.class);

  private ListenerTlsSessions() {}

  /** Applies the settings to every TLS context of {@code hivemq} (started); returns how many it changed. */
  static int apply(EmbeddedHiveMQ hivemq) {
    try {
      Method getInjector = hivemq.getClass().getDeclaredMethod("getInjector");
      getInjector.setAccessible(true);
      Object injector = getInjector.invoke(hivemq);
      Object store = Class.forName("com.google.inject.Injector", false, SslContextStore.class.getClassLoader())
          .getMethod("getInstance", Class.class).invoke(injector, SslContextStore.class);
      Field contexts = SslContextStore.class.getDeclaredField("sslContextMap");
      contexts.setAccessible(true);
      int changed = 0;
      for (Object context : ((Map<?, ?>) contexts.get(store)).values()) {
        SSLSessionContext sessions = ((SslContext) context).sessionContext();
        sessions.setSessionTimeout(TIMEOUT_SECONDS);
        sessions.setSessionCacheSize(CACHE_SIZE);
        changed++;
      }
      if (changed == 0) {
        LOG.warn("gateway: the broker has no TLS context yet; TLS session tickets stay on for the leaves");
      }
      return changed;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("gateway: could not turn off TLS session tickets on the leaf listener (about 1.3 KB more heap per TLS "
          + "leaf): {}", e.toString());
      return 0;
    }
  }
}
