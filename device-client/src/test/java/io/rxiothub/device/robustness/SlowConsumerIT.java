// Issue 9: an application that consumes C2D slowly makes the client hold messages unacknowledged (the hub
// then holds back), never lose or reorder them.
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.emulator.CloudToDeviceMessage;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.NoLeaksExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
class SlowConsumerIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  static long count(List<CloudToDeviceMessage> sent, State state) {
    return sent.stream().filter(m -> m.state() == state).count();
  }

  @Test
  @Timeout(90)
  void messagesWaitUnacknowledgedUntilTheApplicationAsksAndArriveInOrderOnce() {
    DeviceIdentity id = HUB.createDevice(RobustClients.newId("slow"));
    int n = 40;
    List<CloudToDeviceMessage> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(HUB.hub().sendCloudToDevice(id.deviceId(), ("m" + i).getBytes(StandardCharsets.UTF_8),
          Map.of("$.mid", "m" + i)).blockingGet());
    }
    try (DeviceClient client = RobustClients.device(HUB.hub(), id).build()) {
      TestSubscriber<CloudMessage> app = client.cloudMessages().test(0);
      client.connect().blockingAwait(20, TimeUnit.SECONDS);

      // The hub pushed them; without demand the client acknowledges none, so the hub keeps them all.
      await().atMost(Duration.ofSeconds(20)).until(() -> count(sent, State.QUEUED) == 0);
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> count(sent, State.COMPLETED) == 0 && app.values().isEmpty());

      // A slow application: one at a time. Each message it takes is acknowledged, no other.
      for (int i = 0; i < n; i++) {
        app.request(1);
        app.awaitCount(i + 1);
        int taken = i + 1;
        await().atMost(Duration.ofSeconds(10)).until(() -> count(sent, State.COMPLETED) == taken);
        assertThat(app.values()).hasSize(taken);
      }
      assertThat(app.values()).extracting(CloudMessage::messageId)
          .containsExactlyElementsOf(sent.stream().map(m -> m.messageId()).toList());
      for (int i = 0; i < n; i++) {
        assertThat(new String(app.values().get(i).payload(), StandardCharsets.UTF_8))
            .isEqualTo("m" + i);
      }
      app.assertNoErrors().assertNotComplete();
    }
  }
}
