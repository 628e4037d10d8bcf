// Example: an IoT Edge module built from the IOTEDGE_* environment that forwards hot readings from an input to an
// output; the edgeHub's routes decide where both come from and go.
package io.rxiothub.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.rxiothub.device.InputMessage;
import io.rxiothub.device.Message;
import io.rxiothub.device.ModuleClient;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Reads input {@code readings} and sends each message whose {@code temperature} property is above a threshold to
 * output {@code alerts}, properties kept. The IoT Edge runtime gives the module its identity and the workload API,
 * which signs its tokens and supplies its trust; routes such as
 * <pre>
 * FROM /messages/modules/sensor/outputs/readings INTO BrokeredEndpoint("/modules/filter/inputs/readings")
 * FROM /messages/modules/filter/outputs/alerts INTO $upstream
 * </pre>
 * connect it. Each input message is acknowledged only after its alert was acknowledged by the edgeHub.
 *
 * <pre>
 * (started by the IoT Edge runtime, IOTEDGE_* set) java -cp … io.rxiothub.examples.EdgeFilterModule 30
 * </pre>
 */
public final class EdgeFilterModule {

  private EdgeFilterModule() {}

  public static void main(String[] args) {
    double threshold = args.length > 0 ? Double.parseDouble(args[0]) : 30;
    try (ModuleClient client = ModuleClient.builder().edgeEnvironment().build()) {
      client.connect().blockingAwait();
      run(client, threshold, Long.MAX_VALUE, Long.MAX_VALUE, System.out);
    }
  }

  /**
   * Forwards hot readings until {@code count} input messages were handled (or {@code timeoutSeconds} passed);
   * returns how many alerts were sent.
   */
  public static long run(ModuleClient client, double threshold, long count, long timeoutSeconds, PrintStream out) {
    return client.inputs("readings")
        .take(count)
        .take(timeoutSeconds, TimeUnit.SECONDS)
        .concatMapSingle(reading -> {
          if (temperature(reading) <= threshold) {
            return io.reactivex.rxjava3.core.Single.just(0L);
          }
          Message.Builder alert = Message.builder().payload(reading.payload());
          reading.applicationProperties().forEach((name, value) -> alert.property(name, value == null ? "" : value));
          return client.sendToOutput("alerts", alert.build())
              .doOnComplete(() -> out.println("alert " + new String(reading.payload(), UTF_8) + " from "
                  + reading.connectionModuleId()))
              .toSingleDefault(1L);
        })
        .reduce(0L, Long::sum)
        .blockingGet();
  }

  private static double temperature(InputMessage reading) {
    String t = reading.applicationProperties().get("temperature");
    try {
      return t == null ? Double.NaN : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
