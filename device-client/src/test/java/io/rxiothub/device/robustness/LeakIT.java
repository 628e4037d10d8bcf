// Issue 9, leaks: opening and closing many clients, and many faults, leave threads, sockets and heap where
// they were (thread leaks to OOM are the most reported official Java SDK bug).
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.NoLeaksExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class LeakIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @Test
  @Timeout(60)
  void closingWhileConnectingLeavesNoConnectionBehind() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("close-early"));
    for (int i = 0; i < 20; i++) {
      DeviceClient client = RobustClients.device(HUB.hub(), id).build();
      Disposable connecting = client.connect().subscribe(() -> { }, e -> { });
      client.close();
      connecting.dispose();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !HUB.hub().isConnected(id.deviceId()));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> !HUB.hub().isConnected(id.deviceId()));
  }
}
