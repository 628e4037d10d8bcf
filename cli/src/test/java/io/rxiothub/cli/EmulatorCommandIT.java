package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.service.ServiceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rxiothub emulator} in the foreground (as another process would run it), and every service-side command
 * against it: add-device, c2d (with feedback), purge, desired, twin, drop, {@code methods invoke}, stop. Device commands connect to it
 * with the connection string and CA file it printed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EmulatorCommandIT {

  @TempDir Path dir;

  @Test
  void servesDevicesAndTheServiceCommandsUntilStopped() throws Exception {
    Path serviceFile = dir.resolve("service.json");
    String service = serviceFile.toString();
    Cli.Running emulator = Cli.start("emulator", "--mqtt-port", "0", "--ws-port", "0", "--device", "alpha",
        "--service-file", service);
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(serviceFile)
        && emulator.out().contains("Try in another terminal"));
    String banner = emulator.out();
    assertThat(banner).contains("DPS endpoint     127.0.0.1:", "DPS ID scope     0ne00000001", "DPS group key");
    assertThat(banner).contains("rxiothub hub emulator running", "host name        localhost", "CA certificate",
        "service REST API https://127.0.0.1:", "service connection string (a secret",
        "HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=",
        "device alpha connection string (a secret):");
    Matcher cs = Pattern.compile("(HostName=localhost;DeviceId=alpha;SharedAccessKey=\\S+)").matcher(banner);
    assertThat(cs.find()).isTrue();
    ServiceFile file = ServiceFile.read(serviceFile);
    String[] connect = {"-c", cs.group(1), "--ca-file", file.caFile(), "--port", Integer.toString(file.mqttPort())};

    // a device sends telemetry; the emulator prints it
    Cli send = Cli.run(Cli.concat(new String[] {"send", "-p", "room=lab", "hello hub"}, connect));
    assertThat(send.exitCode).as(send.toString()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> emulator.out().contains("telemetry  alpha  hello hub"));
    assertThat(emulator.out()).containsPattern("telemetry  alpha  hello hub.*\\$\\.cdid=alpha.*room=lab");

    // add-device prints a working connection string
    Cli added = Cli.run("emulator", "add-device", "beta", "--service-file", service);
    assertThat(added.exitCode).as(added.toString()).isZero();
    assertThat(added.out).startsWith("HostName=localhost;DeviceId=beta;SharedAccessKey=");
    Cli module = Cli.run("emulator", "add-device", "beta", "--module", "cam", "--service-file", service);
    assertThat(module.out).as(module.toString()).startsWith("HostName=localhost;DeviceId=beta;ModuleId=cam;"
        + "SharedAccessKey=");
    Cli moduleDesired = Cli.run("emulator", "desired", "--device", "beta", "--module", "cam", "{\"fps\":30}",
        "--service-file", service);
    assertThat(moduleDesired.out).as(moduleDesired.toString()).contains("desired $version 2");
    assertThat(Cli.run("emulator", "twin", "--device", "beta", "-m", "cam", "--service-file", service).out)
        .contains("\"moduleId\" : \"cam\"").contains("\"fps\" : 30");

    // c2d is queued and received
    Cli c2d = Cli.run("emulator", "c2d", "--device", "alpha", "-p", "color=red", "--ack", "full", "ping",
        "--service-file", service);
    assertThat(c2d.exitCode).as(c2d.toString()).isZero();
    assertThat(c2d.out).contains("queued C2D message");
    Cli received = Cli.run(Cli.concat(new String[] {"receive", "--count", "1"}, connect));
    assertThat(received.out).contains("message 1  ping").contains("color=red");
    String messageId = c2d.out.replaceAll("(?s).*queued C2D message (\\S+) .*", "$1");
    // The PUBACK may reach the hub just after `receive` exits: ask until the record is there (10 s at most).
    Cli feedback = Cli.run("emulator", "feedback", "--service-file", service);
    for (int i = 0; i < 20 && !feedback.out.contains(messageId); i++) {
      Thread.sleep(500);
      feedback = Cli.run("emulator", "feedback", "--service-file", service);
    }
    assertThat(feedback.out).as(feedback.toString()).contains("Success " + messageId + " alpha");
    assertThat(Cli.run("emulator", "feedback", "--service-file", service).out).contains("no feedback waiting");

    // purge empties a queue the device does not read
    Cli.run("emulator", "c2d", "--device", "beta", "queued", "--service-file", service);
    Cli purge = Cli.run("emulator", "purge", "--device", "beta", "--service-file", service);
    assertThat(purge.out).as(purge.toString()).contains("purged 1 C2D message(s) of beta");

    // desired and twin
    Cli desired = Cli.run("emulator", "desired", "--device", "alpha", "{\"interval\":5}", "--service-file", service);
    assertThat(desired.out).contains("desired $version 2");
    Cli twin = Cli.run("emulator", "twin", "--device", "alpha", "--service-file", service);
    assertThat(twin.out).contains("\"interval\" : 5");

    // methods invoke reaches a device that serves methods
    Cli.Running serve = Cli.start(Cli.concat(new String[] {"methods", "serve", "--count", "1", "--response",
        "{\"pong\":true}"}, connect));
    Cli[] invoked = new Cli[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      invoked[0] = Cli.run("methods", "invoke", "--device", "alpha", "--timeout", "5", "ping", "{}",
          "--service-file", service);
      return invoked[0].exitCode == 0;
    });
    assertThat(invoked[0].out).contains("status 200").contains("\"pong\" : true");
    assertThat(serve.await().exitCode).isZero();

    // invoke on a device that does not serve methods: 404 and advice
    Cli notServed = Cli.run("methods", "invoke", "--device", "beta", "--timeout", "5", "ping", "--service-file",
        service);
    assertThat(notServed.exitCode).isEqualTo(1);
    assertThat(notServed.out).contains("status 404");
    assertThat(notServed.err).contains("run `rxiothub methods serve`");

    // unknown device: exit 2; drop of an offline device
    Cli unknown = Cli.run("emulator", "c2d", "--device", "nobody", "x", "--service-file", service);
    assertThat(unknown.exitCode).isEqualTo(2);
    assertThat(unknown.err).contains("DeviceNotFound").contains("'nobody'");
    assertThat(Cli.run("emulator", "drop", "--device", "beta", "--service-file", service).out)
        .contains("beta was not connected");

    // the monitor replays the telemetry with its system and application properties
    Cli monitor = Cli.run("emulator", "monitor", "--from", "earliest", "-d", "alpha", "--count", "1", "--timeout", "20",
        "--service-file", service);
    assertThat(monitor.exitCode).as(monitor.toString()).isZero();
    assertThat(monitor.out).contains("alpha  hello hub").contains("\"$.cdid\":\"alpha\"").contains("\"room\":\"lab\"");

    // a service token for curl
    Cli token = Cli.run("emulator", "token", "--service-file", service);
    assertThat(token.out).startsWith("SharedAccessSignature sr=localhost&sig=").contains("&skn=iothubowner");

    edgePipeline(service, file);

    // stop
    Cli stop = Cli.run("emulator", "stop", "--service-file", service);
    assertThat(stop.exitCode).isZero();
    Cli ended = emulator.await();
    assertThat(ended.exitCode).isZero();
    assertThat(ended.out).contains("hub emulator stopped");
    assertThat(serviceFile).doesNotExist();
  }

  /**
   * IoT Edge through the running emulator: two modules of an edge device, a route from one's output to the other's
   * input (`emulator edge routes`), `send --output` and `receive --input`, a module's environment (`emulator edge
   * env`) and `receive --edge` from it, and the errors of each.
   */
  private static void edgePipeline(String service, ServiceFile file) {
    String port = Integer.toString(file.mqttPort());
    Cli.run("emulator", "add-device", "edge1", "--service-file", service);
    String sensor = Cli.run("emulator", "add-device", "edge1", "-m", "sensor", "--service-file", service).out.trim();
    String filter = Cli.run("emulator", "add-device", "edge1", "-m", "filter", "--service-file", service).out.trim();
    String[] asSensor = {"-c", sensor, "--ca-file", file.caFile(), "--port", port};
    String[] asFilter = {"-c", filter, "--ca-file", file.caFile(), "--port", port};

    Cli added = Cli.run("emulator", "edge", "routes", "add", "-d", "edge1", "toFilter",
        "FROM /messages/modules/sensor/outputs/temp INTO BrokeredEndpoint(\"/modules/filter/inputs/in1\")",
        "--service-file", service);
    assertThat(added.exitCode).as(added.toString()).isZero();
    assertThat(added.out).contains("route toFilter of edge1: FROM /messages/modules/sensor/outputs/temp");
    Cli.run("emulator", "edge", "routes", "add", "-d", "edge1", "up", "FROM /messages/modules/filter/outputs/* INTO"
        + " $upstream", "--service-file", service);
    Cli listed = Cli.run("emulator", "edge", "routes", "list", "-d", "edge1", "--service-file", service);
    assertThat(listed.out).as(listed.toString()).contains("toFilter  FROM /messages/modules/sensor/outputs/temp")
        .contains("up  FROM /messages/modules/filter/outputs/* INTO $upstream");
    Cli bad = Cli.run("emulator", "edge", "routes", "add", "-d", "edge1", "broken", "FROM /messages/modules/x INTO"
        + " nowhere", "--service-file", service);
    assertThat(bad.exitCode).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err).contains("route 'broken' of edge1");
    Cli noDevice = Cli.run("emulator", "edge", "routes", "list", "-d", "nobody", "--service-file", service);
    assertThat(noDevice.exitCode).isEqualTo(2);
    assertThat(noDevice.err).contains("'nobody' does not exist");

    // the sensor sends to its output; the route holds it for the filter's input until the filter listens
    Cli sent = Cli.run(Cli.concat(new String[] {"send", "--output", "temp", "-p", "unit=C", "21.5"}, asSensor));
    assertThat(sent.exitCode).as(sent.toString()).isZero();
    assertThat(sent.out).contains("sent 1 message to output temp");
    Cli got = Cli.run(Cli.concat(new String[] {"receive", "--input", "in1", "--count", "1", "--timeout", "20"},
        asFilter));
    assertThat(got.exitCode).as(got.toString()).isZero();
    assertThat(got.err).contains("receiving on input in1 of module edge1/filter");
    assertThat(got.out).contains("message 1  input in1  21.5").contains("unit=C").contains("$.cmid=sensor");

    // the filter's environment: its tokens signed by the emulator's workload API, its trust bundle the only trust
    Cli env = Cli.run("emulator", "edge", "env", "-d", "edge1", "-m", "filter", "--service-file", service);
    assertThat(env.exitCode).as(env.toString()).isZero();
    assertThat(env.out).contains("export IOTEDGE_MODULEID='filter'", "export IOTEDGE_DEVICEID='edge1'",
        "export IOTEDGE_AUTHSCHEME='sasToken'", "export IOTEDGE_WORKLOADURI='http://localhost:");
    Map<String, String> variables = new HashMap<>();
    Matcher export = Pattern.compile("export (IOTEDGE_\\w+)='([^']*)'").matcher(env.out);
    while (export.find()) {
      variables.put(export.group(1), export.group(2));
    }
    Cli.run(Cli.concat(new String[] {"send", "--output", "temp", "22.5"}, asSensor));
    DeviceOptions.environment = () -> variables;
    try {
      Cli edge = Cli.run("receive", "--edge", "--port", port, "--count", "1", "--timeout", "20");
      assertThat(edge.exitCode).as(edge.toString()).isZero();
      assertThat(edge.err).contains("receiving on every input of module edge1/filter");
      assertThat(edge.out).contains("message 1  input in1  22.5");
      assertThat(edge.out + edge.err).doesNotContain("sig=");
      Cli upstream = Cli.run("send", "--edge", "--port", port, "--output", "alerts", "hot");
      assertThat(upstream.exitCode).as(upstream.toString()).isZero();
      Cli withCa = Cli.run("send", "--edge", "--ca-file", file.caFile(), "x");
      assertThat(withCa.exitCode).isEqualTo(2);
      assertThat(withCa.err).contains("--edge takes identity and trust from the IOTEDGE_* variables");
      variables.put("IOTEDGE_MODULEGENERATIONID", "stale");
      Cli stale = Cli.run("send", "--edge", "--port", port, "x");
      assertThat(stale.exitCode).as(stale.toString()).isEqualTo(4);
      assertThat(stale.err).contains("IoT Edge workload API").contains("404").doesNotContain("sig=");
      variables.remove("IOTEDGE_MODULEID");
      Cli missing = Cli.run("send", "--edge", "--port", port, "x");
      assertThat(missing.exitCode).isEqualTo(2);
      assertThat(missing.err).contains("IOTEDGE_MODULEID is not set");
    } finally {
      DeviceOptions.environment = System::getenv;
    }

    // a device has neither outputs nor inputs; a removed route is gone
    Cli deviceOutput = Cli.run(Cli.concat(new String[] {"send", "--output", "temp", "x"}, "-c",
        Cli.run("emulator", "add-device", "edge1", "--service-file", service).out.trim()));
    assertThat(deviceOutput.exitCode).isEqualTo(2);
    assertThat(deviceOutput.err).contains("--output temp needs a module identity");
    Cli removed = Cli.run("emulator", "edge", "routes", "remove", "-d", "edge1", "toFilter", "--service-file", service);
    assertThat(removed.out).as(removed.toString()).contains("removed route toFilter of edge1");
    Cli again = Cli.run("emulator", "edge", "routes", "remove", "-d", "edge1", "toFilter", "--service-file", service);
    assertThat(again.exitCode).isEqualTo(2);
    assertThat(again.err).contains("has no route 'toFilter'");
  }

  @Test
  void serviceCommandsWithoutAnEmulatorSayHowToStartOne() {
    Cli run = Cli.run("methods", "invoke", "--device", "d", "reboot", "--service-file",
        dir.resolve("none.json").toString());

    assertThat(run.exitCode).isEqualTo(4);
    assertThat(run.err).contains("no running emulator").contains("start one with `rxiothub emulator`");
  }

  @Test
  void aWrongKeyIsRefused() throws Exception {
    Path serviceFile = dir.resolve("service.json");
    Cli.Running emulator = Cli.start("emulator", "--mqtt-port", "0", "--ws-port", "0", "--quiet",
        "--service-file", serviceFile.toString());
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(serviceFile));
    ServiceFile real = ServiceFile.read(serviceFile);
    Path forged = dir.resolve("forged.json");
    new ServiceFile(real.url(), "HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey="
        + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", real.hostName(), real.mqttPort(), real.caFile()).write(forged);

    Cli run = Cli.run("emulator", "twin", "--device", "device1", "--service-file", forged.toString());
    Cli.run("emulator", "stop", "--service-file", serviceFile.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err).contains("IotHubUnauthorizedAccess").contains("signature does not match");
    assertThat(emulator.await().exitCode).isZero();
  }

  @Test
  void aTakenPortIsABadOption() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Cli run = Cli.run("emulator", "--mqtt-port", Integer.toString(socket.getLocalPort()), "--ws-port", "0",
          "--service-file", dir.resolve("s.json").toString(), "--timeout", "1");

      assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
      assertThat(run.err).contains("pass --mqtt-port 0");
    }
  }
}
