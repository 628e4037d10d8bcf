package io.rxiothub.sas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DpsKeysTest {

  @Test
  void derivesTheWorkedExample() {
    assertThat(DpsKeys.deriveDeviceKey(SasTokenTest.KEY, "reg-1"))
        .isEqualTo("thxXBjNB6FBV+ugwOZsLC2OkELTF0TOHZ3+Q6g7OCS0=");
  }

  @Test
  void rejectsBadInputWithoutEchoingTheKey() {
    assertThatThrownBy(() -> DpsKeys.deriveDeviceKey("not*base64", "reg-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group key")
        .message().doesNotContain("not*base64");
    assertThatThrownBy(() -> DpsKeys.deriveDeviceKey(SasTokenTest.KEY, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registration id");
  }
}
