// Unit tests of Twin: the protocol.md §6 GET body, metadata tolerance, required sections and versions.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TwinTest {

  static final String GET_BODY = "{\"desired\":{\"telemetrySendFrequency\":\"5m\",\"$version\":12},"
      + "\"reported\":{\"telemetrySendFrequency\":\"5m\",\"batteryLevel\":55,\"$version\":123}}";

  @Test
  void parsesTheProtocolGetResponse() {
    Twin twin = Twin.parse(GET_BODY.getBytes(StandardCharsets.UTF_8));
    assertThat(twin.desiredVersion()).isEqualTo(12);
    assertThat(twin.reportedVersion()).isEqualTo(123);
    assertThat(twin.desired().keySet()).containsExactly("telemetrySendFrequency");
    assertThat(twin.reported().getLong("batteryLevel")).isEqualTo(55L);
    assertThat(twin.desiredMetadata()).isNull();
    assertThat(twin.toJson()).isEqualTo(GET_BODY);
  }

  @Test
  void toleratesMetadataAndUnknownMembers() {
    Twin twin = Twin.parse("{\"desired\":{\"a\":1,\"$metadata\":{\"$lastUpdated\":\"t\",\"a\":{\"$lastUpdatedVersion\":2}},"
        + "\"$version\":2},\"reported\":{\"$version\":1,\"$odd\":0},\"tags\":{\"x\":1}}");
    assertThat(twin.desired().keySet()).containsExactly("a");
    assertThat(twin.desiredMetadata().getString("$lastUpdated")).isEqualTo("t");
    assertThat(twin.reported().isEmpty()).isTrue();
    assertThat(Twin.parse(twin.toJson())).isEqualTo(twin);
  }

  @Test
  void rejectsDocumentsWithoutSectionsOrVersions() {
    assertThatIllegalArgumentException().isThrownBy(() -> Twin.parse("{\"reported\":{\"$version\":1}}"))
        .withMessageContaining("'desired'");
    assertThatIllegalArgumentException().isThrownBy(() -> Twin.parse("{\"desired\":1,\"reported\":{\"$version\":1}}"))
        .withMessageContaining("'desired'");
    assertThatIllegalArgumentException().isThrownBy(() -> Twin.parse("{\"desired\":{},\"reported\":{\"$version\":1}}"))
        .withMessageContaining("desired").withMessageContaining("$version");
    assertThatIllegalArgumentException().isThrownBy(
        () -> Twin.parse("{\"desired\":{\"$version\":1,\"$metadata\":3},\"reported\":{\"$version\":1}}"))
        .withMessageContaining("$metadata");
  }

  @Test
  void builderRequiresBothVersions() {
    assertThatIllegalStateException().isThrownBy(() -> Twin.builder().desiredVersion(1).build());
    assertThatIllegalArgumentException().isThrownBy(() -> Twin.builder().reportedVersion(-1));
    assertThatIllegalArgumentException().isThrownBy(() -> Twin.builder().desired(null));
    Twin twin = Twin.builder().desiredVersion(1).reportedVersion(2).build();
    assertThat(twin.toBuilder().build()).isEqualTo(twin);
  }

  @Test
  void desiredPatchMergesAndMovesTheVersion() {
    Twin twin = Twin.parse(GET_BODY);
    Twin next = twin.withDesiredPatch(TwinPatch.parse("{\"telemetrySendFrequency\":null,\"x\":1,\"$version\":13}"));
    assertThat(next.desiredVersion()).isEqualTo(13);
    assertThat(next.desired()).isEqualTo(TwinCollection.builder().put("x", 1).build());
    assertThat(next.reported()).isEqualTo(twin.reported());
    assertThatIllegalArgumentException().isThrownBy(() -> twin.withDesiredPatch(TwinPatch.builder().put("a", 1).build()))
        .withMessageContaining("$version");
  }
}
