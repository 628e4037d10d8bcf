// The raw HiveMQ MQTT client set up as an IoT Hub device by hand (same topics, SAS auth and TLS as rxiothub).
package io.rxiothub.benchmarks.e2e;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.PercentEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builders for the baseline: what a user of the bare HiveMQ client has to write to talk to IoT Hub. */
public final class RawHiveMq {

  /** The three application properties every D2C benchmark message carries. */
  public static final String[][] PROPERTIES = {{"temperature", "21.5"}, {"unit", "celsius"}, {"alert", "false"}};

  private RawHiveMq() {}

  /** A client builder for {@code deviceId} with TLS trusting {@code ca} and a fresh one-hour SAS token. */
  public static Mqtt3ClientBuilder builder(String host, int port, Path ca, String deviceId, boolean reconnect) {
    ConnectionString cs = ConnectionString.parse(Bench.connectionString(host, deviceId));
    String token = cs.newSasToken(System.currentTimeMillis() / 1000 + 3600).format();
    Mqtt3ClientBuilder b = MqttClient.builder().useMqttVersion3().identifier(deviceId)
        .serverHost(host).serverPort(port)
        .sslConfig().trustManagerFactory(Bench.trust(ca)).applySslConfig()
        .simpleAuth().username(host + "/" + deviceId + "/?api-version=" + Bench.API)
        .password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    if (reconnect) {
      b = b.automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
          .applyAutomaticReconnect();
    }
    return b;
  }

  /** Builds and connects an async client (clean session off, keep-alive 230 s, as the SDKs do). */
  public static Mqtt3AsyncClient connect(String host, int port, Path ca, String deviceId, boolean reconnect) {
    Mqtt3AsyncClient c = builder(host, port, ca, deviceId, reconnect).buildAsync();
    c.connectWith().cleanSession(false).keepAlive(230).send().join();
    return c;
  }

  /** The telemetry topic with the benchmark's application properties (and {@code $.cdid}, as rxiothub sends). */
  public static String telemetryTopic(String deviceId, String messageId) {
    StringBuilder t = new StringBuilder("devices/").append(deviceId).append("/messages/events/");
    if (messageId != null) {
      t.append("%24.mid=").append(PercentEncoding.encode(messageId)).append('&');
    }
    t.append("%24.cdid=").append(PercentEncoding.encode(deviceId));
    for (String[] p : PROPERTIES) {
      t.append('&').append(PercentEncoding.encode(p[0])).append('=').append(PercentEncoding.encode(p[1]));
    }
    return t.toString();
  }
}
