// The child JVM of CrashSafetyIT: appends to a durable store as fast as it can, prints each completed append (and
// each delete), until it is killed.
package io.rxiothub.gateway.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

public final class CrashChild {

  private CrashChild() {}

  /**
   * Arguments: store directory, number of devices. Prints "ACK device index sequence", and "DEL device index" just
   * before deleting it.
   */
  public static void main(String[] args) throws InterruptedException {
    ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(Path.of(args[0])).build());
    int devices = Integer.parseInt(args[1]);
    Semaphore inFlight = new Semaphore(256);
    System.out.println("READY");
    System.out.flush();
    for (int i = 0; ; i++) {
      for (int d = 0; d < devices; d++) {
        String device = "leaf-" + d;
        int index = i;
        inFlight.acquire();
        ForwardMessage m = ForwardMessage.builder().messageId(device + "-" + index).property("index", "" + index)
            .payload(("{\"n\":" + index + "}").getBytes(StandardCharsets.UTF_8)).build();
        store.append(device, m).subscribe(stored -> {
          System.out.println("ACK " + device + " " + index + " " + stored.sequence());
          if (index % 3 == 0) {
            // as the gateway does after the cloud's PUBACK; said before it is done, so that a kill between the two
            // cannot leave the parent expecting a message that was deleted
            System.out.println("DEL " + device + " " + index);
            store.delete(device, stored.sequence());
          }
          inFlight.release();
        }, error -> {
          System.out.println("ERR " + error);
          inFlight.release();
        });
      }
    }
  }
}
