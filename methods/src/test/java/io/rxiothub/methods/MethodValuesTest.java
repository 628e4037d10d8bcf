// Unit tests of MethodRequest and MethodResponse: payload accessors, JSON checks, size limit.
package io.rxiothub.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MethodValuesTest {

  @Test
  void requestFromAPublish() {
    byte[] payload = "{\"delay\":5}".getBytes(StandardCharsets.UTF_8);
    MethodRequest request = MethodRequest.fromPublish("$iothub/methods/POST/reboot/?$rid=42", payload);
    payload[0] = 'X';
    assertThat(request.methodName()).isEqualTo("reboot");
    assertThat(request.rid()).isEqualTo("42");
    assertThat(request.payloadAsString()).as("copied").isEqualTo("{\"delay\":5}");
    assertThat(request.payloadAsJson()).isEqualTo("{\"delay\":5}");
    assertThat(request.isJsonPayload()).isTrue();
    assertThat(request.hasPayload()).isTrue();
    assertThat(request.responseTopic(200)).isEqualTo("$iothub/methods/res/200/?$rid=42");
    request.payload()[0] = 'Y';
    assertThat(request.payloadAsString()).startsWith("{");
  }

  @Test
  void emptyAndNonJsonRequestPayloads() {
    MethodRequest empty = MethodRequest.fromPublish("$iothub/methods/POST/m/?$rid=1", new byte[0]);
    assertThat(empty.hasPayload()).isFalse();
    assertThat(empty.payloadAsJson()).isNull();
    MethodRequest text = empty.toBuilder().payload("not json".getBytes(StandardCharsets.UTF_8)).build();
    assertThat(text.isJsonPayload()).isFalse();
    assertThatIllegalStateException().isThrownBy(text::payloadAsJson).withMessageContaining("not valid JSON");
    MethodRequest badUtf8 = empty.toBuilder().payload(new byte[] {'"', (byte) 0xC3, '"'}).build();
    assertThat(badUtf8.isJsonPayload()).isFalse();
  }

  @Test
  void requestFromAResponseTopicOrNullPayloadIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(
        () -> MethodRequest.fromPublish("$iothub/methods/res/200/?$rid=1", new byte[0])).withMessageContaining("response topic");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodRequest.fromPublish("$iothub/methods/POST/m/?$rid=1", null));
  }

  @Test
  void requestBuilderRequiresNameAndRid() {
    assertThatIllegalStateException().isThrownBy(() -> MethodRequest.builder().methodName("m").build());
    assertThatIllegalArgumentException().isThrownBy(() -> MethodRequest.builder().methodName("a/b"));
    assertThatIllegalArgumentException().isThrownBy(() -> MethodRequest.builder().jsonPayload("{"));
    MethodRequest r = MethodRequest.builder().methodName("m").rid("r").jsonPayload("[1]").build();
    assertThat(r.toBuilder().build()).isEqualTo(r);
  }

  @Test
  void responseFactoriesAndJsonCheck() {
    MethodResponse ok = MethodResponse.ofJson(200, "{\"result\":\"done\"}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.isSuccess()).isTrue();
    assertThat(ok.payloadAsString()).isEqualTo("{\"result\":\"done\"}");
    assertThat(ok.topic("7")).isEqualTo("$iothub/methods/res/200/?$rid=7");
    assertThat(MethodResponse.of(404).payload()).isEmpty();
    assertThat(MethodResponse.of(404).isSuccess()).isFalse();
    assertThat(MethodResponse.builder().build().status()).isEqualTo(200);
    assertThatIllegalArgumentException().isThrownBy(() -> MethodResponse.ofJson(200, "{'a':1}"))
        .withMessageContaining("well-formed JSON");
    assertThatIllegalArgumentException().isThrownBy(() -> MethodResponse.ofJson(200, null));
    assertThat(ok.toBuilder().status(201).build().status()).isEqualTo(201);
  }

  @Test
  void responsePayloadLimitIs128KiB() {
    byte[] max = new byte[MethodResponse.MAX_PAYLOAD_BYTES];
    assertThat(MethodResponse.builder().payload(max).build().payload()).hasSize(131072);
    assertThatIllegalArgumentException().isThrownBy(() -> MethodResponse.builder().payload(new byte[131073]))
        .withMessageContaining("131072");
    String big = "\"" + "x".repeat(131071) + "\"";
    assertThatIllegalArgumentException().isThrownBy(() -> MethodResponse.ofJson(200, big));
  }
}
