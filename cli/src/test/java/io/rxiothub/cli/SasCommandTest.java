package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.SasToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SasCommandTest {

  static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final String OTHER_KEY = "HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=";
  static final String CS = "HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + KEY;
  static final String TOKEN = "SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fdev1"
      + "&sig=QKiSs%2Fj3XsPN5ctMtRoJa7c%2BYA9RuV2Hs4XwTyXK8%2Bw%3D&se=1700000000";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = RxIotHubCommand.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void printsATokenThatVerifiesAndExpiresAfterTheTtl() {
    long before = Instant.now().getEpochSecond();
    assertThat(run("sas", "--connection-string", CS, "--ttl", "120")).isZero();
    SasToken token = SasToken.parse(out.toString().trim());
    assertThat(token.verify(KEY)).isTrue();
    assertThat(token.resourceUri()).isEqualTo("contoso.azure-devices.net/devices/dev1");
    assertThat(token.expiryEpochSeconds()).isBetween(before + 120, Instant.now().getEpochSecond() + 120);
  }

  @Test
  void verifySaysValidForAGoodToken() {
    assertThat(run("sas", "verify", "-c", CS, "-t", TOKEN, "--now", "1699999000")).isZero();
    assertThat(out.toString()).startsWith("valid: for contoso.azure-devices.net/devices/dev1").contains("in 1000 s");
  }

  @Test
  void verifyExplainsExpiry() {
    assertThat(run("sas", "verify", "-c", CS, "-t", TOKEN, "--now", "1700000100")).isEqualTo(1);
    assertThat(out.toString()).contains("invalid: expired at 2023-11-14T22:13:20Z (100 s ago)");
  }

  @Test
  void verifyExplainsAWrongKeyWithoutPrintingAnyKey() {
    String other = "HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + OTHER_KEY;
    assertThat(run("sas", "verify", "-c", other, "-t", TOKEN, "--now", "1")).isEqualTo(1);
    assertThat(out.toString()).contains("signature does not match").doesNotContain(OTHER_KEY).doesNotContain(KEY);
  }

  @Test
  void verifyExplainsAWrongResource() {
    String dev2 = ConnectionString.parse(CS).toBuilder().deviceId("dev2").build().format();
    assertThat(run("sas", "verify", "-c", dev2, "-t", TOKEN, "--now", "1")).isEqualTo(1);
    assertThat(out.toString()).contains("the token is for contoso.azure-devices.net/devices/dev1, not for"
        + " contoso.azure-devices.net/devices/dev2");
  }

  @Test
  void verifyExplainsAMalformedToken() {
    assertThat(run("sas", "verify", "-c", CS, "-t", "SharedAccessSignature sr=x")).isEqualTo(1);
    assertThat(out.toString()).contains("invalid: malformed token").contains("sig");
  }

  @Test
  void aBadConnectionStringIsOneClearLineAndExitTwo() {
    assertThat(run("sas", "-c", "HostName=h.net;DeviceId=d;SharedAccessKey=abc$")).isEqualTo(2);
    assertThat(err.toString().trim()).contains("error: invalid connection string: SharedAccessKey must be")
        .doesNotContain("Exception").doesNotContain("abc$");
  }

  @Test
  void aConnectionStringWithoutKeyCannotSign() {
    assertThat(run("sas", "-c", "HostName=h.net;DeviceId=d;x509=true")).isEqualTo(2);
    assertThat(err.toString()).contains("no key to sign a token with");
  }

  @Test
  void helpListsTheExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Exit codes:").contains("sas");
  }
}
