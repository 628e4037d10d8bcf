// `rxiothub provision` against the hub emulator's DPS endpoint on loopback TLS (ephemeral ports): group key then
// `rxiothub send` with the printed connection string, individual enrollment, X.509 from PEM files, refusals.
package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.provisioning.DpsConnect;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProvisionCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static final Pattern CONNECTION_STRING = Pattern.compile("(HostName=\\S+;SharedAccessKey=\\S+)");
  private static DpsEndpoint dps;

  @BeforeAll
  static void startDps() {
    dps = HUB.hub().dps().retryAfterSeconds(0)
        .addEnrollment(Enrollment.individual("solo").primaryKey(KEY).build())
        .addEnrollment(Enrollment.individual("off").primaryKey(KEY).enabled(false).build())
        .addEnrollment(Enrollment.group("default").primaryKey(GROUP_KEY).build())
        .start("127.0.0.1", 0, 0);
  }

  /** `provision` with the emulator's endpoint, ID scope and CA, then {@code more}. */
  private static String[] provision(String registrationId, String... more) {
    List<String> args = new ArrayList<>(List.of("provision", "--endpoint", "127.0.0.1:" + dps.mqttPort(),
        "--id-scope", dps.idScope(), "--registration-id", registrationId, "--ca-file",
        HUB.hub().caFile().toString(), "--timeout", "20"));
    args.addAll(Arrays.asList(more));
    return args.toArray(new String[0]);
  }

  @Test
  void groupKeyProvisionsThenSendWithThePrintedConnectionStringReachesTheHub(HubEmulator hub) {
    Cli run = Cli.run(provision("member-7", "--group-key", GROUP_KEY, "--payload", "{\"site\":\"lab\"}",
        "--print-connection-string"));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("assigned registration member-7 through 127.0.0.1:" + dps.mqttPort())
        .containsPattern("hub +" + Pattern.quote(hub.hostName()) + "\n")
        .containsPattern("device id +member-7\n")
        .containsPattern("status +assigned \\(initialAssignment\\)\n")
        .containsPattern("payload +\\{\"site\":\"lab\"\\}\n")
        .doesNotContain(GROUP_KEY);
    Matcher printed = CONNECTION_STRING.matcher(run.out);
    assertThat(printed.find()).as(run.out).isTrue();
    String connectionString = printed.group(1);
    assertThat(connectionString).isEqualTo("HostName=" + hub.hostName() + ";DeviceId=member-7;SharedAccessKey="
        + DpsConnect.derivedKey(GROUP_KEY, "member-7"));

    Cli send = Cli.run("send", "-c", connectionString, "--ca-file", hub.caFile().toString(), "--port",
        Integer.toString(hub.mqttPort()), "from a provisioned device");
    assertThat(send.exitCode).as(send.toString()).isZero();
    assertThat(hub.telemetry("member-7")).extracting(TelemetryMessage::payloadAsString)
        .containsExactly("from a provisioned device");
  }

  @Test
  void individualEnrollmentOverWebSocketHidesTheKeyUnlessAsked(HubEmulator hub) {
    Cli run = Cli.run("provision", "--endpoint", "localhost:" + dps.webSocketPort(), "--websocket", "--id-scope",
        dps.idScope(), "--registration-id", "solo", "--key", KEY, "--ca-file", hub.caFile().toString());

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).containsPattern("device id +solo\n")
        .contains("HostName=" + hub.hostName() + ";DeviceId=solo;SharedAccessKey=<hidden:"
            + " --print-connection-string shows it>")
        .doesNotContain(KEY);
    assertThat(hub.registry().get("solo")).hasValueSatisfying(d -> assertThat(d.primaryKey()).isEqualTo(KEY));
  }

  @Test
  void aWrongKeyIsRefusedWithExitCode4AndNoKeyInTheMessage() {
    Cli run = Cli.run(provision("solo", "--key", GROUP_KEY));

    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(run.err).contains("error: DPS at 127.0.0.1:" + dps.mqttPort() + " refused the registration (401002)")
        .contains("check --id-scope, --registration-id and the key or certificate")
        .doesNotContain(GROUP_KEY).doesNotContain(KEY);
    assertThat(run.out).isEmpty();
  }

  @Test
  void anUnknownIdScopeIsRefusedWithExitCode4() {
    Cli run = Cli.run("provision", "--endpoint", "127.0.0.1:" + dps.mqttPort(), "--id-scope", "0ne99999999",
        "--registration-id", "solo", "--key", KEY, "--ca-file", HUB.hub().caFile().toString());

    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(run.err).contains("refused the registration").doesNotContain(KEY);
  }

  @Test
  void aDisabledEnrollmentFailsWithExitCode1(HubEmulator hub) {
    Cli run = Cli.run(provision("off", "--key", KEY));

    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err).contains("error: the enrollment is disabled (401003)").contains("enable it in DPS");
    assertThat(hub.registry().get("off")).isEmpty();
  }

  @Test
  void badInputIsAUsageErrorNamingTheOption() {
    Cli none = Cli.run(provision("solo"));
    assertThat(none.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err).contains("give exactly one of --key", "--group-key", "--cert with --cert-key");

    Cli two = Cli.run(provision("solo", "--key", KEY, "--group-key", GROUP_KEY));
    assertThat(two.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(two.err).contains("give exactly one of --key").doesNotContain(KEY).doesNotContain(GROUP_KEY);

    Cli notBase64 = Cli.run(provision("solo", "--key", "not base64!"));
    assertThat(notBase64.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(notBase64.err).contains("--key must be a base64 key").doesNotContain("not base64!");

    Cli endpoint = Cli.run("provision", "--endpoint", "127.0.0.1:99999", "--id-scope", "0ne1",
        "--registration-id", "solo", "--key", KEY);
    assertThat(endpoint.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(endpoint.err).contains("--endpoint port must be 1..65535");

    Cli payload = Cli.run(provision("solo", "--key", KEY, "--payload", "site=lab"));
    assertThat(payload.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(payload.err).contains("--payload must be a JSON object");
  }

  @Test
  void nothingListeningEndsAtTheTimeoutWithExitCode5NamingTheEndpoint() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Cli run = Cli.run("provision", "--endpoint", "127.0.0.1:" + port, "--id-scope", dps.idScope(),
        "--registration-id", "solo", "--key", KEY, "--ca-file", HUB.hub().caFile().toString(), "--timeout", "5");

    // The client retries connecting until its time-out, so an unreachable endpoint ends as a time-out, which says
    // why the last attempt failed.
    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(run.err).contains("error: no assignment from DPS at 127.0.0.1:" + port + " within --timeout 5 s")
        .contains("the last connection attempt failed: Connection refused").doesNotContain(KEY);
  }

  @Test
  void aCertificateFromPemFilesProvisionsAnX509Device(HubEmulator hub, @TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=cert-dev-1");
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        BigInteger.valueOf(System.nanoTime()), new Date(System.currentTimeMillis() - 60_000),
        new Date(System.currentTimeMillis() + 86_400_000L), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    dps.addEnrollment(Enrollment.individual("cert-dev-1").x509Certificate(cert).build());
    Path certFile = dir.resolve("device.pem");
    Path keyFile = dir.resolve("device-key.pem");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));

    Cli run = Cli.run(provision("cert-dev-1", "--cert", certFile.toString(), "--cert-key", keyFile.toString()));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).containsPattern("device id +cert-dev-1\n")
        .contains("HostName=" + hub.hostName() + ";DeviceId=cert-dev-1;x509=true");
    assertThat(hub.registry().get("cert-dev-1")).isPresent();

    Cli missingKey = Cli.run(provision("cert-dev-1", "--cert", certFile.toString()));
    assertThat(missingKey.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(missingKey.err).contains("--cert and --cert-key go together");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
