// The file upload values: equality, the SAS kept out of toString, the rules of each field.
package io.rxiothub.device.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.rxiothub.device.BlobSasUri;
import io.rxiothub.device.IotHubFileUploadException;
import io.rxiothub.device.UploadProgress;
import java.io.IOException;
import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;

class FileUploadValuesTest {

  @Test
  void valuesHaveValueEquality() {
    EqualsVerifier.forClass(BlobSasUri.class).withNonnullFields("correlationId", "hostName", "containerName",
        "blobName", "sasToken").verify();
    EqualsVerifier.forClass(UploadProgress.class).withNonnullFields("blobName").verify();
  }

  @Test
  void theSasUriShowsItsBlobButNeverItsSas() {
    BlobSasUri uri = BlobSasUri.builder().correlationId("c1").hostName("acct.blob.core.windows.net")
        .containerName("uploads").blobName("dev 1/a b.txt").sasToken("sv=2020-10-02&sig=SECRET").build();

    assertThat(uri.toString()).doesNotContain("SECRET").contains("sasToken=***");
    assertThat(uri.blobUri()).isEqualTo("https://acct.blob.core.windows.net/uploads/dev%201%2Fa%20b.txt");
    assertThat(uri.blobUriWithSas()).endsWith("?sv=2020-10-02&sig=SECRET");
  }

  @Test
  void progressRulesNameTheField() {
    assertThat(UploadProgress.of("d/b", 5, 10).fraction()).isEqualTo(0.5);
    assertThat(UploadProgress.of("d/b", 5, -1).fraction()).isEqualTo(-1);
    assertThatIllegalArgumentException().isThrownBy(() -> UploadProgress.of("d/b", 11, 10))
        .withMessageStartingWith("totalBytes");
    assertThatIllegalArgumentException().isThrownBy(() -> UploadProgress.of(null, 0, 0))
        .withMessageStartingWith("blobName");
  }

  @Test
  void retryabilityFollowsTheStatusAndStage() {
    assertThat(new IotHubFileUploadException(IotHubFileUploadException.Stage.STORAGE, 503, "m", null)
        .isRetryable()).isTrue();
    assertThat(new IotHubFileUploadException(IotHubFileUploadException.Stage.STORAGE, 403, "m", null)
        .isRetryable()).isFalse();
    assertThat(new IotHubFileUploadException(IotHubFileUploadException.Stage.SAS_URI, 0, "m", new IOException())
        .isRetryable()).isTrue();
    assertThat(new IotHubFileUploadException(IotHubFileUploadException.Stage.SOURCE, 0, "m", new IOException())
        .isRetryable()).isFalse();
  }

}
