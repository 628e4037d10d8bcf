// The TLS socket factory of the client's HTTPS requests, from the same trust and key managers as its MQTT TLS.
package io.rxiothub.device.internal;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** Builds the factory once per client; null when both are the JVM's defaults. */
final class HttpsSockets {

  private HttpsSockets() {}

  static @Nullable SSLSocketFactory of(@Nullable TrustManagerFactory trust, @Nullable KeyManagerFactory keys) {
    if (trust == null && keys == null) {
      return null;
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
          null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the client's TLS settings cannot make an HTTPS context for file upload: "
          + e, e);
    }
  }
}
