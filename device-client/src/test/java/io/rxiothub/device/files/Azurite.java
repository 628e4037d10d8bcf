// Azurite's Blob service (npm azurite 3.37.0, installed by the module's pom into target/azurite) as a real storage
// peer: started on an ephemeral loopback port over HTTPS with a certificate of the hub emulator's CA, in memory.
package io.rxiothub.device.files;

import io.rxiothub.emulator.files.StorageAccount;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

/** One Azurite process; close() stops it. */
final class Azurite implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listens on https://127\\.0\\.0\\.1:(\\d+)");
  private static final String VERSION = "2020-10-02";

  private final Process process;
  private final int port;
  private final HttpClient http;

  private Azurite(Process process, int port, SSLContext trust) {
    this.process = process;
    this.port = port;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Starts Azurite with {@code certificate} and {@code key} (PEM files written here) and waits until it listens.
   *
   * @throws IllegalStateException naming what to install when Azurite is not in target/azurite
   */
  static Azurite start(X509Certificate certificate, PrivateKey key, SSLContext trust, Path dir) throws Exception {
    Path bin = Paths.get("target", "azurite", "node_modules", ".bin", "azurite-blob").toAbsolutePath();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("Azurite is not installed at " + bin + ": the module's pom runs 'npm ci' in"
          + " target/azurite before the integration tests (profile azurite); install Node.js and npm (Debian:"
          + " apt-get install nodejs npm) and run ./mvnw verify -pl device-client");
    }
    Path certFile = dir.resolve("azurite-cert.pem");
    Path keyFile = dir.resolve("azurite-key.pem");
    Files.write(certFile, pem("CERTIFICATE", certificate.getEncoded()));
    Files.write(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    Path workspace = Files.createDirectories(dir.resolve("azurite-workspace"));
    Process process = new ProcessBuilder(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", "0",
        "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--cert", certFile.toString(),
        "--key", keyFile.toString())
        .directory(workspace.toFile()).redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          } else if (!port.isDone() && seen.length() < 4000) {
            seen.append(line).append('\n');
          }
        }
        port.completeExceptionally(new IllegalStateException("Azurite ended before listening:\n" + seen));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "azurite-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new Azurite(process, port.get(60, TimeUnit.SECONDS), trust);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("Azurite did not start: " + e.getMessage(), e);
    }
  }

  int port() {
    return port;
  }

  /** Creates a container with an account SAS (Shared Access Signature of the well-known development account). */
  void createContainer(String container) throws Exception {
    String se = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    String toSign = String.join("\n", StorageAccount.AZURITE_ACCOUNT, "rwdlac", "b", "sco", "", se, "", "https",
        VERSION, "");
    String query = "restype=container&sv=" + VERSION + "&ss=b&srt=sco&sp=rwdlac&se=" + se + "&spr=https&sig="
        + java.net.URLEncoder.encode(hmac(toSign), StandardCharsets.UTF_8);
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base() + "/" + container + "?"
        + query)).PUT(HttpRequest.BodyPublishers.noBody()).header("x-ms-version", VERSION).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 201) {
      throw new IllegalStateException("Azurite refused to create container " + container + ": "
          + answer.statusCode() + " " + answer.body());
    }
  }

  /** Reads a blob with a read-only service SAS. */
  byte[] read(String container, String blobName) throws Exception {
    String sas = io.rxiothub.emulator.files.internal.BlobSas.sign(StorageAccount.AZURITE_ACCOUNT,
        StorageAccount.AZURITE_KEY, container, blobName, "r", Instant.now().plusSeconds(600));
    HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(base() + "/" + container + "/"
        + io.rxiothub.sas.PercentEncoding.encode(blobName) + "?" + sas)).header("x-ms-version", VERSION).GET()
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("Azurite answered " + answer.statusCode() + " for " + blobName + ": "
          + new String(answer.body(), StandardCharsets.UTF_8));
    }
    return answer.body();
  }

  private String base() {
    return "https://127.0.0.1:" + port + "/" + StorageAccount.AZURITE_ACCOUNT;
  }

  private static String hmac(String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(StorageAccount.AZURITE_KEY), "HmacSHA256"));
    return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] pem(String type, byte[] der) {
    return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
