// Fuzzing of every public watson parser (issue 9, bad input): a value or IllegalArgumentException, in bounded time.
package io.rxiothub.watson;

import static io.rxiothub.testing.ParserFuzzing.nearOrRandom;

import io.rxiothub.testing.ParserFuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;

class ParserFuzzProperties extends ParserFuzzing {

  @Override
  protected List<Parser<?>> parsers() {
    Arbitrary<String> topics = nearOrRandom(80,
        "iot-2/type/mydevice/id/device1/evt/status/fmt/json",
        "iot-2/type/mydevice/id/+/cmd/+/fmt/+",
        "iot-2/type/gw/id/g1/notify",
        "iot-2/evt/e/fmt/json",
        "iot-2/cmd/+/fmt/+",
        "iot-2/app/+/mon",
        "iotdevice-1/type/t/id/d/mgmt/manage/",
        "iotdm-1/type/+/id/+/response",
        "iotdm-1/mgmt/initiate/device/reboot");
    Arbitrary<byte[]> json = nearOrRandom(80,
        "{\"Request\":\"publish\",\"Time\":\"2026-12-03T04:00:00.000Z\",\"Topic\":\"iot-2/type/t/id/d/evt/e/fmt/json\","
            + "\"Type\":\"t\",\"Id\":\"d\",\"Client\":\"g:abc123:gw:g1\",\"RC\":\"403\",\"Message\":\"m\"}",
        "{\"d\":{\"lifetime\":3600,\"supports\":{\"deviceActions\":true}},\"reqId\":\"r-1\"}",
        "{\"rc\":200,\"message\":\"success\",\"d\":{},\"reqId\":\"b53eb43e\"}",
        "{\"rc\":\"202\",\"reqId\":\"x\"}",
        "{\"Action\":\"Disconnect\",\"Time\":\"2026-12-03T04:00:00.000Z\",\"ClientID\":\"g:abc123:gw:g1\","
            + "\"Port\":8883,\"Reason\":\"The connection was lost\"}").map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<String> manage = nearOrRandom(80,
        "{\"lifetime\":3600,\"supports\":{\"deviceActions\":true,\"firmwareActions\":false},"
            + "\"deviceInfo\":{\"model\":\"m\"},\"metadata\":{}}", "{}");
    return Arrays.asList(
        Parser.of("WatsonTopic.parse", IllegalArgumentException.class, topics, WatsonTopic::parse)
            .huge("1M levels", "iot-2/" + "a/".repeat(500_000), Outcome.FAILS),
        Parser.of("WatsonTopic.parseFilter", IllegalArgumentException.class, topics, WatsonTopic::parseFilter)
            .huge("long DM operation", "iotdm-1/type/t/id/d/" + "x/".repeat(200_000) + "x", Outcome.EITHER),
        Parser.of("ClientId.parse", IllegalArgumentException.class,
            nearOrRandom(60, "g:abc123:gwtype:gw1", "d:abc123:t:d", "a:abc123:app", "A:abc123:app"), ClientId::parse)
            .huge("1M colons", ":".repeat(1_000_000), Outcome.FAILS),
        Parser.of("Notification.parse", IllegalArgumentException.class, json, Notification::parse)
            .huge("deep", ("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                Outcome.FAILS),
        Parser.of("DmMessage.parseRequest", IllegalArgumentException.class, json, DmMessage::parseRequest)
            .huge("deep d", ("{\"d\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}")
                .getBytes(StandardCharsets.UTF_8), Outcome.FAILS),
        Parser.of("DmMessage.parseResponse", IllegalArgumentException.class, json, DmMessage::parseResponse),
        Parser.of("ConnectionStatus.parse", IllegalArgumentException.class, json, ConnectionStatus::parse)
            .huge("deep", ("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                Outcome.FAILS),
        Parser.of("ManageRequest.parse", IllegalArgumentException.class, manage, ManageRequest::parse)
            .huge("deep metadata", "{\"metadata\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}", Outcome.FAILS));
  }
}
