// Regression (issue 9): operations on a closed client fail at once, even when it was the last client and
// the shared callback threads are gone; before, their error was dropped and they never terminated.
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.Message;
import io.rxiothub.testing.NoLeaksExtension;
import io.rxiothub.testing.SecretScanner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaksExtension.class)
class ClosedClientTest {

  @Test
  @Timeout(30)
  void operationsOnAClosedClientFailWithAStateError() {
    DeviceClient client = DeviceClient.builder()
        .connectionString("HostName=h.example.net;DeviceId=closed-1;SharedAccessKey="
            + SecretScanner.TEST_KEY)
        .build();
    client.close();
    client.connect().test().awaitDone(10, TimeUnit.SECONDS)
        .assertError(IotHubClientStateException.class);
    client.send(Message.of(new byte[] {1})).test().awaitDone(10, TimeUnit.SECONDS)
        .assertError(IotHubClientStateException.class);
    client.twin().get().test().awaitDone(10, TimeUnit.SECONDS)
        .assertError(IotHubClientStateException.class);
    client.disconnect().test().awaitDone(10, TimeUnit.SECONDS).assertComplete();
    client.cloudMessages().test().awaitDone(10, TimeUnit.SECONDS).assertComplete();
    assertThat(client.connectionState().status().name()).isEqualTo("CLOSED");
  }
}
