// `rxiothub provision`: registers a device with the Device Provisioning Service (protocol.md §15) and prints the
// assignment and a device connection string for the other commands.
package io.rxiothub.cli;

import io.rxiothub.device.ProvisioningClient;
import io.rxiothub.device.Transport;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.provisioning.Registration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Registers through DPS with a symmetric key, an enrollment group's key or a client certificate. */
@Command(name = "provision", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Register a device with the Device Provisioning Service (DPS) and print the hub and device id it"
        + " assigned, its status and the payload DPS returned, then a device connection string for `rxiothub send`"
        + " and the other device commands.",
        "Authenticate with exactly one of --key (individual enrollment), --group-key (enrollment group) or --cert"
            + " with --cert-key (X.509). Keys are never printed unless --print-connection-string asks for them.",
        "For the hub emulator: `rxiothub emulator` prints the DPS endpoint, the ID scope, the key of enrollment"
            + " group 'default' and the CA file (--ca-file)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the device was assigned to a hub",
        "1:DPS refused or failed the registration: disabled enrollment, failed allocation, throttled",
        "2:bad option or input (unreadable file, not base64, not JSON)",
        "4:DPS refused the credentials (wrong key, ID scope or registration id) or the connection (TLS)",
        "5:no assignment within --timeout (also an unreachable endpoint: connecting is retried until then)"})
