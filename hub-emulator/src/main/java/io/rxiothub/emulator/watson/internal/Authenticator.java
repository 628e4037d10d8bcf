// CONNECT rules of the Watson organisation mode (protocol.md §14.1): client id forms, tokens, API keys.
package io.rxiothub.emulator.watson.internal;

import io.rxiothub.watson.ClientId;
import org.jspecify.annotations.Nullable;

/** Decides a CONNECT: the CONNACK code (0 accepted) and, when accepted, who connected. */
public final class Authenticator {

  /** The decision; {@code reason} never holds a token. */
  public record Result(int returnCode, String reason, @Nullable ClientId client) {}

  private final String orgId;
  private final WatsonRegistry registry;

  /** Creates the rules for organisation {@code orgId}. */
  public Authenticator(String orgId, WatsonRegistry registry) {
    this.orgId = orgId;
    this.registry = registry;
  }

  /** Decides the CONNECT of {@code clientId} with {@code userName} and {@code password}. */
  public Result authenticate(String clientId, @Nullable String userName, @Nullable String password) {
    ClientId client;
    try {
      client = ClientId.parse(clientId);
    } catch (IllegalArgumentException e) {
      return new Result(2, e.getMessage(), null);
    }
    if (!client.orgId().equals(orgId)) {
      return new Result(2, "client id names organisation " + client.orgId() + ", this is " + orgId, null);
    }
    if (client.kind().isApplication()) {
      if (userName == null || !userName.startsWith("a-" + orgId + "-")) {
        return new Result(4, "an application's user name must be an API key a-" + orgId + "-…", null);
      }
      if (!registry.checkApiKey(userName, password)) {
        return new Result(4, "unknown API key or wrong token for " + userName, null);
      }
      return new Result(0, "accepted", client);
    }
    if (!"use-token-auth".equals(userName)) {
      return new Result(4, "a device's or gateway's user name must be use-token-auth", null);
    }
    WatsonRegistry.Device device = registry.get(client.typeId(), client.deviceId());
    if (device == null || password == null || !WatsonRegistry.sameSecret(device.token(), password)) {
      return new Result(4, "unknown device or wrong token for " + clientId, null);
    }
    if (client.kind() == ClientId.Kind.GATEWAY && !device.gateway()) {
      return new Result(5, device + " is not a gateway: connect as d:" + orgId + ":…", null);
    }
    return new Result(0, "accepted", client);
  }
}
