// Downstream CONNECT rules of the gateway (protocol.md §18.2): the leaf's id, the hub's user name, a SAS token
// verified with the leaf's key or the leaf's local password. Pure: time passed in.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.sas.ConnectUserName;
import io.rxiothub.sas.DpsKeys;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Decides a leaf's CONNECT; its refusals carry the hub's CONNACK codes and never a secret. */
public final class LeafAuth {

  /** CONNACK 2: identifier rejected. */
  public static final int BAD_CLIENT_ID = 2;
  /** CONNACK 4: bad user name or password. */
  public static final int BAD_CREDENTIALS = 4;
  /** CONNACK 5: not authorized. */
  public static final int NOT_AUTHORIZED = 5;

  private final String hubHostName;
  private final Map<String, LeafDevice> leaves;
  private final @Nullable String groupKey;

  /** Creates the rules for the configured leaves of {@code hubHostName}. */
  public LeafAuth(String hubHostName, Map<String, LeafDevice> leaves) {
    this(hubHostName, leaves, null);
  }

  /**
   * Creates the rules for the configured leaves of {@code hubHostName} and, with a DPS enrollment group's
   * {@code groupKey}, for any other leaf whose token is signed with its key derived from it (§18.5).
   */
  public LeafAuth(String hubHostName, Map<String, LeafDevice> leaves, @Nullable String groupKey) {
    this.hubHostName = hubHostName;
    this.leaves = leaves;
    this.groupKey = groupKey;
  }

  /** A DPS registration id as the gateway accepts it: lowercase letters, digits, '-', '.', '_', ':'; 1 to 128. */
  static boolean isRegistrationId(String id) {
    if (id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == ':')) {
        return false;
      }
    }
    return true;
  }

  /** A decision: the leaf, or the CONNACK code and a reason without secrets. */
  public record Result(@Nullable LeafDevice leaf, int returnCode, String reason) {
    static Result refused(int code, String reason) {
      return new Result(null, code, reason);
    }
  }

  /** Decides a CONNECT of {@code clientId} with {@code userName} and {@code password} at {@code nowEpochSeconds}. */
  public Result authenticate(String clientId, @Nullable String userName, byte @Nullable [] password,
      long nowEpochSeconds) {
    LeafDevice leaf = leaves.get(clientId);
    if (leaf == null && groupKey != null && clientId.indexOf('/') < 0) {
      if (!isRegistrationId(clientId)) {
        return Result.refused(BAD_CLIENT_ID, "client id '" + clientId + "' is neither a configured leaf nor a DPS "
            + "registration id (lowercase letters, digits, '-', '.', '_', ':'; at most 128)");
      }
      leaf = LeafDevice.of(clientId, DpsKeys.deriveDeviceKey(groupKey, clientId));
    }
    if (leaf == null) {
      return Result.refused(NOT_AUTHORIZED, "client id '" + clientId + "' is not a leaf of this gateway"
          + (clientId.indexOf('/') >= 0 ? " (a module leaf is configured with deviceId and moduleId)" : ""));
    }
    if (userName == null) {
      return Result.refused(BAD_CREDENTIALS, "no user name: expected " + hubHostName + "/" + leaf.clientId()
          + "/?api-version=...");
    }
    ConnectUserName parsed;
    try {
      parsed = ConnectUserName.parse(userName);
    } catch (IllegalArgumentException e) {
      return Result.refused(BAD_CREDENTIALS, "user name: " + e.getMessage());
    }
    if (!parsed.hostName().toLowerCase(Locale.ROOT).equals(hubHostName.toLowerCase(Locale.ROOT))) {
      return Result.refused(BAD_CREDENTIALS, "user name names host '" + parsed.hostName() + "', expected the hub's '"
          + hubHostName + "' (the HostName of the leaf's connection string)");
    }
    if (!parsed.deviceId().equals(leaf.deviceId()) || !Objects.equals(parsed.moduleId(), leaf.moduleId())) {
      return Result.refused(BAD_CREDENTIALS, "user name names identity '" + parsed.deviceId()
          + (parsed.moduleId() != null ? "/" + parsed.moduleId() : "") + "', not the client id '" + clientId + "'");
    }
    if (password == null || password.length == 0) {
      return Result.refused(BAD_CREDENTIALS, "no password (a SAS token or the leaf's local password)");
    }
    String text = new String(password, StandardCharsets.UTF_8);
    if (text.startsWith("SharedAccessSignature ")) {
      return token(leaf, text, nowEpochSeconds);
    }
    String local = leaf.password();
    if (local != null && MessageDigest.isEqual(local.getBytes(StandardCharsets.UTF_8), password)) {
      return new Result(leaf, 0, "local password");
    }
    return Result.refused(BAD_CREDENTIALS, "password is neither a SAS token nor the leaf's local password");
  }

  private Result token(LeafDevice leaf, String text, long now) {
    SasToken token;
    try {
      token = SasToken.parse(text);
    } catch (IllegalArgumentException e) {
      return Result.refused(BAD_CREDENTIALS, "SAS token does not parse");
    }
    String identity = "/devices/" + leaf.deviceId()
        + (leaf.moduleId() == null ? "" : "/modules/" + leaf.moduleId());
    String resource = hubHostName + identity;
    if (!token.covers(resource) || !token.resourceUri().toLowerCase(Locale.ROOT).endsWith(
        identity.toLowerCase(Locale.ROOT))) {
      return Result.refused(BAD_CREDENTIALS, "SAS token's sr is '" + token.resourceUri() + "', expected '"
          + resource + "'");
    }
    if (token.isExpired(now)) {
      return Result.refused(BAD_CREDENTIALS, "SAS token expired at " + token.expiryEpochSeconds() + " (now " + now
          + "): sign a new one");
    }
    boolean valid;
    try {
      valid = token.verify(leaf.key());
    } catch (IllegalArgumentException e) {
      return Result.refused(NOT_AUTHORIZED, "the configured key of leaf '" + leaf.clientId() + "' is not base64");
    }
    if (!valid) {
      return Result.refused(BAD_CREDENTIALS, "SAS token signature does not verify with leaf '" + leaf.clientId()
          + "''s key" + (leaves.containsKey(leaf.clientId()) ? "" : " (derived from the enrollment group's key)"));
    }
    return new Result(leaf, 0, "SAS token");
  }
}
