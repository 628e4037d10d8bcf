// Notification and device-management JSON (protocol.md §14.3, §14.5): seed examples, round trips, errors.
package io.rxiothub.watson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MessagesTest {

  @Test
  void notificationRoundTripsWithRcAsAString() {
    Notification n = Notification.builder().request("subscribe").timeMillis(0L)
        .topic("iot-2/type/t/id/d/evt/e/fmt/json").typeId("t").deviceId("d").clientId("g:abc123:gw:g1")
        .rc(Notification.RC_TOPIC_NOT_ALLOWED).message("no rule").build();
    assertThat(n.toJson()).startsWith("{\"Request\":\"subscribe\",\"Time\":\"1970-01-01T00:00:00.000Z\"")
        .contains("\"RC\":\"403\"");
    assertThat(Notification.parse(n.toBytes())).isEqualTo(n);
  }

  @Test
  void notificationAcceptsAnIntegerRcAndNamesAMissingMember() {
    String json = "{\"Request\":\"publish\",\"Time\":\"t\",\"Topic\":\"x\",\"Type\":\"\",\"Id\":\"\","
        + "\"Client\":\"g:abc123:gw:g1\",\"RC\":429,\"Message\":\"m\",\"Extra\":1}";
    assertThat(Notification.parse(json.getBytes(UTF_8)).rc()).isEqualTo("429");
    assertThatThrownBy(() -> Notification.parse("{\"Request\":\"publish\"}".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Time is missing");
    assertThatThrownBy(() -> Notification.parse("[1]".getBytes(UTF_8)))
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void seed001RequestAndResponseParse() {
    DmMessage request = DmMessage.parseRequest(
        "{ \"d\": {\"lifetime\": 3600}, \"reqId\": \"b53eb43e-401c-453c-b8f5-94b73290c056\" }".getBytes(UTF_8));
    assertThat(request.reqId()).isEqualTo("b53eb43e-401c-453c-b8f5-94b73290c056");
    assertThat(request.dataJson()).isEqualTo("{\"lifetime\":3600}");
    DmMessage response = DmMessage.parseResponse(("{\"rc\": 0, \"message\": \"success\", \"d\": {},"
        + " \"reqId\": \"b53eb43e-401c-453c-b8f5-94b73290c056\"}").getBytes(UTF_8));
    assertThat(response.rc()).isZero();
    assertThat(response.message()).isEqualTo("success");
    assertThat(DmMessage.parseResponse(response.toBytes())).isEqualTo(response);
  }

  @Test
  void aRequestWithoutReqIdWantsNoResponse() {
    DmMessage request = DmMessage.request("{\"d\":1}", null);
    assertThat(request.toJson()).isEqualTo("{\"d\":{\"d\":1}}");
    assertThat(DmMessage.parseRequest(request.toBytes()).reqId()).isNull();
  }

  @Test
  void responsesNeedAnIntegerRcAndAReqId() {
    assertThatThrownBy(() -> DmMessage.parseResponse("{\"reqId\":\"r\"}".getBytes(UTF_8)))
        .hasMessageContaining("rc is missing");
    assertThatThrownBy(() -> DmMessage.parseResponse("{\"rc\":200}".getBytes(UTF_8)))
        .hasMessageContaining("reqId is missing");
    assertThatThrownBy(() -> DmMessage.parseResponse("{\"rc\":200,\"reqId\":\"r\",\"d\":[]}".getBytes(UTF_8)))
        .hasMessageContaining("d must be a JSON object");
    assertThat(DmMessage.parseResponse("{\"rc\":\"202\",\"reqId\":\"r\"}".getBytes(UTF_8)).rc()).isEqualTo(202);
  }

  @Test
  void correlatorCompletesOnceAndExpiresOnTime() {
    ReqIdCorrelator<String> correlator = new ReqIdCorrelator<>("gw");
    String first = correlator.register("a", 1_000, 500);
    String second = correlator.register("b", 1_000, 2_000);
    assertThat(first).isNotEqualTo(second);
    assertThat(correlator.nextDeadline()).isEqualTo(1_500L);
    assertThat(correlator.expire(1_499)).isEmpty();
    assertThat(correlator.expire(1_500)).containsExactly("a");
    assertThat(correlator.complete(first)).isNull();
    assertThat(correlator.complete(second)).isEqualTo("b");
    assertThat(correlator.complete(second)).isNull();
    assertThatThrownBy(() -> {
      correlator.register("x", "c", 0, 1);
      correlator.register("x", "d", 0, 1);
    }).hasMessageContaining("already pending");
  }
}
