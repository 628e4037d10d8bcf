// rxiothub dps enroll|list|show|delete against an emulator's DPS service API (its service file written as
// `rxiothub emulator` writes it); an enrollment made here then provisions a device with `rxiothub provision`.
package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.emulator.service.ServiceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DpsCommandIT {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  @TempDir static Path dir;
  private static String serviceFile;
  private static DpsEndpoint dps;

  @BeforeAll
  static void serviceFile() throws Exception {
    HubEmulator hub = HUB.hub();
    Path file = dir.resolve("service.json");
    new ServiceFile("https://127.0.0.1:" + hub.webSocketPort(), hub.serviceConnectionString(), hub.hostName(),
        hub.mqttPort(), hub.caFile().toString()).write(file);
    serviceFile = file.toString();
    dps = hub.dps().start();
  }

  @Test
  void enrollThenProvisionThenListShowAndDelete(HubEmulator hub) {
    Cli enroll = Cli.run("dps", "enroll", "cli-solo", "--key", KEY, "--tags", "{\"site\":\"lab\"}",
        "--service-file", serviceFile);
    assertThat(enroll.exitCode).as(enroll.toString()).isZero();
    assertThat(enroll.out).contains("\"registrationId\" : \"cli-solo\"").contains("<hidden: --show-keys prints it>")
        .doesNotContain(KEY);
    assertThat(dps.enrollment(Enrollment.Kind.INDIVIDUAL, "cli-solo")).hasValueSatisfying(e ->
        assertThat(e.primaryKey()).isEqualTo(KEY));

    Cli provision = Cli.run("provision", "--endpoint", "127.0.0.1:" + dps.mqttPort(), "--id-scope", dps.idScope(),
        "--registration-id", "cli-solo", "--key", KEY, "--ca-file", hub.caFile().toString(), "--timeout", "20");
    assertThat(provision.exitCode).as(provision.toString()).isZero();
    assertThat(hub.twin("cli-solo").blockingGet()).contains("\"site\":\"lab\"");

    Cli list = Cli.run("dps", "list", "--service-file", serviceFile);
    assertThat(list.out).as(list.toString()).containsPattern("cli-solo +symmetricKey +enabled");
    Cli show = Cli.run("dps", "show", "cli-solo", "--show-keys", "--service-file", serviceFile);
    assertThat(show.out).as(show.toString()).contains("\"primaryKey\" : \"" + KEY + "\"");

    Cli delete = Cli.run("dps", "delete", "cli-solo", "--service-file", serviceFile);
    assertThat(delete.out).as(delete.toString()).contains("deleted individual enrollment cli-solo");
    assertThat(dps.enrollment(Enrollment.Kind.INDIVIDUAL, "cli-solo")).isEmpty();
    Cli gone = Cli.run("dps", "show", "cli-solo", "--service-file", serviceFile);
    assertThat(gone.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(gone.err).contains("there is no individual enrollment 'cli-solo'");
  }

  @Test
  void aGroupWithAGeneratedKeyIsListedUnderGroupsAndItsKeyShownOnlyWhenAsked() {
    Cli enroll = Cli.run("dps", "enroll", "cli-fleet", "--group", "--disabled", "--service-file", serviceFile);
    assertThat(enroll.exitCode).as(enroll.toString()).isZero();
    String key = dps.enrollment(Enrollment.Kind.GROUP, "cli-fleet").orElseThrow().primaryKey();
    assertThat(key).as("generated").isNotBlank();
    assertThat(enroll.out).contains("\"enrollmentGroupId\" : \"cli-fleet\"").contains("\"provisioningStatus\" :"
        + " \"disabled\"").doesNotContain(key);
    assertThat(Cli.run("dps", "list", "--group", "--service-file", serviceFile).out)
        .containsPattern("cli-fleet +symmetricKey +disabled");
    assertThat(Cli.run("dps", "show", "cli-fleet", "-g", "--show-keys", "--service-file", serviceFile).out)
        .contains(key);
  }

  @Test
  void badInputIsRefusedNamingTheOption() throws Exception {
    Cli badKey = Cli.run("dps", "enroll", "cli-bad", "--key", "not base64!", "--service-file", serviceFile);
    assertThat(badKey.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(badKey.err).contains("--key must be non-empty base64 text");
    Path notPem = dir.resolve("not.pem");
    Files.writeString(notPem, "hello");
    Cli badCert = Cli.run("dps", "enroll", "cli-bad", "--cert", notPem.toString(), "--service-file", serviceFile);
    assertThat(badCert.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(badCert.err).contains("--cert: ").contains("holds no PEM certificate");
    Cli badTags = Cli.run("dps", "enroll", "cli-bad", "--tags", "[1]", "--service-file", serviceFile);
    assertThat(badTags.err).contains("--tags must be a JSON object");
    Cli badId = Cli.run("dps", "enroll", "bad id!", "--service-file", serviceFile);
    assertThat(badId.exitCode).as(badId.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(badId.err).contains("may hold only ASCII letters");
    assertThat(dps.enrollments()).noneMatch(e -> e.id().startsWith("cli-bad"));
  }
}
