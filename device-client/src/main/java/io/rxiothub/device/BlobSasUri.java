// What the hub answers to a file upload request: where to upload, with which SAS, and the id to notify with.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * A blob SAS URI from the hub (protocol.md §16.1). The SAS token is a secret: {@link #toString()} shows the blob
 * URI without it.
 */
public final class BlobSasUri {

  private final String correlationId;
  private final String hostName;
  private final String containerName;
  private final String blobName;
  private final String sasToken;

  private BlobSasUri(Builder b) {
    this.correlationId = b.correlationId;
    this.hostName = b.hostName;
    this.containerName = b.containerName;
    this.blobName = b.blobName;
    this.sasToken = b.sasToken;
  }

  /** A builder; every value is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's fields. */
  public Builder toBuilder() {
    return new Builder().correlationId(correlationId).hostName(hostName).containerName(containerName)
        .blobName(blobName).sasToken(sasToken);
  }

  /** The id to notify the hub with. */
  public String correlationId() {
    return correlationId;
  }

  /** The storage host (and, path style, account), e.g. {@code account.blob.core.windows.net}. */
  public String hostName() {
    return hostName;
  }

  /** The container. */
  public String containerName() {
    return containerName;
  }

  /** The blob name, {@code {deviceId}/…}. */
  public String blobName() {
    return blobName;
  }

  /** The SAS token, starting with {@code ?} (a secret). */
  public String sasToken() {
    return sasToken;
  }

  /** The blob URI without the SAS: {@code https://{hostName}/{containerName}/{percent-encoded blobName}}. */
  public String blobUri() {
    return "https://" + hostName + "/" + containerName + "/" + io.rxiothub.sas.PercentEncoding.encode(blobName);
  }

  /** The blob URI with the SAS (a secret). */
  public String blobUriWithSas() {
    return blobUri() + sasToken;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof BlobSasUri)) {
      return false;
    }
    BlobSasUri other = (BlobSasUri) o;
    return correlationId.equals(other.correlationId) && hostName.equals(other.hostName)
        && containerName.equals(other.containerName) && blobName.equals(other.blobName)
        && sasToken.equals(other.sasToken);
  }

  @Override
  public int hashCode() {
    int h = correlationId.hashCode();
    h = h * 31 + hostName.hashCode();
    h = h * 31 + containerName.hashCode();
    h = h * 31 + blobName.hashCode();
    return h * 31 + sasToken.hashCode();
  }

  @Override
  public String toString() {
    return "BlobSasUri{" + blobUri() + ", correlationId=" + correlationId + ", sasToken=***}";
  }

  /** Builds a {@link BlobSasUri}. */
  public static final class Builder {
    private String correlationId = "";
    private String hostName = "";
    private String containerName = "";
    private String blobName = "";
    private String sasToken = "";

    private Builder() {}

    /** The correlation id. */
    public Builder correlationId(String correlationId) {
      this.correlationId = require(correlationId, "correlationId");
      return this;
    }

    /** The storage host name. */
    public Builder hostName(String hostName) {
      this.hostName = require(hostName, "hostName");
      return this;
    }

    /** The container name. */
    public Builder containerName(String containerName) {
      this.containerName = require(containerName, "containerName");
      return this;
    }

    /** The blob name. */
    public Builder blobName(String blobName) {
      this.blobName = require(blobName, "blobName");
      return this;
    }

    /** The SAS token ({@code ?} is added when missing). */
    public Builder sasToken(String sasToken) {
      String token = require(sasToken, "sasToken");
      this.sasToken = token.startsWith("?") ? token : "?" + token;
      return this;
    }

    private static String require(String value, String name) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be null or empty");
      }
      return value;
    }

    /** Builds the value. @throws IllegalStateException if a value is missing */
    public BlobSasUri build() {
      if (correlationId.isEmpty() || hostName.isEmpty() || containerName.isEmpty() || blobName.isEmpty()
          || sasToken.isEmpty()) {
        throw new IllegalStateException("a BlobSasUri needs correlationId, hostName, containerName, blobName and"
            + " sasToken");
      }
      return new BlobSasUri(this);
    }
  }
}
