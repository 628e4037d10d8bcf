package io.rxiothub.sas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base64CodecTest {

  @ParameterizedTest
  @CsvSource({"'',''", "f,Zg==", "fo,Zm8=", "foo,Zm9v", "foob,Zm9vYg==", "fooba,Zm9vYmE=", "foobar,Zm9vYmFy"})
  void matchesTheRfc4648Vectors(String plain, String encoded) {
    assertThat(Base64Codec.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
    assertThat(Base64Codec.decode(encoded)).isEqualTo(plain.getBytes(StandardCharsets.US_ASCII));
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "AB", "ABC", "AB=C", "====", "A===", "Zg=", "Zh==", "Zm9=", "Zg==Zg==", "Zm9v!", "Zm 9"})
  void rejectsInvalidText(String text) {
    assertThat(Base64Codec.decode(text)).isNull();
  }

  @Property
  void agreesWithTheJdkEncoder(@ForAll byte[] data) {
    String encoded = Base64Codec.encode(data);
    assertThat(encoded).isEqualTo(Base64.getEncoder().encodeToString(data));
    assertThat(Base64Codec.decode(encoded)).isEqualTo(data);
  }
}
