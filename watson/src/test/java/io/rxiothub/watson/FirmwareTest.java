// Firmware and DmFields: the mgmt.firmware attribute and the attribute lists of device/update, observe, cancel and
// notify as RTD-DM's firmware examples write them (protocol.md §14.10).
package io.rxiothub.watson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;

class FirmwareTest {

  // RTD-DM requests.rst, "Firmware Actions - Download", step 1
  private static final String UPDATE_D = "{\"fields\":[{\"field\":\"mgmt.firmware\",\"value\":{"
      + "\"version\":\"some firmware version\",\"name\":\"some firmware name\","
      + "\"uri\":\"some uri for firmware location\",\"verifier\":\"some validation code\","
      + "\"state\":0,\"updateStatus\":0,\"updatedDateTime\":\"\"}}]}";

  @Test
  void readsTheDocumentedDeviceUpdateOfTheFirmwareAttribute() {
    Map<String, String> values = DmFields.values(UPDATE_D);
    assertThat(values).containsOnlyKeys(Firmware.FIELD);
    Firmware f = Firmware.parse(values.get(Firmware.FIELD));
    assertThat(f.version()).isEqualTo("some firmware version");
    assertThat(f.name()).isEqualTo("some firmware name");
    assertThat(f.verifier()).isEqualTo("some validation code");
    assertThat(f.state()).isEqualTo(Firmware.STATE_IDLE);
    assertThat(f.updateStatus()).isEqualTo(Firmware.UPDATE_SUCCESS);
    assertThat(f.updatedDateTime()).isEmpty();
    assertThat(f.hasValidUri()).as("the documentation's placeholder is not an absolute URI").isFalse();
    assertThat(f.toBuilder().uri("https://fw.example/image-2.bin").build().hasValidUri()).isTrue();
    assertThat(f.toBuilder().uri("ftp:x").build().hasValidUri()).isTrue();
    assertThat(f.toBuilder().uri("/relative/path").build().hasValidUri()).isFalse();
    assertThat(f.toBuilder().uri("1http://x").build().hasValidUri()).isFalse();
    assertThat(f.toBuilder().uri("https:").build().hasValidUri()).isFalse();
  }

  @Test
  void aNotifyChangesOnlyWhatItCarries() {
    Firmware f = Firmware.builder().version("2.0").uri("https://fw.example/2.bin").build();
    Firmware downloading = f.merge("{\"state\":1}");
    assertThat(downloading.state()).isEqualTo(Firmware.STATE_DOWNLOADING);
    assertThat(downloading.version()).isEqualTo("2.0");
    assertThat(downloading.uri()).isEqualTo("https://fw.example/2.bin");
    assertThat(downloading.statusJson()).isEqualTo("{\"state\":1,\"updateStatus\":0}");
  }

  @Test
  void theWireFormParsesBackToTheSameValue() {
    Firmware f = Firmware.builder().version("2.0").name("main").uri("https://fw.example/2.bin").verifier("abc")
        .state(Firmware.STATE_DOWNLOADED).updateStatus(Firmware.UPDATE_IN_PROGRESS).build();
    assertThat(f.toValueJson()).isEqualTo("{\"version\":\"2.0\",\"name\":\"main\",\"uri\":\"https://fw.example/2.bin\","
        + "\"verifier\":\"abc\",\"state\":2,\"updateStatus\":1}");
    assertThat(Firmware.parse(f.toValueJson())).isEqualTo(f);
  }

  @Test
  void outOfRangeOrMistypedMembersAreRefusedByName() {
    assertThatThrownBy(() -> Firmware.parse("{\"state\":3}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mgmt.firmware.state");
    assertThatThrownBy(() -> Firmware.parse("{\"updateStatus\":\"1\"}"))
        .hasMessageContaining("mgmt.firmware.updateStatus");
    assertThatThrownBy(() -> Firmware.parse("{\"uri\":5}")).hasMessageContaining("mgmt.firmware.uri");
    assertThatThrownBy(() -> Firmware.builder().updateStatus(7)).hasMessageContaining("0 to 6");
  }

  @Test
  void readsObserveAndBothFormsOfCancel() {
    assertThat(DmFields.names("{\"fields\":[\"mgmt.firmware\"]}")).containsExactly("mgmt.firmware");
    // RTD-DM's firmware example cancels with d.data of {"field": …}
    assertThat(DmFields.names("{\"data\":[{\"field\":\"mgmt.firmware\"}]}")).containsExactly("mgmt.firmware");
    assertThat(DmFields.names(DmFields.names(List.of("location", "mgmt.firmware.state"))))
        .containsExactly("location", "mgmt.firmware.state");
    assertThatThrownBy(() -> DmFields.names("{}")).hasMessageContaining("d.fields");
    assertThatThrownBy(() -> DmFields.names("{\"fields\":[1]}")).hasMessageContaining("attribute names");
  }

  @Test
  void notifyAndObserveResponsesRoundTrip() {
    String d = DmFields.notify(Firmware.FIELD, "{\"state\":2}");
    assertThat(d).isEqualTo("{\"field\":\"mgmt.firmware\",\"value\":{\"state\":2}}");
    assertThat(DmFields.notified(d)).satisfies(e -> {
      assertThat(e.getKey()).isEqualTo(Firmware.FIELD);
      assertThat(e.getValue()).isEqualTo("{\"state\":2}");
    });
    Map<String, String> values = new LinkedHashMap<>();
    values.put(Firmware.FIELD, "{\"state\":0,\"updateStatus\":0}");
    assertThat(DmFields.values(DmFields.fields(values))).isEqualTo(values);
    assertThatThrownBy(() -> DmFields.notified("{\"field\":\"x\"}")).hasMessageContaining("value");
    assertThatThrownBy(() -> DmFields.values("{\"fields\":[{\"field\":\"x\"}]}")).hasMessageContaining("value");
  }

  @Test
  void aDownloadNeedsIdleAndAUriAndAnUpdateNeedsADownload() {
    Firmware idle = Firmware.builder().uri("https://fw.example/2.bin").build();
    assertThat(idle.downloadRc(true)).isEqualTo(202);
    assertThat(idle.downloadRc(false)).isEqualTo(501);
    assertThat(idle.toBuilder().uri(null).build().downloadRc(true)).isEqualTo(400);
    assertThat(idle.toBuilder().state(Firmware.STATE_DOWNLOADING).build().downloadRc(true)).isEqualTo(400);
    assertThat(idle.updateRc(true)).as("nothing downloaded").isEqualTo(400);
    assertThat(idle.toBuilder().state(Firmware.STATE_DOWNLOADED).build().updateRc(true)).isEqualTo(202);
    assertThat(idle.toBuilder().state(Firmware.STATE_DOWNLOADED).build().updateRc(false)).isEqualTo(501);
  }

  @Test
  void hasValueEquality() {
    EqualsVerifier.forClass(Firmware.class).verify();
  }
}
