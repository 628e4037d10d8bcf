// The child JVM of GatewayCrashIT: a gateway with a durable store in the given data directory, forwarding one leaf to
// the test's hub emulator, until it is killed.
package io.rxiothub.gateway;

import java.nio.file.Path;

public final class GatewayCrashChild {

  private GatewayCrashChild() {}

  /**
   * Arguments: data directory, hub host name, hub MQTT port, hub CA file, leaf device id; the leaf's key in the
   * environment variable LEAF_KEY (not on the command line). Prints "READY tlsPort" once leaves may connect.
   */
  public static void main(String[] args) throws InterruptedException {
    String leafKey = System.getenv("LEAF_KEY");
    if (leafKey == null || leafKey.isEmpty()) {
      throw new IllegalStateException("the leaf's key is missing: set the environment variable LEAF_KEY (it is not"
          + " taken as an argument, which would show the key in ps)");
    }
    Gateway gateway = Gateway.start(GatewayConfig.builder()
        .dataDirectory(Path.of(args[0]))
        .hub(args[1], Integer.parseInt(args[2]))
        .hubCaFile(Path.of(args[3]))
        .tlsPort(0)
        .leaf(LeafDevice.of(args[4], leafKey))
        .build());
    System.out.println("READY " + gateway.tlsPort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // until SIGKILL: no close, no drain
  }
}
