// Downstream CONNECT rules of a Watson-style leaf (protocol.md §18.3, §14.1): d:{org}:{t}:{d}, use-token-auth and
// the leaf's configured token, compared in constant time. Pure.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.WatsonLeaf;
import io.rxiothub.watson.ClientId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Decides a Watson leaf's CONNECT; refusals carry §14.1's CONNACK codes and never the token. */
public final class WatsonLeafAuth {

  /** The user name every Watson device connects with. */
  public static final String USER_NAME = "use-token-auth";

  private final String orgId;
  private final Map<String, WatsonLeaf> byClientId = new LinkedHashMap<>();

  /** Creates the rules for {@code leaves} of organisation {@code orgId}. */
  public WatsonLeafAuth(String orgId, List<WatsonLeaf> leaves) {
    this.orgId = orgId;
    for (WatsonLeaf leaf : leaves) {
      byClientId.put(leaf.clientId(orgId), leaf);
    }
  }

  /** Whether a client id is a Watson device's ({@code d:…}): such CONNECTs are this class's to decide. */
  public static boolean isWatsonClientId(String clientId) {
    return clientId.startsWith("d:");
  }

  /** A decision: the leaf, or the CONNACK code and a reason without secrets. */
  public record Result(@Nullable WatsonLeaf leaf, int returnCode, String reason) {
    static Result refused(int code, String reason) {
      return new Result(null, code, reason);
    }
  }

  /** Decides a CONNECT of {@code clientId} with {@code userName} and {@code password}. */
  public Result authenticate(String clientId, @Nullable String userName, byte @Nullable [] password) {
    ClientId parsed;
    try {
      parsed = ClientId.parse(clientId);
    } catch (IllegalArgumentException e) {
      return Result.refused(LeafAuth.BAD_CLIENT_ID, e.getMessage());
    }
    if (parsed.kind() != ClientId.Kind.DEVICE) {
      return Result.refused(LeafAuth.BAD_CLIENT_ID, "client id '" + clientId
          + "' is not a device's (d:{org}:{type}:{id})");
    }
    if (!parsed.orgId().equals(orgId)) {
      return Result.refused(LeafAuth.BAD_CLIENT_ID, "client id '" + clientId + "' names organisation '"
          + parsed.orgId() + "', the gateway's is '" + orgId + "'");
    }
    WatsonLeaf leaf = byClientId.get(clientId);
    if (leaf == null) {
      return Result.refused(LeafAuth.BAD_CREDENTIALS, "device '" + clientId + "' is not a Watson leaf of this gateway");
    }
    if (!USER_NAME.equals(userName)) {
      return Result.refused(LeafAuth.BAD_CREDENTIALS, "user name must be " + USER_NAME);
    }
    if (password == null || password.length == 0) {
      return Result.refused(LeafAuth.BAD_CREDENTIALS, "no password: the leaf's token");
    }
    if (!MessageDigest.isEqual(leaf.token().getBytes(StandardCharsets.UTF_8), password)) {
      return Result.refused(LeafAuth.BAD_CREDENTIALS, "the token is not the one configured for " + clientId);
    }
    return new Result(leaf, 0, "token");
  }
}
