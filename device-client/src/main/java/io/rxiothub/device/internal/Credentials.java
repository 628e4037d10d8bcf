// Produces the CONNECT password of each attempt: a fresh SAS token, a fixed token, or none (X.509).
package io.rxiothub.device.internal;

import io.rxiothub.device.IotHubTokenExpiredException;
import io.rxiothub.sas.ConnectUserName;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.SasToken;
import io.rxiothub.transport.ConnectCredentials;
import java.nio.charset.Charset;
import org.jspecify.annotations.Nullable;

/** The password source of one identity; time is passed in so tests can drive it. */
public final class Credentials implements ConnectCredentials {

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private enum Kind { KEY, FIXED_TOKEN, X509, SOURCE }

  private final Kind kind;
  private final ConnectionString connectionString;
  private final String clientId;
  /** The CONNECT user name: a String, or a ConnectUserName formatted for each attempt (smaller). */
  private final Object username;
  private final long ttlSeconds;
  private final double renewalMargin;
  private final @Nullable SasToken fixedToken;
  private io.rxiothub.device.@Nullable SasTokenSource source;
  private long renewAtMillis = -1;

  private Credentials(Kind kind, ConnectionString cs, Object username, long ttlSeconds,
      double renewalMargin) {
    this.kind = kind;
    this.connectionString = cs;
    this.clientId = cs.isModule() ? cs.deviceId() + "/" + cs.moduleId() : cs.deviceId();
    this.username = username;
    this.ttlSeconds = ttlSeconds;
    this.renewalMargin = renewalMargin;
    this.fixedToken = cs.sharedAccessSignature();
  }

  /**
   * Returns the credentials {@code cs} describes, with the CONNECT user name {@code username}; tokens
   * made from a key live {@code ttlSeconds}.
   */
  public static Credentials of(ConnectionString cs, String username, long ttlSeconds,
      double renewalMargin) {
    return create(cs, username, ttlSeconds, renewalMargin);
  }

  /**
   * Returns the credentials {@code cs} describes, with the CONNECT user name {@code username}, formatted
   * for each attempt: a client keeps its parts (strings it holds anyway) instead of the long text.
   */
  public static Credentials of(ConnectionString cs, ConnectUserName username, long ttlSeconds,
      double renewalMargin) {
    return create(cs, username, ttlSeconds, renewalMargin);
  }

  private static Credentials create(ConnectionString cs, Object username, long ttlSeconds,
      double renewalMargin) {
    switch (cs.authentication()) {
      case SHARED_ACCESS_KEY:
        return new Credentials(Kind.KEY, cs, username, ttlSeconds, renewalMargin);
      case SHARED_ACCESS_SIGNATURE:
        return new Credentials(Kind.FIXED_TOKEN, cs, username, ttlSeconds, renewalMargin);
      default:
        return new Credentials(Kind.X509, cs, username, ttlSeconds, renewalMargin);
    }
  }

  /**
   * Returns credentials whose every token comes from {@code source} (the connection string only names the
   * identity), renewed at {@code renewalMargin} of each token's remaining lifetime.
   */
  public static Credentials fromSource(ConnectionString cs, io.rxiothub.sas.ConnectUserName username,
      io.rxiothub.device.SasTokenSource source,
      double renewalMargin) {
    Credentials credentials = new Credentials(Kind.SOURCE, cs, username, 0, renewalMargin);
    credentials.source = source;
    return credentials;
  }

  /** Returns the MQTT client id: {@code deviceId} or {@code deviceId/moduleId}. */
  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public String username() {
    Object u = username;
    return u instanceof ConnectUserName ? ((ConnectUserName) u).format() : (String) u;
  }

