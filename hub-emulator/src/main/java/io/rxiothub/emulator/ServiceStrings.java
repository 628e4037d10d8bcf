// What a service client is given to reach the hub: a shared access policy's connection string, the console's URL.
package io.rxiothub.emulator;

import io.rxiothub.emulator.console.internal.ConsoleFace;

/** Formats the strings; the caller checks its arguments. */
final class ServiceStrings {

  private ServiceStrings() {}

  /** The connection string of the policy. @throws IllegalArgumentException if the registry has no such policy */
  static String connectionString(String hostName, DeviceRegistry registry, String policy) {
    String key = registry.policyKey(policy).orElseThrow(() -> new IllegalArgumentException("policy '" + policy
        + "' does not exist; use one of " + registry.policies().keySet()));
    return "HostName=" + hostName + ";SharedAccessKeyName=" + policy + ";SharedAccessKey=" + key;
  }

  /** The console's URL on the WebSocket port. @throws IllegalStateException if that port is off (negative) */
  static String consoleUrl(String hostName, int webSocketPort) {
    if (webSocketPort < 0) {
      throw new IllegalStateException("the console is served on the WebSocket port, which is off");
    }
    return "https://" + hostName + ":" + webSocketPort + ConsoleFace.PATH;
  }
}
