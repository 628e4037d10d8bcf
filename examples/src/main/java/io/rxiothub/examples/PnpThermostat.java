// Example: an IoT Plug and Play device with a thermostat component: component telemetry, a writable property
// acknowledged with {value, ac, av, ad}, and a per-component command (protocol.md §17.3).
package io.rxiothub.examples;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.Message;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.twin.WritablePropertyAck;
import io.rxiothub.twin.WritablePropertyUpdate;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thermostat as the component {@code thermostat1} of a temperature controller model: it follows the writable
 * property {@code targetTemperature} (acknowledged 200 when applied, 400 with the value kept when out of range),
 * answers the command {@code thermostat1*getMaxMinReport} and sends its temperature as component telemetry.
 *
 * <pre>
 * IOTHUB_DEVICE_CONNECTION_STRING='HostName=…' [IOTHUB_CA_FILE=ca.pem] java -cp … io.rxiothub.examples.PnpThermostat
 * </pre>
 */
public final class PnpThermostat {

  /** The model this device implements. */
  public static final String MODEL_ID = "dtmi:com:example:TemperatureController;2";
  /** The component this example implements. */
  public static final String COMPONENT = "thermostat1";

  private final AtomicReference<Double> target = new AtomicReference<>(20.0);

  public static void main(String[] args) {
    DeviceClient.Builder builder = DeviceClient.builder()
        .connectionString(System.getenv("IOTHUB_DEVICE_CONNECTION_STRING")).modelId(MODEL_ID);
    try (DeviceClient client = builder.build()) {
      client.connect().blockingAwait();
      PnpThermostat thermostat = new PnpThermostat();
      thermostat.register(client, System.out);
      thermostat.followTargetTemperature(client, Long.MAX_VALUE, System.out);
    }
  }

  /** The target temperature in effect. */
  public double targetTemperature() {
    return target.get();
  }

  /** Registers the component's command; disposing the result unregisters it. */
  public Disposable register(IotHubClient client, PrintStream out) {
    return client.methods().handleCommand(COMPONENT, "getMaxMinReport", request -> {
      out.println("command " + request.methodName());
      return Single.just(MethodResponse.ofJson(200, "{\"maxTemp\":" + target.get() + "}"));
    });
  }

  /** Sends one reading as telemetry of the component ({@code $.sub}). */
  public void sendTemperature(IotHubClient client, double celsius) {
    client.send(Message.builder().componentName(COMPONENT).contentType("application/json").contentEncoding("utf-8")
        .payload(("{\"temperature\":" + celsius + "}").getBytes(StandardCharsets.UTF_8)).build()).blockingAwait();
  }

  /** Applies and acknowledges {@code changes} updates of {@code targetTemperature}; returns the last reported version. */
  public long followTargetTemperature(IotHubClient client, long changes, PrintStream out) {
    return client.twin().writablePropertyUpdates()
        .filter(u -> COMPONENT.equals(u.component()) && u.name().equals("targetTemperature"))
        .take(changes)
        .concatMapSingle(update -> client.twin().acknowledge(apply(update, out)))
        .reduce(0L, (previous, latest) -> latest)
        .blockingGet();
  }

  private WritablePropertyAck apply(WritablePropertyUpdate update, PrintStream out) {
    double wanted = update.doubleValue();
    if (wanted < 5 || wanted > 35) {
      out.println("targetTemperature " + wanted + " refused (5..35), keeping " + target.get());
      return update.ack(WritablePropertyAck.INVALID, "out of range 5..35", target.get());
    }
    target.set(wanted);
    out.println("targetTemperature " + wanted + " applied at desired $version " + update.version());
    return update.ack(WritablePropertyAck.COMPLETED, "applied");
  }
}
