// The file upload face's values: equality, secrets kept out of toString, the storage account's rules; the blob SAS
// signer and checker agree with each other and refuse what they must.
package io.rxiothub.emulator.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.emulator.files.internal.BlobSas;
import io.rxiothub.sas.PercentEncoding;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class FileValuesTest {

  @Test
  void valuesHaveValueEquality() {
    EqualsVerifier.forClass(FileUploadNotification.class).suppress(Warning.NULL_FIELDS).verify();
    EqualsVerifier.forClass(StorageAccount.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void storageAccountHidesItsKeyAndGivesThePathStyleHostName() {
    StorageAccount azurite = StorageAccount.azurite(10443, "uploads");

    assertThat(azurite.toString()).doesNotContain(StorageAccount.AZURITE_KEY).contains("key=***");
    assertThat(azurite.hostName()).isEqualTo("127.0.0.1:10443/devstoreaccount1");
  }

  @Test
  void storageAccountRulesNameTheField() {
    assertThatThrownBy(() -> StorageAccount.of("devstoreaccount1", StorageAccount.AZURITE_KEY,
        URI.create("http://127.0.0.1:10000/devstoreaccount1"), "uploads"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("blobEndpoint must be an https URI");
    assertThatThrownBy(() -> StorageAccount.of("devstoreaccount1", StorageAccount.AZURITE_KEY,
        URI.create("https://127.0.0.1:10000/devstoreaccount1"), "Up--loads"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("container must be");
    assertThatThrownBy(() -> StorageAccount.of("devstoreaccount1", "not base64 !",
        URI.create("https://127.0.0.1:10000/devstoreaccount1"), "uploads"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("accountKey must be Base64")
        .hasMessageNotContaining("not base64 !");
  }

  private static Map<String, String> query(String sas) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : sas.split("&")) {
      int eq = pair.indexOf('=');
      out.put(pair.substring(0, eq), PercentEncoding.decode(pair.substring(eq + 1)));
    }
    return out;
  }

  @Test
  void aSignedSasChecksForItsBlobAndPermissionsUntilItExpires() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Map<String, String> sas = query(BlobSas.sign("acct", StorageAccount.AZURITE_KEY, "c", "dev/a b.txt", "rw",
        now.plusSeconds(60)));

    assertThat(BlobSas.check(sas, "acct", StorageAccount.AZURITE_KEY, "c", "dev/a b.txt", 'w', now)).isNull();
    assertThat(BlobSas.check(sas, "acct", StorageAccount.AZURITE_KEY, "c", "dev/other.txt", 'w', now))
        .contains("does not match");
    assertThat(BlobSas.check(sas, "acct", StorageAccount.AZURITE_KEY, "c", "dev/a b.txt", 'd', now))
        .contains("grants 'rw'");
    assertThat(BlobSas.check(sas, "acct", StorageAccount.AZURITE_KEY, "c", "dev/a b.txt", 'w',
        now.plusSeconds(60))).contains("expired");
  }
}