  /**
   * Returns the password of a CONNECT made at {@code nowMillis} (a secret), or null for X.509.
   *
   * @throws IotHubTokenExpiredException if a fixed token has expired
   */
  @Override
  public synchronized byte @Nullable [] password(long nowMillis) {
    switch (kind) {
      case KEY: {
        long issuedAt = nowMillis / 1000;
        SasToken token = connectionString.newSasToken(issuedAt + ttlSeconds);
        renewAtMillis = token.renewAtEpochSeconds(issuedAt, renewalMargin) * 1000;
        return token.format().getBytes(UTF_8);
      }
      case SOURCE: {
        long now = nowMillis / 1000;
        String resource = connectionString.resourceUri();
        SasToken token = SasToken.parse(java.util.Objects.requireNonNull(source).token(resource, now));
        if (!token.covers(resource)) {
          throw new IllegalArgumentException("the SAS token source returned a token for '" + token.resourceUri()
              + "', which does not cover '" + resource + "'");
        }
        if (token.isExpired(now)) {
          throw new IllegalArgumentException("the SAS token source returned a token that expired at "
              + token.expiryEpochSeconds() + " (epoch seconds)");
        }
        renewAtMillis = token.renewAtEpochSeconds(now, renewalMargin) * 1000;
        return token.format().getBytes(UTF_8);
      }
      case FIXED_TOKEN: {
        SasToken token = fixedToken;
        if (token == null || token.isExpired(nowMillis / 1000)) {
          throw expired();
        }
        return token.format().getBytes(UTF_8);
      }
      default:
        return null;
    }
  }

  /**
   * Returns the {@code Authorization} value of an HTTPS request to the hub made at {@code nowMillis} (a secret):
   * a token made for {@code ttlSeconds}, the fixed token or the source's; null for X.509 (the TLS client
   * certificate authenticates). Unlike {@link #password(long)} it leaves the MQTT token's renewal time alone.
   *
   * @throws IotHubTokenExpiredException if a fixed token has expired
   */
  public @Nullable String httpAuthorization(long nowMillis) {
    long now = nowMillis / 1000;
    switch (kind) {
      case KEY:
        return connectionString.newSasToken(now + ttlSeconds).format();
      case SOURCE: {
        String resource = connectionString.resourceUri();
        SasToken token = SasToken.parse(java.util.Objects.requireNonNull(source).token(resource, now));
        if (!token.covers(resource) || token.isExpired(now)) {
          throw new IllegalArgumentException("the SAS token source returned a token that does not cover '"
              + resource + "' or has expired");
        }
        return token.format();
      }
      case FIXED_TOKEN: {
        SasToken token = fixedToken;
        if (token == null || token.isExpired(now)) {
          throw expired();
        }
        return token.format();
      }
      default:
        return null;
    }
  }

  /**
   * A token source may hand out a bad token now and then (a token server mid-rotation): a reconnection refused
   * with one, or failing to get one, asks the source again with backoff, up to this many times in a row.
   */
  public static final int SOURCE_REFUSALS_RETRIED = 5;

  /**
   * Returns {@link #SOURCE_REFUSALS_RETRIED} for a user's token source; for the IoT Edge workload API's tokens
   * {@code Integer.MAX_VALUE}, so that only the give-up time ends the retries (the workload API and the edgeHub are
   * local services that restart: a module should outlast that, with its queued messages); else 0 (a key or fixed
   * token cannot change).
   */
  @Override
  public int refusalsRetried() {
    if (kind != Kind.SOURCE) {
      return 0;
    }
    return source instanceof EdgeEnvironment.WorkloadTokenSource ? Integer.MAX_VALUE : SOURCE_REFUSALS_RETRIED;
  }

  /** Returns when the last token made should be renewed, or -1 if tokens are not renewed. */
  @Override
  public synchronized long renewAtMillis() {
    return kind == Kind.KEY || kind == Kind.SOURCE ? renewAtMillis : -1;
  }

  /** Returns when the fixed token expires, or -1 if there is none. */
  @Override
  public long expiresAtMillis() {
    SasToken token = fixedToken;
    return kind == Kind.FIXED_TOKEN && token != null ? token.expiryEpochSeconds() * 1000 : -1;
  }

  /** Returns the error reported when the fixed token has expired. */
  @Override
  public IotHubTokenExpiredException expired() {
    SasToken token = fixedToken;
    long se = token == null ? 0 : token.expiryEpochSeconds();
    return new IotHubTokenExpiredException(se, "The SharedAccessSignature of device "
        + connectionString.deviceId() + " expired at " + se + " (epoch seconds) and cannot be "
        + "renewed by the client: build a new client with a fresh token, or give a SharedAccessKey "
        + "so that the client renews tokens itself");
  }
}