final class ProvisionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--id-scope", required = true, paramLabel = "SCOPE",
      description = "The ID scope of the DPS instance (0ne...).")
  String idScope = "";

  @Option(names = "--registration-id", required = true, paramLabel = "ID",
      description = "The registration id: usually the device id DPS assigns; for --cert the certificate's CN.")
  String registrationId = "";

  @Option(names = "--endpoint", paramLabel = "HOST[:PORT]", defaultValue = DpsConnect.GLOBAL_ENDPOINT,
      description = "The DPS endpoint; default: ${DEFAULT-VALUE} on 8883 (443 with --websocket). The hub"
          + " emulator prints its DPS endpoint.")
  String endpoint = DpsConnect.GLOBAL_ENDPOINT;

  @Option(names = "--key", paramLabel = "BASE64",
      description = "The individual enrollment's symmetric key.")
  @Nullable String key;

  @Option(names = "--group-key", paramLabel = "BASE64",
      description = "The enrollment group's symmetric key: the device key is derived from it and the registration"
          + " id (HMAC-SHA256), as the device SDKs do; the group key itself is never sent.")
  @Nullable String groupKey;

  @Option(names = "--cert", paramLabel = "PEM_FILE",
      description = "X.509: the device certificate (leaf first, then any intermediates) as PEM; needs --cert-key.")
  @Nullable Path cert;

  @Option(names = "--cert-key", paramLabel = "PEM_FILE",
      description = "X.509: the certificate's private key as PEM (PKCS#8, or unencrypted PKCS#1 / SEC1).")
  @Nullable Path certKey;

  @Option(names = "--payload", paramLabel = "JSON",
      description = "A custom payload sent with the registration (for a custom allocation policy).")
  @Nullable String payload;

  @Option(names = "--model-id", paramLabel = "DTMI", description = "The Plug and Play model id to register.")
  @Nullable String modelId;

  @Option(names = "--websocket", description = "MQTT over WebSocket (port 443) instead of MQTT over TLS (8883).")
  boolean websocket;

  @Option(names = "--ca-file", paramLabel = "PATH",
      description = "Trust only the CA certificate(s) in this PEM file (the hub emulator prints its CA file);"
          + " default: the JVM's trust store, right for Azure's DPS.")
  @Nullable Path caFile;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up when no assignment came within this long, connecting included; default:"
          + " ${DEFAULT-VALUE}.")
  long timeoutSeconds = 60;

  @Option(names = "--print-connection-string",
      description = "Print the device connection string with its key (a secret); without it the key is hidden.")
  boolean printConnectionString;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces and debug logs.")
  boolean verbose;

  @Override
  public Integer call() {
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
    Transport transport = websocket ? Transport.MQTT_WS : Transport.MQTT;
    Endpoint target = Endpoint.parse(endpoint, transport.defaultPort());
    ProvisioningClient.Builder builder = ProvisioningClient.builder()
        .globalEndpoint(target.host).port(target.port).transport(transport)
        .idScope(checkedScope()).registrationId(checkedRegistrationId())
        .payload(checkedPayload()).modelId(modelId)
        .timeoutMillis(TimeUnit.SECONDS.toMillis(timeoutSeconds));
    @Nullable String deviceKey = credentials(builder);
    if (caFile != null) {
      builder.trustStore(trustStore(DeviceOptions.readCertificates(caFile)));
    }
    ProvisioningClient client;
    try {
      client = builder.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    long start = System.nanoTime();
    Registration registration;
    try {
      registration = client.register().timeout(timeoutSeconds + 10, TimeUnit.SECONDS).blockingGet();
    } catch (RuntimeException e) {
      throw ProvisionFailures.of(Failures.unwrap(e), target.toString(), caFile != null, timeoutSeconds);
    }
    print(registration, deviceKey, target, start);
    return ExitCodes.OK;
  }

  private String checkedScope() {
    if (idScope.isEmpty() || idScope.indexOf('/') >= 0) {
      throw new IllegalArgumentException("--id-scope must be non-empty and hold no '/' (the portal and `rxiothub"
          + " emulator` show it, e.g. 0ne00000001)");
    }
    return idScope;
  }

  private String checkedRegistrationId() {
    if (registrationId.isEmpty() || registrationId.matches(".*[/+#].*")) {
      throw new IllegalArgumentException("--registration-id must be non-empty and hold no '/', '+' or '#'");
    }
    return registrationId;
  }

  private @Nullable String checkedPayload() {
    if (payload == null) {
      return null;
    }
    String text = payload.trim();
    if (!text.startsWith("{") || !text.endsWith("}")) {
      throw new IllegalArgumentException("--payload must be a JSON object, e.g. '{\"site\":\"lab\"}'");
    }
    return payload;
  }

  /** Sets the one credential asked for; returns the device's symmetric key (derived for a group), or null for X.509. */
  private @Nullable String credentials(ProvisioningClient.Builder builder) {
    int given = (key != null ? 1 : 0) + (groupKey != null ? 1 : 0) + (cert != null || certKey != null ? 1 : 0);
    if (given != 1) {
      throw new IllegalArgumentException("give exactly one of --key (individual enrollment), --group-key"
          + " (enrollment group) or --cert with --cert-key (X.509)");
    }
    if (key != null) {
      builder.symmetricKey(base64("--key", key));
      return key;
    }
    if (groupKey != null) {
      builder.groupKey(base64("--group-key", groupKey));
      return DpsConnect.derivedKey(groupKey, registrationId);
    }
    if (cert == null || certKey == null) {
      throw new IllegalArgumentException("--cert and --cert-key go together: the certificate and its private key");
    }
    String chain = readPem("--cert", cert);
    String privateKey = readPem("--cert-key", certKey);
    try {
      builder.clientCertificatePem(chain, privateKey);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--cert " + cert + " / --cert-key " + certKey + ": " + e.getMessage(), e);
    }
    return null;
  }

  private static String base64(String option, String value) {
    try {
      if (value.isEmpty() || Base64.getDecoder().decode(value).length == 0) {
        throw new IllegalArgumentException("empty");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " must be a base64 key (as the portal or `rxiothub emulator`"
          + " shows it)");
    }
    return value;
  }

  private static String readPem(String option, Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + " " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + option + " " + file + ": " + e.getMessage());
    }
  }

  private static KeyStore trustStore(X509Certificate[] certificates) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.length; i++) {
        store.setCertificateEntry("ca-" + i, certificates[i]);
      }
      return store;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a trust store: " + e, e);
    }
  }

  private void print(Registration registration, @Nullable String deviceKey, Endpoint target, long start) {
    PrintWriter out = spec.commandLine().getOut();
    Style style = Style.of(spec);
    out.println(style.ok("assigned") + " registration " + registration.registrationId() + " through " + target
        + " in " + Style.since(start));
    row(out, "hub", String.valueOf(registration.assignedHub()));
    row(out, "device id", String.valueOf(registration.deviceId()));
    row(out, "status", registration.status().name().toLowerCase(java.util.Locale.ROOT)
        + (registration.substatus() == null ? "" : " (" + registration.substatus() + ")"));
    row(out, "payload", registration.payload() == null ? "none" : registration.payload());
    String base = "HostName=" + registration.assignedHub() + ";DeviceId=" + registration.deviceId();
    if (deviceKey == null) {
      row(out, "connection string", base + ";x509=true (connect with the same certificate)");
    } else if (printConnectionString) {
      out.println("  " + style.bold("device connection string") + " (a secret; for rxiothub send -c):");
      out.println("    " + base + ";SharedAccessKey=" + deviceKey);
    } else {
      row(out, "connection string", base + ";SharedAccessKey=<hidden: --print-connection-string shows it>");
    }
    out.flush();
  }

  private static void row(PrintWriter out, String name, String value) {
    out.println("  " + Style.pad(name, 18) + " " + value);
  }

  /** The DPS host and port of --endpoint. */
  static final class Endpoint {
    final String host;
    final int port;

    private Endpoint(String host, int port) {
      this.host = host;
      this.port = port;
    }

    static Endpoint parse(String text, int defaultPort) {
      String value = text.trim();
      if (value.startsWith("mqtts://") || value.startsWith("https://") || value.startsWith("wss://")) {
        value = value.substring(value.indexOf("://") + 3);
      }
      int colon = value.lastIndexOf(':');
      if (value.isEmpty() || value.contains("/") || colon == 0 || value.indexOf(':') != colon) {
        throw new IllegalArgumentException("--endpoint must be HOST or HOST:PORT, e.g. "
            + DpsConnect.GLOBAL_ENDPOINT + " or 127.0.0.1:8884; got '" + text + "'");
      }
      if (colon < 0) {
        return new Endpoint(value, defaultPort);
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("--endpoint port must be 1..65535; got '" + text + "'");
      }
      return new Endpoint(value.substring(0, colon), port);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }
}
