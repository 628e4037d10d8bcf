// send(Message) on the wire: QoS 1 by default, QoS 0 when the message opts in (issue 5), through the real
// client code above a recording connection.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.rxiothub.device.internal.ClientFactory;
import io.rxiothub.device.internal.ClientParts;
import io.rxiothub.transport.internal.MqttConnector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SendQosTest {

  final TestScheduler scheduler = new TestScheduler();
  /** "topic qos" of every PUBLISH the client hands to the connection. */
  final List<String> published = new CopyOnWriteArrayList<>();
  final MqttConnector connector = (request, listener, callback) -> {
    callback.connected(new MqttConnector.MqttConnection() {
      @Override
      public void publish(String topic, byte[] payload, boolean atMostOnce, boolean more,
          MqttConnector.Callback done) {
        published.add(topic + " qos" + (atMostOnce ? 0 : 1));
        done.done(null);
      }

      @Override
      public void subscribe(String filter, MqttConnector.Callback done) {
        done.done(null);
      }

      @Override
      public void disconnect(Runnable done) {
        done.run();
      }

      @Override
      public void abort() {}
    });
    return () -> { };
  };

  @Test
  void messagesGoOutWithQos1UnlessTheyOptInToQos0() {
    ClientParts assembly = ClientFactory.create(DeviceClient.builder()
        .connectionString(ClientBuilderTest.DEVICE).callbackScheduler(scheduler).timeScheduler(scheduler)
        .settings(), false, connector);
    BaseClient client = new BaseClient(assembly) { };
    try {
      client.connect().test();
      scheduler.triggerActions();
      TestObserver<Void> once = client.send(Message.builder().messageId("m0").atMostOnce(true).build()).test();
      TestObserver<Void> acked = client.send(Message.builder().messageId("m1").build()).test();
      scheduler.triggerActions();
      once.assertComplete();
      acked.assertComplete();
      assertThat(published).containsExactly(
          "devices/dev1/messages/events/%24.mid=m0&%24.cdid=dev1 qos0",
          "devices/dev1/messages/events/%24.mid=m1&%24.cdid=dev1 qos1");
    } finally {
      client.close();
    }
  }
}
